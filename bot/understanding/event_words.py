"""The folded words of an event's own texts, for "is this word about the event just shown?".

A follow-up such as "qui était au piano ?" after the piano concert is about it; after a film it
is not. Folding an event's titles, summaries and source quote in every language takes 0.2-0.4 ms,
and the same few events come back turn after turn ("who organised it?", "where was it?"), so
each event's words are kept, sorted (a word and its stem are then found by bisection), in a
bounded table that belongs to one catalog's Answerer and goes with it on a reload.
"""

from __future__ import annotations

from bisect import bisect_left

from bot.catalog.model import Event
from bot.understanding.normalise import fold

STEM = 4  # letters two forms of a word share: "режиссёр"/"режиссёра", "represented"/"represents"
MIN_LENGTH = 3  # shorter words ("de", "в", "at") say nothing about an event
EVENTS_KEPT = 16  # the events of the last few conversations (8-14 KB each, ~0.2 MB at most)


def event_words(event: Event) -> tuple[str, ...]:
    """The folded words of 3+ letters of an event's titles, summaries and source, sorted."""
    texts = [*event.title.values(), *event.summary.values(), event.source]
    return tuple(
        sorted({word for text in texts for word in fold(text).split() if len(word) >= MIN_LENGTH})
    )


def mentioned(word: str, words: tuple[str, ...]) -> bool:
    """The word, or a word of the same stem ("режиссёр", "режиссёра"), is among the sorted
    `words`: the first word not before it (or its stem) in sorted order is the one to check."""
    at = bisect_left(words, word)
    if at < len(words) and words[at] == word:
        return True
    if len(word) < STEM:
        return False
    stem = word[:STEM]
    at = bisect_left(words, stem)
    return at < len(words) and words[at].startswith(stem)


class EventWords:
    """`event_words` per event id, computed when first asked for; at most `EVENTS_KEPT` kept."""

    def __init__(self, kept: int = EVENTS_KEPT) -> None:
        self._kept = kept
        self._words: dict[str, tuple[str, ...]] = {}

    def of(self, event: Event) -> tuple[str, ...]:
        words = self._words.get(event.id)
        if words is None:
            words = event_words(event)
            table = self._words
            if len(table) >= self._kept:
                del table[next(iter(table))]
            table[event.id] = words
        return words

    def mention(self, word: str, event: Event) -> bool:
        """`word` (folded) or a word of its stem is in the event's own texts."""
        return mentioned(word, self.of(event))

    def __len__(self) -> int:
        return len(self._words)


__all__ = ["EventWords", "event_words", "mentioned"]
