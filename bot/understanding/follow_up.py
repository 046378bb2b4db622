"""Follow-up words: "more", "the second", "and in 2016?", "no, I meant", "who organised it?".

This reads only the words (data/lexicon/follow_ups.yaml); what they point to is decided with the
conversation in bot/conversing.py. Words are compared case- and accent-free but in their own
script, so Russian "а" (and) never meets English "a".
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from bot.catalog.model import FollowUpWords
from bot.understanding.normalise import CYRILLIC, fold_word

_TOKEN = re.compile(r"[№#]|[^\W_]+")
_POSITION = re.compile(r"^(\d{1,2})(?:st|nd|rd|th|e|eme|er|re|de|ste|me)?$")
ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5,
    "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "last": -1,
}  # fmt: skip
LAST = -1
# Which side of an event a question asks about, when it names several ("who won"): first wins.
ASPECTS = ("organisers", "results", "people", "date", "place", "details")
_OPENERS = ("correction", "continue")
# Words this short that no list knows ("о", "de", "of") leave "about 2" a position.
_SHORT = 2
MAX_WORDS = 64
_MIN_LATIN = 4
_TYPO_LENGTH = 5
_TYPO_KINDS = frozenset({*ORDINALS, "more", "next", "previous"})
_TYPO_CACHE_SIZE = 4096  # words whose reading is remembered; the oldest go first
_WORD_FACTS_SIZE = 1024  # words whose script, Latin form and phrase length are kept (~0.25 MB)
_LATIN_CACHE_SIZE = 2048  # words whose Latin-typed form is remembered (~0.3 MB at most)
_Y_AFTER_VOWEL = re.compile(r"(?<=[aeiou])y(?![aeiouy])")


@dataclass(frozen=True)
class FollowUp:
    """What the follow-up words of one message say, before looking at the conversation."""

    more: bool = False  # the whole message asks for the next page
    following: bool = False  # "the next one": the one after the card picked from the list
    preceding: bool = False  # "the previous one": the one before it
    position: int | None = None  # 1-based place in the last list; LAST for "the last one"
    opener: str | None = None  # "continue" or "correction": how the message starts
    rest: str = ""  # the message after its opening words ("2016" of "no, I meant 2016")
    aspect: str | None = None  # organisers | results | people | date | place | details
    pointer: bool = False  # "it", "that", "это": refers to what was just shown
    ever: bool = False  # "the first one ever": the whole record, not the last list
    fresh: bool = False  # "anything in Liège?": a question of its own, never a fragment
    unexplained: int = 0  # words of 3+ letters no follow-up phrase covers
    leftover: tuple[str, ...] = ()  # those words, as typed (lowercase, no accents)
    asks: bool = False  # a question word: "which", "кайсы", "welke"
    language: str | None = None  # the language the follow-up words tell, if only one
    languages: frozenset[str] = frozenset()  # every language all its follow-up words belong to


def tokens(text: str) -> list[str]:
    """Lowercase words without accents, in their own script; "№" and "#" are words too."""
    if text.isascii():  # most questions: nothing to decompose, and ASCII casefolds as it lowers
        return _TOKEN.findall(text.lower())
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return _TOKEN.findall("".join(ch for ch in decomposed if not unicodedata.combining(ch)))


@lru_cache(maxsize=_LATIN_CACHE_SIZE)
def _latin(word: str) -> str:
    """A word as Russian or Kyrgyz typed in Latin letters compares: "vtoroy", "vtoroj" and
    "второй" all become "vtoroi". Remembered (bounded), as fold_word: the same words return."""
    return _Y_AFTER_VOWEL.sub("i", fold_word(word))


class FollowUpReader:
    """Finds follow-up phrases in a message: longest phrase first, word by word."""

    def __init__(self, words: FollowUpWords) -> None:
        table: dict[tuple[str, ...], set[tuple[str, str]]] = defaultdict(set)
        for kind, per_language in words.phrases.items():
            for language, phrases in per_language.items():
                for phrase in phrases:
                    key = tuple(tokens(phrase))
                    if key:
                        table[key].add((kind, language))
        self._table = {key: frozenset(senses) for key, senses in table.items()}
        # Russian and Kyrgyz typed in Latin letters ("vtoroe", "kto pel", "akyrkysy"): the
        # Cyrillic phrases transliterated, when long enough not to be a word of another
        # language ("он" would be English "on") and not already a Latin phrase.
        latin: dict[tuple[str, ...], set[tuple[str, str]]] = defaultdict(set)
        for key, senses in self._table.items():
            if any(CYRILLIC.search(w) for w in key):
                typed = tuple(_latin(w) for w in key)
                if len("".join(typed)) >= _MIN_LATIN and typed not in self._table:
                    latin[typed].update(senses)
        self._latin = {key: frozenset(senses) for key, senses in latin.items()}
        self._pointers = frozenset(
            w
            for key, senses in (*self._table.items(), *self._latin.items())
            if len(key) == 1 and any(kind == "pointer" for kind, _ in senses)
            for w in key
        )
        self._longest = max((len(key) for key in self._table), default=1)
        # The longest phrase starting with each word (as typed, and Latin-typed): most words of
        # a question start none, and need no lookup of every span that begins with them.
        self._starts = _longest_from(self._table)
        self._latin_starts = _longest_from(self._latin)
        typo_words = sorted(
            key[0]
            for key, senses in self._table.items()
            if len(key) == 1
            and len(key[0]) >= _TYPO_LENGTH
            and all(kind in _TYPO_KINDS for kind, _ in senses)
        )
        # One slip changes the length by one at most: per length, the words one slip away in
        # length, in the same (sorted) order, so the closest and the first of equals stay so.
        self._typo_words_near: dict[int, list[str]] = {}
        for word in typo_words:
            for size in (len(word) - 1, len(word), len(word) + 1):
                self._typo_words_near.setdefault(size, []).append(word)
        self._typos: dict[str, frozenset[tuple[str, str]] | None] = {}  # bounded, see _typo
        self._word_facts: dict[str, tuple[bool, str, int]] = {}  # bounded, see _facts_of

    def read(self, text: str) -> FollowUp:
        words = tokens(text)[:MAX_WORDS]  # as the parser: a pasted page must not stall
        if not words:
            return FollowUp()
        found = self._scan(words)
        # One pass over the phrases found: their kinds, the languages each alone belongs to
        # (counted: the language told is the one counted most, if only one is), and the
        # languages every phrase shares.
        kinds: set[str] = set()
        counts: dict[str, int] = {}
        shared: frozenset[str] | None = None
        for _, _, senses in found:
            phrase_languages = set()
            for kind, lang in senses:
                kinds.add(kind)
                phrase_languages.add(lang)
            if len(phrase_languages) == 1:
                (only,) = phrase_languages
                counts[only] = counts.get(only, 0) + 1
            shared = frozenset(phrase_languages) if shared is None else shared & phrase_languages
        language = None
        if counts:
            most = max(counts.values())
            leaders = [lang for lang, count in counts.items() if count == most]
            language = leaders[0] if len(leaders) == 1 else None

        whole = found and found[0][0] == 0 and found[0][1] == len(words)
        whole_kinds = {kind for kind, _ in found[0][2]} if whole else set()
        opener, rest = self._opener(text, words, found)
        covered = {i for start, end, _ in found for i in range(start, end)}
        # "il" of "il y a eu", "there" of "was there" point at nothing
        existential = {
            i
            for start, end, senses in found
            if any(kind == "fresh" for kind, _ in senses)
            for i in range(start, end)
        }
        leftover = tuple(w for i, w in enumerate(words) if i not in covered and len(w) > _SHORT)
        return FollowUp(
            more="more" in whole_kinds,
            following="next" in kinds,
            preceding="previous" in kinds,
            position=self._position(words, found),
            opener=opener,
            rest=rest,
            aspect=next((a for a in ASPECTS if a in kinds), None),
            # "it" inside "where was it" still points at what was just shown
            pointer="pointer" in kinds
            or any(words[i] in self._pointers for i in range(len(words)) if i not in existential),
            ever="ever" in kinds,
            fresh="fresh" in kinds,
            unexplained=len(leftover),
            leftover=leftover,
            asks="asks" in kinds,
            language=language,
            languages=shared if shared is not None else frozenset(),
        )

    def _scan(self, words: list[str]) -> list[tuple[int, int, frozenset[tuple[str, str]]]]:
        """(start, end, senses) of the phrases found, longest first at each word."""
        found: list[tuple[int, int, frozenset[tuple[str, str]]]] = []
        # Each word's Latin-typed form once, not once per span it stands in; a span with a
        # Cyrillic word has none.
        memo, facts = self._word_facts, []
        for w in words:
            fact = memo.get(w)
            if fact is None:
                fact = self._facts_of(w)
            facts.append(fact)
        cyrillic = [fact[0] for fact in facts]
        latin = [fact[1] for fact in facts]
        i = 0
        while i < len(words):
            longest = facts[i][2]
            for size in range(min(longest, len(words) - i), 0, -1):
                senses = self._table.get(tuple(words[i : i + size]))
                if senses is None and not any(cyrillic[i : i + size]):
                    senses = self._latin.get(tuple(latin[i : i + size]))
                if senses:
                    found.append((i, i + size, senses))
                    i += size
                    break
            else:
                senses = self._typo(words[i])
                if senses:
                    found.append((i, i + 1, senses))
                i += 1
        return found

    def _facts_of(self, word: str) -> tuple[bool, str, int]:
        """Whether a word is Cyrillic, its Latin-typed form (itself if Cyrillic), and the most
        words of a phrase it starts, as typed or Latin-typed; kept (bounded, as `_typo`)."""
        cyrillic = bool(CYRILLIC.search(word))
        latin = word if cyrillic else _latin(word)
        longest = max(self._starts.get(word, 0), self._latin_starts.get(latin, 0))
        facts = self._word_facts
        if len(facts) >= _WORD_FACTS_SIZE:
            del facts[next(iter(facts))]
        fact = facts[word] = (cyrillic, latin, longest)
        return fact

    def _typo(self, word: str) -> frozenset[tuple[str, str]] | None:
        """A one-letter slip in a position or "more" word ("seccond", "thrid", "последни"):
        only these kinds, only words of five letters or more, so "three" never becomes "there"."""
        if len(word) < _TYPO_LENGTH or word.isdigit():
            return None
        if word in self._typos:  # the same words come back ("вторйо", "morre", "concerts")
            return self._typos[word]
        match = process.extractOne(
            word,
            self._typo_words_near.get(len(word), ()),
            scorer=DamerauLevenshtein.distance,
            score_cutoff=1,
        )
        senses = None
        if match is not None and word != match[0] + "s":  # "seconds" is a word of its own
            senses = self._table[(match[0],)]
        if len(self._typos) >= _TYPO_CACHE_SIZE:
            del self._typos[next(iter(self._typos))]
        self._typos[word] = senses
        return senses

    def _opener(
        self,
        text: str,
        words: list[str],
        found: list[tuple[int, int, frozenset[tuple[str, str]]]],
    ) -> tuple[str | None, str]:
        """ "continue"/"correction" when the message starts with such words, and what follows."""
        if not found or found[0][0] != 0:
            return None, text
        _start, end, senses = found[0]
        kinds = {kind for kind, _ in senses}
        opener = next((k for k in _OPENERS if k in kinds), None)
        if opener is None:
            return None, text
        # The raw text after the opener's words (same tokens, so the same count).
        raw = list(islice(_TOKEN.finditer(text), end))
        rest = text[raw[end - 1].end() :] if len(raw) >= end else ""
        return opener, rest.strip(" ,.;:!?-—–")

    def _position(
        self, words: list[str], found: list[tuple[int, int, frozenset[tuple[str, str]]]]
    ) -> int | None:
        for _, _, senses in found:
            for kind, _ in senses:
                if kind in ORDINALS:
                    return ORDINALS[kind]
        if not any(word[0].isdigit() for word in words):
            return None  # most messages: no number that could be a position
        known = {i for start, end, _ in found for i in range(start, end)}
        numbered = {end for start, end, senses in found if any(k == "number" for k, _ in senses)}
        for i, word in enumerate(words):
            match = _POSITION.match(word)
            if match is None or not 1 <= int(match.group(1)) <= 99:
                continue
            others = [w for j, w in enumerate(words) if j != i and j not in known]
            if i in numbered or all(len(w) <= _SHORT for w in others):
                return int(match.group(1))
        return None


def _longest_from(table: Mapping[tuple[str, ...], object]) -> dict[str, int]:
    """First word of a phrase -> the number of words of the longest phrase it starts."""
    longest: dict[str, int] = {}
    for key in table:
        longest[key[0]] = max(longest.get(key[0], 0), len(key))
    return longest
