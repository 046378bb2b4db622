"""Finding known phrases in a question: exactly, after stripping an ending, then fuzzily.

Longer phrases win over shorter ones ("Museum of Musical Instruments" before "museum"), exact
over inflected over fuzzy, so a typo can never override a word typed right.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.understanding.vocabulary import Sense, Vocabulary

EXACT = 100.0
STEMMED = 99.0


@dataclass(frozen=True)
class Match:
    start: int  # first word index
    end: int  # one past the last word index
    senses: frozenset[Sense]
    score: float  # 100 exact, 99 after stripping an ending, else the fuzzy score
    phrase: str  # the known phrase it matched
    rivals: tuple[tuple[str, frozenset[Sense], float], ...] = ()  # close fuzzy alternatives


def find_matches(
    words: Sequence[str],
    vocabulary: Vocabulary,
    *,
    fuzzy_cutoff: float,
    rival_margin: float,
    taken: set[int] | None = None,
) -> list[Match]:
    """All known phrases in `words`, non-overlapping, in word order.

    Args:
        words: folded words of the question.
        fuzzy_cutoff: the lowest rapidfuzz ratio (0-100) accepted for a typo.
        rival_margin: a different meaning scoring within this many points is kept as a rival,
            so the caller can ask "did you mean".
        taken: word indexes already used (years, numbers); they are skipped.
    """
    used: set[int] = set(taken or ())
    found: list[Match] = []
    span = min(vocabulary.max_words, len(words))

    def free(i: int, n: int) -> bool:
        return all(j not in used for j in range(i, i + n))

    def claim(match: Match) -> None:
        found.append(match)
        used.update(range(match.start, match.end))

    # 1. Exact phrases, longest first; then the same with the last word's ending stripped.
    for n in range(span, 0, -1):
        for i in range(len(words) - n + 1):
            if not free(i, n):
                continue
            phrase = " ".join(words[i : i + n])
            senses = vocabulary.lookup(phrase)
            if senses:
                claim(Match(i, i + n, senses, EXACT, phrase))
    for n in range(span, 0, -1):
        for i in range(len(words) - n + 1):
            last = words[i + n - 1]
            if not free(i, n) or last in vocabulary.stopwords:
                continue
            head = " ".join(words[i : i + n - 1])
            for stem in vocabulary.stems(last):
                phrase = f"{head} {stem}" if head else stem
                senses = vocabulary.lookup(phrase)
                if senses:
                    claim(Match(i, i + n, senses, STEMMED, phrase))
                    break

    # 2. Typos: only words nothing else explained, longest span first.
    for n in (3, 2, 1):
        for i in range(len(words) - n + 1):
            if not free(i, n):
                continue
            chunk = words[i : i + n]
            if n == 1 and (chunk[0] in vocabulary.stopwords or chunk[0].isdigit()):
                continue
            if any(w.isdigit() for w in chunk):
                continue
            text = " ".join(chunk)
            if len(text) < 4:
                continue
            match = _fuzzy(text, i, n, vocabulary, fuzzy_cutoff, rival_margin)
            if match:
                claim(match)

    return sorted(found, key=lambda m: m.start)


def _fuzzy(
    text: str, start: int, n: int, vocabulary: Vocabulary, cutoff: float, margin: float
) -> Match | None:
    # Short words need a stricter bar: one wrong letter in four is a different word.
    bar = max(cutoff, 90.0) if len(text) <= 5 else cutoff
    hits = process.extract(
        text, vocabulary.fuzzy_keys, scorer=fuzz.ratio, score_cutoff=bar - margin, limit=6
    )
    if not hits or hits[0][1] < bar:
        return None
    best_key, best_score, _ = hits[0]
    best_senses = vocabulary.lookup(best_key)
    rivals = tuple(
        (key, vocabulary.lookup(key), float(score))
        for key, score, _ in hits[1:]
        if score >= best_score - margin and vocabulary.lookup(key) != best_senses
    )
    return Match(start, start + n, best_senses, float(best_score), best_key, rivals)
