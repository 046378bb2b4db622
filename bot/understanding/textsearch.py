"""The events' own words, for questions the word lists do not explain.

"anything with horses", "про писателей", "a pianist", "investment": when the parse leaves content
words unexplained, they are looked up in every event's titles, summaries (five languages),
aliases and source quote, folded and stemmed like the rest of the question. A fallback under the
structured parse, never instead of it: the answerer asks only when the parse found nothing to
filter by.
"""

from __future__ import annotations

import math
import re
from array import array
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cached_property, lru_cache
from itertools import chain, compress
from typing import Protocol, TypeAlias

from bot.bitsets import rank_flags
from bot.catalog.model import Catalog, Event
from bot.understanding.normalise import fold
from bot.understanding.vocabulary import Vocabulary

# A word found in more than this share of the events says nothing specific ("Kyrgyz", "embassy"):
# it neither counts for an event nor against the question.
MAX_SHARE = 0.25
# The best events must explain at least this share of the unexplained words' weight (a word no
# event has weighs most). benchmarks/tune_text_search.py: 0.3-0.5 tie on the three older sets;
# 0.6 and up lose 7 questions of blind set 3; 0.3 wins 1 more there, but that is the set it would
# then be tuned to, so the strictest value that loses nothing, 0.5, stays. MAX_SHARE 0.15-0.35 tie.
MIN_COVERAGE = 0.5
_MIN_LENGTH = 3  # "war" counts; "a", "of" never do (and they are function words anyway)
_PREFIX = 5
# A posting is searched by bisection for each allowed event when it is this many times longer
# than the allowed events, and intersected as a set otherwise.
_BISECT_RATIO = 16


Posting: TypeAlias = "array[int]"
"""The events (by position in the catalog) whose texts hold a word: their positions, 4 bytes
each, ascending (`updated` cuts removed events out by bisection). Words found in the same events
(the words of one title, of a yearly event's clones) share one posting, which `updated` copies
before changing it. At 100,000 synthetic events 3.9 MB, where unshared
postings took 22 MB. (Bit sets for the commoner words would take 1.2 MB, but reading one out
costs a pass over all 100,000 events: 1.2 ms where 5,000 positions take 0.2.)"""


class EventTexts:
    """Folded (and stemmed) word -> positions of the events whose texts contain it."""

    def __init__(
        self,
        catalog: Catalog,
        vocabulary: Vocabulary,
        *,
        min_coverage: float = MIN_COVERAGE,
        max_share: float = MAX_SHARE,
    ) -> None:
        self.vocabulary = vocabulary
        self.min_coverage = min_coverage
        # Events with the same texts (a yearly festival described alike, the benchmark's
        # clones) are indexed once, with all their positions: the keys of each distinct set of
        # texts are worked out once, and each key gets that set's positions in one extend.
        by_texts: dict[tuple[str, ...], array[int]] = {}
        for position, event in enumerate(catalog.events):
            group = by_texts.get(texts := tuple(_texts(event)))
            if group is None:
                by_texts[texts] = array("I", (position,))
            else:
                group.append(position)
        # Positions as 4-byte machine words from the start, not lists of ints (8 bytes each,
        # plus slack): at 100,000 events the lists took 40 MB while building, which the process
        # then kept as freed but not returned memory.
        index: dict[str, array[int]] = {}
        folded: dict[str, list[str]] = {}  # each distinct text folded once (copies share one)
        keys: dict[str, set[str]] = {}  # each distinct word's index keys (none: not indexed)
        for texts, positions in by_texts.items():
            text_keys: set[str] = set()
            for word in _words(texts, folded):
                word_keys = keys.get(word)
                if word_keys is None:
                    indexed = len(word) >= _MIN_LENGTH and not vocabulary.is_function_word(
                        word, remember=False
                    )
                    keys[word] = word_keys = self._keys(word) if indexed else set()
                text_keys |= word_keys
            for key in text_keys:  # each position once per key: sets of texts differ
                found = index.get(key)
                if found is None:
                    index[key] = array("I", positions)
                else:
                    found.extend(positions)
        self.max_share = max_share
        limit = max(1, int(len(catalog.events) * max_share))
        # (After `updated`, a position is a slot: the events added take new ones at the end,
        # and those removed leave theirs empty, "".)
        self._ids = tuple(event.id for event in catalog.events)
        # positions are the catalog's ranks, until `updated`
        self._slot_of_rank: array[int] | None = None
        self._rank_of_slot: array[int] | None = None
        self.index: dict[str, Posting] = {}
        shared: dict[bytes, Posting] = {}
        for key, found in index.items():
            if len(found) <= limit:
                # keys found in the same events found them in the same order (the distinct
                # sets of texts are gone through in one order): equal bytes, one posting
                packed = found.tobytes()
                posting = shared.get(packed)
                if posting is None:
                    posting = shared[packed] = array("I", sorted(found))  # without the slack
                self.index[key] = posting
        self._common = {key: len(ids) for key, ids in index.items() if len(ids) > limit}
        self._finish(len(catalog.events))

    def _finish(self, count: int) -> None:
        self.common = frozenset(self._common)
        by_prefix: dict[str, list[str]] = defaultdict(list)
        for key in self.index:
            if len(key) >= _PREFIX:
                by_prefix[key[:_PREFIX]].append(key)
        self._by_prefix = {k: tuple(v) for k, v in by_prefix.items()}
        self.event_count = max(1, count)

    def updated(
        self, catalog: Catalog, layout: Layout, vocabulary: Vocabulary
    ) -> EventTexts | None:
        """The index of `catalog`, whose events are this index's but those `layout` says were
        removed or added, for the same lexicon: only the keys of those events' texts change
        (the removed events' positions cut out, the added ones' appended as new positions).
        None when a fresh build is due: a word too common to be indexed would now count (its
        positions were not kept), or the empty positions outnumber half the events."""
        live = len(catalog.events)
        ids = list(self._ids)
        if (len(ids) + len(layout.added) - live) * 2 > live:
            return None
        slot_of = {event_id: slot for slot, event_id in enumerate(ids) if event_id}
        removed = sorted(slot_of[event.id] for event in layout.removed)
        index = dict(self.index)
        common = dict(self._common)
        copied: set[str] = set()

        def postings(key: str) -> array[int]:
            if key not in copied:
                copied.add(key)
                index[key] = array("I", index.get(key, ()))
            return index[key]

        keys: dict[str, set[str]] = {}
        folded: dict[str, list[str]] = {}
        gone: dict[str, None] = {}
        for event in layout.removed:
            for key in self._event_keys(event, vocabulary, keys, folded):
                if key in common:
                    common[key] -= 1
                else:
                    gone[key] = None
        for start, end in _stretches(removed, ids):
            for key in gone:
                found = postings(key)
                low = bisect_left(found, start)
                high = bisect_right(found, end, low)
                del found[low:high]
        for slot in removed:
            ids[slot] = ""
        for rank in layout.added:
            event = catalog.events[rank]
            slot = len(ids)
            ids.append(event.id)
            slot_of[event.id] = slot
            for key in self._event_keys(event, vocabulary, keys, folded):
                if key in common:
                    common[key] += 1
                else:
                    postings(key).append(slot)
        limit = max(1, int(live * self.max_share))
        if any(count <= limit for count in common.values()):
            return None  # its positions were not kept: build afresh
        for key in list(index):
            found = index[key]
            if not found:
                del index[key]
            elif len(found) > limit:
                common[key] = len(found)
                del index[key]
        new = object.__new__(EventTexts)
        new.vocabulary = vocabulary
        new.min_coverage = self.min_coverage
        new.max_share = self.max_share
        new._ids = tuple(ids)
        # the kept events' positions moved run by run with them, the added ones' appended
        kept: Sequence[int] = self._slot_of_rank or range(len(self._ids))
        added_slot = slot_of.__getitem__
        new._slot_of_rank = array(
            "I", layout.spliced(kept, lambda event: added_slot(event.id), catalog.events)
        )
        new._rank_of_slot = None  # worked out when first asked (`_ranks_by_slot`)
        new.index = index
        new._common = common
        new._finish(live)
        return new

    def _event_keys(
        self,
        event: Event,
        vocabulary: Vocabulary,
        keys: dict[str, set[str]],
        folded: dict[str, list[str]],
    ) -> set[str]:
        """The index keys of one event's texts, as the build files them."""
        text_keys: set[str] = set()
        for word in _words(_texts(event), folded):
            word_keys = keys.get(word)
            if word_keys is None:
                indexed = len(word) >= _MIN_LENGTH and not vocabulary.is_function_word(
                    word, remember=False
                )
                keys[word] = word_keys = {word, *vocabulary.stems(word)} if indexed else set()
            text_keys |= word_keys
        return text_keys

    def unknown(self, words: Sequence[str]) -> bool:
        """Some content word no event's text holds, even as a relative ("chess")."""
        return any(
            len(w) >= _MIN_LENGTH
            and w.isalpha()
            and w not in self.common
            and not any(k in self.index or k in self.common for k in self._relatives(w))
            for w in words
        )

    def _postings(self, keys: Iterable[str]) -> list[Posting]:
        """The distinct postings of the keys that are indexed (keys of one stem often share
        one posting: it is read once)."""
        found: dict[int, Posting] = {}
        for key in keys:
            posting = self.index.get(key)
            if posting:
                found.setdefault(id(posting), posting)
        return list(found.values())

    def _keys(self, word: str) -> set[str]:
        return {word, *self.vocabulary.stems(word)}

    def _relatives(self, word: str) -> set[str]:
        """Index words of the same stem or a long common beginning ("инвестиции" and
        "инвестиционный", "chevaux" and "cheval")."""
        keys = self._keys(word)
        for other in self._by_prefix.get(word[:_PREFIX], ()) if len(word) >= _PREFIX else ():
            shared = len(_common_prefix(word, other))
            if shared >= max(_PREFIX, min(len(word), len(other)) - 3):
                keys.add(other)
        return keys

    def find(
        self,
        words: Sequence[str],
        within: int | None = None,
        at_most: int | None = None,
    ) -> tuple[str, ...]:
        """The ids of the events `find_ranks` finds, in the catalog's order."""
        slots = self._best(words, within, at_most)
        by_slot = self._ranks_by_slot()
        by_rank = None if by_slot is None else by_slot.__getitem__
        return tuple(map(self._ids.__getitem__, sorted(slots, key=by_rank)))

    def find_ranks(
        self,
        words: Sequence[str],
        within: int | None = None,
        at_most: int | None = None,
    ) -> list[int]:
        """Events that contain the most (weighted) of `words`; none when none is convincing.

        Args:
            words: folded words the parse did not explain.
            within: only these events may be found (the structured parse's result): a bit set
                of their ranks in the catalog (bit r: the event of rank r), as the search
                index keeps them.
            at_most: () when more events than this tie for best (they would narrow nothing:
                not read out, 5,000 ids sorted for nothing took 2 ms).
        Returns:
            The ranks in the catalog of the best events (ties included), ascending.
        """
        slots = self._best(words, within, at_most)
        by_slot = self._ranks_by_slot()
        if by_slot is None:
            return sorted(slots)
        return sorted(map(by_slot.__getitem__, slots))

    def _ranks_by_slot(self) -> array[int] | None:
        """Each position's rank in the catalog (None: they are the same), made from
        `_slot_of_rank` when first needed, not on every reload (30 ms at 100,000 events)."""
        if self._slot_of_rank is None or self._rank_of_slot is not None:
            return self._rank_of_slot
        rank_of_slot = array("I", bytes(4 * len(self._ids)))  # an empty slot's: never asked
        for rank, slot in enumerate(self._slot_of_rank):
            rank_of_slot[slot] = rank
        self._rank_of_slot = rank_of_slot
        return rank_of_slot

    def _best(self, words: Sequence[str], within: int | None, at_most: int | None) -> list[int]:
        """The positions of the best events (see `find_ranks`), in no order."""
        allowed = None
        if within is not None and within.bit_count() < self.event_count:  # else: no limit
            allowed = _Allowed(within, self.event_count, self._slot_of_rank, self._ranks_by_slot())
        # Events alike so far (holding the same words) share a score: each word splits them
        # with set operations, in C, instead of adding its weight event by event (5,000 events
        # each for seven words took 20 ms at 100,000 events).
        alike: list[tuple[float, set[int]]] = []
        scored: set[int] = set()
        total = 0.0
        unknown_weight = math.log(1 + self.event_count)  # a word no event has: off the topic
        for word in dict.fromkeys(w for w in words if len(w) >= _MIN_LENGTH and w.isalpha()):
            if word in self.common:
                continue
            exact = self.index.get(word)
            stems = self._postings(
                k for k in self._relatives(word) - {word} if k not in self.common
            )
            if not exact and not stems:
                total += unknown_weight
                continue
            # The word as typed counts fully, weighed by how rare it is as typed; a shared stem
            # only half ("ambassadeur" is not "ambassade", though both begin "ambassad"). The
            # weight counts every event; only the events allowed are scored (at 100,000 events
            # 311 of 21,000), found in each posting by bisection when they are the fewer.
            exact_hits = _hits(exact, allowed) if exact else set()
            if allowed is None:  # every event of the stems' postings, counted once
                stem_hits: set[int] = set().union(*stems)
                holding = len(exact) if exact else len(stem_hits)
            else:
                stem_hits = set().union(*(_hits(p, allowed) for p in stems))
                holding = len(exact) if exact else _union_size(stems)
            stem_hits -= exact_hits
            weight = math.log(1 + self.event_count / holding)
            total += weight
            stem_weight = weight / (1 if not exact else 2)
            alike = _split(alike, scored, exact_hits, weight)
            alike = _split(alike, scored, stem_hits, stem_weight)
        if not alike:
            return []
        best = max(score for score, _ in alike)
        if best < self.min_coverage * total:
            return []
        found = [slots for score, slots in alike if score >= best - 1e-9]
        if at_most is not None and sum(map(len, found)) > at_most:
            return []
        return list(chain.from_iterable(found))


class _Allowed:
    """The events a search may find, read out of their bit set only as a posting needs them:
    most questions' words are in no posting, and 100,000 ranks made a set for nothing took 70
    ms."""

    def __init__(
        self,
        bits: int,
        size: int,
        slot_of_rank: array[int] | None,
        rank_of_slot: array[int] | None,
    ) -> None:
        self._bits = bits
        self._size = size
        self.count = bits.bit_count()
        self._slot_of_rank = slot_of_rank
        self.rank_of_slot = rank_of_slot  # None: positions are the catalog's ranks

    @cached_property
    def flags(self) -> bytes:
        """One byte per rank, 1 when that event is allowed (made in C from the bit set)."""
        return rank_flags(self._bits, self._size)

    @cached_property
    def ordered(self) -> list[int]:
        """The allowed positions, ascending, for bisection into postings (asked only when they
        are few)."""
        flags, ranks = self.flags, []
        at = flags.find(1)
        while at >= 0:
            ranks.append(at)
            at = flags.find(1, at + 1)
        if self._slot_of_rank is None:
            return ranks
        return sorted(map(self._slot_of_rank.__getitem__, ranks))


def _hits(posting: Posting, allowed: _Allowed | None) -> set[int]:
    """The positions of `posting` that are allowed (all when there is no limit)."""
    if allowed is None:
        return set(posting)
    if allowed.count * _BISECT_RATIO >= len(posting):  # each position looked up, in C
        ranks = (
            posting
            if allowed.rank_of_slot is None
            else map(allowed.rank_of_slot.__getitem__, posting)
        )
        return set(compress(posting, map(allowed.flags.__getitem__, ranks)))
    hits: set[int] = set()
    size = len(posting)
    for slot in allowed.ordered:
        at = bisect_left(posting, slot)
        if at < size and posting[at] == slot:
            hits.add(slot)
    return hits


def _split(
    alike: list[tuple[float, set[int]]], scored: set[int], hits: set[int], weight: float
) -> list[tuple[float, set[int]]]:
    """The groups of equally scored events once `hits` gain `weight`: each group split into
    those among the hits and the others; hits in no group yet (not in `scored`, which grows)
    form a group of their own. The same sums, added in the same order, as event by event."""
    if not hits:
        return alike
    split: list[tuple[float, set[int]]] = []
    for score, slots in alike:
        inside = slots & hits
        if not inside:
            split.append((score, slots))
            continue
        split.append((score + weight, inside))
        if len(inside) < len(slots):
            split.append((score, slots - inside))
    if new := hits - scored:
        split.append((0.0 + weight, new))
        scored |= new
    return split


def _union_size(postings: list[Posting]) -> int:
    return len(postings[0]) if len(postings) == 1 else len(set().union(*postings))


class Layout(Protocol):
    """Where the events of a new catalog were in the previous one (bot/incremental.py)."""

    added: tuple[int, ...]
    removed: tuple[Event, ...]

    def spliced(
        self, old: Sequence[int], make: Callable[[Event], int], events: Sequence[Event]
    ) -> list[int]: ...


def _stretches(slots: list[int], ids: list[str]) -> Iterator[tuple[int, int]]:
    """The sorted `slots` as (first, last) stretches holding no other event's slot (empty
    slots may lie between): one cut per stretch from each key's positions."""
    start = end = -1
    for slot in slots:
        if start >= 0 and not any(ids[end + 1 : slot]):
            end = slot
            continue
        if start >= 0:
            yield start, end
        start = end = slot
    if start >= 0:
        yield start, end


def _common_prefix(a: str, b: str) -> str:
    size = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        size += 1
    return a[:size]


def _texts(event: Event) -> Iterable[str]:
    yield from event.title.values()
    yield from event.summary.values()
    yield from event.aliases
    yield event.source


def _words(texts: Iterable[str], folded: dict[str, list[str]]) -> set[str]:
    """The folded words of the texts; `folded` remembers each text's words across events."""
    words: set[str] = set()
    for text in texts:
        split = folded.get(text)
        if split is None:
            folded[text] = split = fold(text).split()
        words.update(split)
    return words


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[^\s])")


def best_sentence(text: str, question_words: Sequence[str], skip: set[str]) -> str | None:
    """The one sentence of `text` that shares the most words with the question (a shared
    beginning of five letters counts), or None when none or several tie.

    "When is the Benelux release of Centaur": the summary's sentence about the release, not the
    festival's dates. `skip` holds words that name the event itself (they are everywhere).
    """
    wanted = [w for w in dict.fromkeys(question_words) if len(w) >= 4 and w not in skip]
    if not wanted:
        return None
    scored: list[tuple[int, str]] = []
    for sentence, words in _sentences(text):
        score = sum(1 for w in wanted if any(_related(w, s) for s in words))
        scored.append((score, sentence))
    scored.sort(key=lambda pair: -pair[0])
    if not scored or scored[0][0] == 0 or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        return None
    return scored[0][1]


@lru_cache(maxsize=2048)
def _sentences(text: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """A summary's sentences with their folded words (summaries are few and fixed)."""
    return tuple(
        (sentence, frozenset(fold(sentence).split()))
        for sentence in _SENTENCE_END.split(text.strip())
    )


def _related(a: str, b: str) -> bool:
    """The same word, or both begin alike: at least `_PREFIX` letters and all but the last three
    of the shorter. (Two slices compared, rather than counting the shared letters one by one:
    they are equal exactly when that many letters are shared.)"""
    if a == b:
        return True
    needed = max(_PREFIX, min(len(a), len(b)) - 3)
    return a[:needed] == b[:needed]
