"""Finding known phrases in a question: exactly, after stripping an ending, then fuzzily.

Longer phrases win over shorter ones ("Museum of Musical Instruments" before "museum"), exact
over inflected over fuzzy, so a typo can never override a word typed right.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from rapidfuzz import process
from rapidfuzz.distance import OSA, DamerauLevenshtein

from bot.understanding.vocabulary import MIN_FUZZY_LENGTH, Sense, Vocabulary

# Edit distances for typos: full Damerau-Levenshtein, or the optimal string alignment (OSA) that
# never edits a substring twice. benchmarks/compare_scorers.py measures both on every question set.
SCORERS = {"damerau": DamerauLevenshtein.distance, "osa": OSA.distance}

EXACT = 100.0
STEMMED = 99.0


@dataclass(frozen=True)
class Match:
    start: int  # first word index
    end: int  # one past the last word index
    senses: frozenset[Sense]
    score: float  # 100 exact, 99 after stripping an ending, else the fuzzy score
    phrase: str  # the known phrase it matched
    rivals: tuple[tuple[str, frozenset[Sense], float], ...] = ()  # equally close readings


def find_matches(
    words: Sequence[str],
    plain_words: Sequence[str],
    vocabulary: Vocabulary,
    *,
    max_edits: tuple[int, int, int],
    taken: set[int] | None = None,
    scorer: str = "damerau",
) -> list[Match]:
    """All known phrases in `words`, non-overlapping, in word order.

    Args:
        words: folded words of the question.
        plain_words: the same words folded without spelling variants, for typo matching.
        max_edits: typing slips (edits, OSA by default) forgiven in words of 5-7, 8-11
            and 12+ letters. A different meaning at the same distance is kept as a rival, so
            the caller can ask "did you mean".
        taken: word indexes already used (years, numbers); they are skipped.
    """
    used: set[int] = set(taken or ())
    found: list[Match] = []
    span = min(vocabulary.max_words, len(words))

    def free(i: int, n: int) -> bool:
        return used.isdisjoint(range(i, i + n))

    def claim(match: Match) -> None:
        found.append(match)
        used.update(range(match.start, match.end))

    # 1. Longest phrases first; at each length: as typed, then with the last word's ending
    #    stripped (Брюсселде), then with every word's ending stripped (архивных фотографий).
    #    Each word is stemmed once; a chunk is tried only where a known phrase of that many
    #    words could begin (its first word as typed or stemmed begins one that long).
    memo = _WORD_FACTS.get(vocabulary)
    if memo is None:
        memo = _WORD_FACTS[vocabulary] = {}
    facts = [memo.get(word) or _word_facts(word, vocabulary, memo) for word in words]
    stems = [fact[0] for fact in facts]
    stemmed = [fact[1] for fact in facts]
    longest = [fact[2] for fact in facts]
    for n in range(min(span, max(longest, default=1)), 0, -1):
        for i in range(len(words) - n + 1):
            if n <= longest[i] and (i not in used if n == 1 else free(i, n)):
                if n == 1:
                    if _respelt_short_word(words[i], plain_words[i], vocabulary):
                        continue
                    alone = facts[i][3]
                    match = Match(i, i + 1, *alone) if alone else None
                else:
                    match = _exact(words, stems, stemmed, i, i + n, vocabulary)
                if match:
                    claim(match)

    # 2. Compounds ("sportevenementen", "krantenartikels"): a name glued to a known word.
    for i, word in enumerate(words):
        if i in used or len(word) < 8 or word in vocabulary.function_words:
            continue
        senses = _compound(word, vocabulary)
        if senses:
            claim(Match(i, i + 1, senses, STEMMED, word))

    # 3. Part of a person's name ("Kubat"): one person, or several to choose from.
    for i, word in enumerate(words):
        people = vocabulary.name_parts.get(word) if i not in used else None
        if people:
            first, *others = people
            rivals = tuple((word, frozenset({other}), STEMMED) for other in others)
            claim(Match(i, i + 1, frozenset({first}), STEMMED, word, rivals))

    # 4. Typos: only words nothing else explained, longest span first, compared in their
    #    plain form (a typo in "concerts" must not be judged after "c" became "ts"). A chunk
    #    of known words is never tried, so without a free unknown word there is nothing to do.
    known = vocabulary.known_words
    unknown = any(i not in used and word not in known for i, word in enumerate(words))
    for n in (3, 2, 1) if unknown else ():
        for i in range(len(words) - n + 1):
            if not free(i, n):
                continue
            chunk = words[i : i + n]
            if all(w in vocabulary.known_words for w in chunk) or any(w.isdigit() for w in chunk):
                continue  # words typed right: exact matching already had its say
            if n == 1 and vocabulary.is_function_word(chunk[0]):
                continue  # "болгонун" is "болгон" inflected, not a typo of "өлкөнүн"
            match = _fuzzy(
                " ".join(plain_words[i : i + n]), i, n, vocabulary, max_edits, SCORERS[scorer]
            )
            if match:
                claim(match)

    return sorted(found, key=lambda m: m.start)


# Per vocabulary: first word -> the most words of a known phrase it begins, as typed and with
# every word's ending stripped. Built on first use, dropped with the vocabulary.
_PHRASE_LENGTHS: WeakKeyDictionary[Vocabulary, tuple[dict[str, int], dict[str, int]]] = (
    WeakKeyDictionary()
)


def _phrase_lengths(vocabulary: Vocabulary) -> tuple[dict[str, int], dict[str, int]]:
    lengths = _PHRASE_LENGTHS.get(vocabulary)
    if lengths is None:
        typed: dict[str, int] = {}
        stemmed: dict[str, int] = {}
        for keys, longest in ((vocabulary.senses, typed), (vocabulary.stemmed, stemmed)):
            for key in keys:
                first, *rest = key.split(" ")
                if rest and len(rest) + 1 > longest.get(first, 1):
                    longest[first] = len(rest) + 1
        lengths = _PHRASE_LENGTHS[vocabulary] = (typed, stemmed)
    return lengths


# What phrase matching needs of one word, per vocabulary: its candidate stems, its stem key,
# the most words a known phrase starting with it has (as typed or stemmed), and what the word
# alone matches exactly (senses, score, phrase) or None. The same few thousand words make up
# most questions; bounded, the oldest go first.
_WordFacts = tuple[tuple[str, ...], str, int, "tuple[frozenset[Sense], float, str] | None"]
_WORD_FACTS_SIZE = 4096
_WORD_FACTS: WeakKeyDictionary[Vocabulary, dict[str, _WordFacts]] = WeakKeyDictionary()


def _word_facts(word: str, vocabulary: Vocabulary, memo: dict[str, _WordFacts]) -> _WordFacts:
    """A word's facts, from `memo` (the vocabulary's `_WORD_FACTS`) or worked out and kept."""
    facts = memo.get(word)
    if facts is None:
        stems = vocabulary.stems(word)
        stem = stems[0] if stems else word
        typed_longest, stemmed_longest = _phrase_lengths(vocabulary)
        longest = max(typed_longest.get(word, 1), stemmed_longest.get(stem, 1))
        alone = _exact((word,), (stems,), (stem,), 0, 1, vocabulary)
        facts = stems, stem, longest, (alone.senses, alone.score, alone.phrase) if alone else None
        if len(memo) >= _WORD_FACTS_SIZE:
            del memo[next(iter(memo))]
        memo[word] = facts
    return facts


def _exact(
    words: Sequence[str],
    stems: Sequence[tuple[str, ...]],
    stemmed: Sequence[str],
    start: int,
    end: int,
    vocabulary: Vocabulary,
) -> Match | None:
    """words[start:end] as typed, then with its last word's ending stripped, then with every
    word's (`stems`: each word's candidate stems; `stemmed`: each word's `stem_key`)."""
    phrase = " ".join(words[start:end])
    senses = vocabulary.lookup(phrase)
    if senses:
        return Match(start, end, senses, EXACT, phrase)
    if words[end - 1] in vocabulary.stopwords:  # markers like "концерти" may still be names
        return None
    head = " ".join(words[start : end - 1])
    for stem in stems[end - 1]:
        candidate = f"{head} {stem}" if head else stem
        senses = vocabulary.lookup(candidate)
        if senses:
            return Match(start, end, senses, STEMMED, candidate)
    key = " ".join(stemmed[start:end])  # vocabulary.stem_key(phrase), its words stemmed once
    senses = vocabulary.stemmed.get(key, frozenset())
    return Match(start, end, senses, STEMMED, key) if senses else None


_OFF_TOPIC = Sense("intent", "out_of_scope")
_SHORT_OFF_TOPIC = 6  # "wether" is weather; "watch" (five letters) is not "match"
_CUE_KINDS = ("period",)  # intent cues keep theirs: "relashions"


def _respelt_short_word(word: str, plain: str, vocabulary: Vocabulary) -> bool:
    """A short word that only the Latin-typed-Russian spellings turned into a known one:
    English "few" folds to "fev" (фев, February); typed as it is it means nothing."""
    return len(plain) <= 3 and word != plain and not vocabulary.plain_lookup(plain)


def allowed_edits(length: int, max_edits: tuple[int, int, int]) -> int:
    """How many typing slips a word of this length may carry and still be recognised."""
    short, medium, long = max_edits
    if length < MIN_FUZZY_LENGTH:
        return 0
    return short if length <= 7 else medium if length <= 11 else long


def _compound(word: str, vocabulary: Vocabulary) -> frozenset[Sense]:
    for cut in range(len(word) - 3, 3, -1):
        head, tail = word[:cut], word[cut:]
        for name, rest in ((head, tail), (tail, head)):
            if vocabulary.is_name(name) and (
                rest in vocabulary.known_words or vocabulary.is_name(rest)
            ):
                return frozenset(s for s in vocabulary.lookup(name) if s.kind != "intent")
    return frozenset()


def _word_by_word(
    text: str, key: str, max_edits: tuple[int, int, int], distance: Callable[..., int]
) -> bool:
    typed, known = text.split(), key.split()
    if len(typed) != len(known):
        return False
    distances = [distance(a, b) for a, b in zip(typed, known, strict=True)]
    if sum(distances) == 1:
        return all(len(a) >= 3 for a, d in zip(typed, distances, strict=True) if d)  # "adn"
    return all(
        d <= allowed_edits(len(a), max_edits) for a, d in zip(typed, distances, strict=True)
    )


# Typo candidates per vocabulary and (length, edits): a handful of lists, built on first use
# instead of on every fuzzy lookup; dropped with the vocabulary (a reload builds a new one).
_CANDIDATES: WeakKeyDictionary[Vocabulary, dict[tuple[int, int], tuple[str, ...]]] = (
    WeakKeyDictionary()
)


def _candidates(vocabulary: Vocabulary, length: int, edits: int) -> tuple[str, ...]:
    lists = _CANDIDATES.get(vocabulary)
    if lists is None:
        lists = _CANDIDATES[vocabulary] = {}
    found = lists.get((length, edits))
    if found is None:
        found = tuple(vocabulary.plain_keys_near_length(length, edits))
        if found:  # a pasted 4,000-letter "word" finds nothing and leaves nothing behind
            lists[(length, edits)] = found
    return found


_Reading = tuple[frozenset[Sense], float, str, tuple[tuple[str, frozenset[Sense], float], ...]]

# Typo readings per vocabulary: (plain text, words, allowance, scorer) -> what `_closest` found,
# None included. The same unknown words and slips come back from user to user ("brusels",
# "what happend", "stuff"); comparing one against a thousand keys costs more than a whole
# answer otherwise. Bounded: the oldest go first.
_TYPO_CACHE_SIZE = 4096
_READINGS: WeakKeyDictionary[Vocabulary, dict[tuple[object, ...], _Reading | None]] = (
    WeakKeyDictionary()
)


def _fuzzy(
    text: str,
    start: int,
    n: int,
    vocabulary: Vocabulary,
    max_edits: tuple[int, int, int],
    distance: Callable[..., int],
) -> Match | None:
    readings = _READINGS.get(vocabulary)
    if readings is None:
        readings = _READINGS[vocabulary] = {}
    key = (text, n, max_edits, distance)
    if key in readings:
        reading = readings[key]
    else:
        reading = readings[key] = _closest(text, n, vocabulary, max_edits, distance)
        if len(readings) > _TYPO_CACHE_SIZE:
            del readings[next(iter(readings))]
    if reading is None:
        return None
    senses, score, phrase, rivals = reading
    return Match(start, start + n, senses, score, phrase, rivals)


def _closest(
    text: str,
    n: int,
    vocabulary: Vocabulary,
    max_edits: tuple[int, int, int],
    distance: Callable[..., int],
) -> _Reading | None:
    """The known phrase `text` (n words, plain form) is a slip of, with equally close rivals."""
    edits = allowed_edits(len(text), max_edits)
    if edits == 0:
        return None
    hits = process.extract(
        text,
        _candidates(vocabulary, len(text), edits),
        scorer=distance,
        score_cutoff=edits,
        limit=6,
    )
    if n > 1:
        # A phrase forgives slips inside its words, never a different word ("people take" is
        # not "people came"): every word must be within its own allowance.
        hits = [hit for hit in hits if _word_by_word(text, hit[0], max_edits, distance)]
    # Period words (ordinals, "before", "since") forgive one slip only: "оперная" is not
    # "первая", though two edits apart; names keep the full allowance.
    # An off-topic cue is taken only as typed in a short word: "watch" is not "match".
    hits = [
        hit
        for hit in hits
        if (hit[1] <= 1 or any(s.kind not in _CUE_KINDS for s in vocabulary.plain_lookup(hit[0])))
        and (len(text) >= _SHORT_OFF_TOPIC or vocabulary.plain_lookup(hit[0]) != {_OFF_TOPIC})
    ]
    if not hits:
        return None
    best_key, best_distance, _ = hits[0]
    best_senses = vocabulary.plain_lookup(best_key)
    score = 100.0 * (1 - best_distance / max(len(text), len(best_key)))
    rivals = tuple(
        (key, vocabulary.plain_lookup(key), score)
        for key, distance, _ in hits[1:]
        if distance == best_distance and vocabulary.plain_lookup(key) != best_senses
    )
    return best_senses, score, best_key, rivals
