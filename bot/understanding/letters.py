"""A letter-trigram guess at the language, learnt from the bot's own texts in data/.

Marker words tell most questions apart; a fragment like "фестивалдар", "sportevenementen" or
"expositons 2015" has none. Every language's interface texts, event titles and summaries (of a
fixed sample of events), and entity names are in data/ already, so their letter trigrams are a
small model of each language with nothing downloaded. It is consulted only when the markers are
silent, only on words that are not names (a name says nothing of the asker's language), and only
when the guess is clear.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TypeVar

from bot.catalog.model import LANGUAGES, Catalog, Event

_WORD = re.compile(r"[^\W\d_]+")

SAMPLE_EVENTS = 400
"""Events whose texts the model learns from, spread evenly over the catalog: 400 events' titles
and summaries are tens of thousands of words per language, plenty for letter trigrams, and the
build then costs the same at 100,000 events as at 400. Below it, every event counts (the real
data has a few dozen)."""

T = TypeVar("T")
_LOG_CACHE_SIZE = 5_000  # trigrams whose log-probabilities are kept (about a megabyte at most)


def sample(items: Sequence[T], size: int) -> Sequence[T]:
    """`size` items spread evenly from first to last (all of them when there are no more)."""
    if len(items) <= size:
        return items
    return [items[i * len(items) // size] for i in range(size)]


def _sampled(events: Sequence[Event]) -> list[tuple[str, str]]:
    """The (language, text) pairs the model learns from the events: titles and summaries of
    an even sample."""
    return [
        (lang, text)
        for event in sample(events, SAMPLE_EVENTS)
        for lang in LANGUAGES
        for text in (event.title.get(lang, ""), event.summary.get(lang, ""))
    ]


def _count(counts: Counter[str], text: str, times: int) -> None:
    """Add (or, with a negative `times`, take out) the trigrams of a text's words."""
    for word in _WORD.findall(text.casefold()):
        if times == 1:
            counts.update(_trigrams(word))
            continue
        for gram in _trigrams(word):
            counts[gram] += times


class _Copied(Counter[str]):
    """A language's counts being updated (a copy: the old model is still answering)."""


def _trigrams(word: str) -> Iterable[str]:
    padded = f"^{word}$"
    return (padded[i : i + 3] for i in range(len(padded) - 2))


class LetterModel:
    def __init__(self, catalog: Catalog) -> None:
        texts: dict[str, list[str]] = {lang: [] for lang in LANGUAGES}
        for lang in LANGUAGES:
            texts[lang].extend(catalog.locales.get(lang, {}).values())
        for lang, text in _sampled(catalog.events):
            texts[lang].append(text)
        for entities in (catalog.categories, catalog.months, catalog.facts):
            for entity in entities:
                for lang, name in entity.names.items():
                    texts.setdefault(lang, []).append(name)
        self._counts: dict[str, Counter[str]] = {}
        for lang, chunks in texts.items():
            counts: Counter[str] = Counter()
            for chunk in chunks:
                _count(counts, chunk, 1)
            self._counts[lang] = counts
        self._finish()

    def _finish(self) -> None:
        self._totals = {lang: sum(counts.values()) for lang, counts in self._counts.items()}
        vocabulary: set[str] = set()
        for counts in self._counts.values():
            vocabulary |= set(counts)
        self._size = len(vocabulary) + 1
        self._logs: dict[str, tuple[float, ...]] = {}  # trigram -> log-probability per language

    def updated(self, old: Sequence[Event], new: Sequence[Event]) -> LetterModel:
        """The model of a catalog whose events are `new`, this one's being `old` (the rest of
        the catalog the same): the sampled texts that differ are taken out of the counts and
        the new ones added, the same counts as a fresh build."""
        before, after = Counter(_sampled(old)), Counter(_sampled(new))
        if before == after:
            return self
        model = object.__new__(LetterModel)
        model._counts = dict(self._counts)
        for change, sign in ((before - after, -1), (after - before, 1)):
            for (lang, text), times in change.items():
                if not isinstance(model._counts[lang], _Copied):
                    model._counts[lang] = _Copied(model._counts[lang])
                _count(model._counts[lang], text, sign * times)
        for lang, counts in model._counts.items():
            if isinstance(counts, _Copied):
                model._counts[lang] = Counter({g: n for g, n in counts.items() if n > 0})
        model._finish()
        return model

    def scores(self, words: Iterable[str]) -> dict[str, float]:
        """Mean log-probability per trigram of the words, per language (higher is likelier)."""
        grams = [g for word in words for g in _trigrams(word.casefold())]
        if not grams:
            return {}
        rows = [self._log_probabilities(g) for g in grams]
        return {
            lang: sum(row[k] for row in rows) / len(grams) for k, lang in enumerate(self._counts)
        }

    def _log_probabilities(self, gram: str) -> tuple[float, ...]:
        """The trigram's log-probability in each language (in `_counts` order), worked out once
        per trigram; bounded, so a flood of random letters cannot grow it for ever."""
        logs = self._logs.get(gram)
        if logs is None:
            logs = tuple(
                math.log((counts[gram] + 1) / (self._totals[lang] + self._size))
                for lang, counts in self._counts.items()
            )
            if len(self._logs) >= _LOG_CACHE_SIZE:
                self._logs.clear()
            self._logs[gram] = logs
        return logs

    def guess(self, words: Iterable[str], candidates: Iterable[str], margin: float) -> str | None:
        """The likeliest of `candidates` when it leads the next by `margin`, else None."""
        scores = self.scores(words)
        ranked = sorted(
            ((scores[lang], lang) for lang in candidates if lang in scores), reverse=True
        )
        if len(ranked) < 2 or ranked[0][0] - ranked[1][0] < margin:
            return None
        return ranked[0][1]
