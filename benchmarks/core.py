"""Answer latency of the core (answer + first page of Telegram HTML), real and synthetic data."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from benchmarks.stats import summary_ms
from bot.answering import Answerer
from bot.catalog.model import Catalog, Event
from bot.catalog.question_set import Case
from bot.rendering import render_html

FIRST_SYNTHETIC_YEAR = 1990
LAST_SYNTHETIC_YEAR = 2030


def time_questions(
    answerer: Answerer, cases: Sequence[Case], rounds: int
) -> tuple[list[float], list[tuple[float, str]]]:
    """Seconds per question (answer + render_html of page 0), after one warm-up pass.

    Returns the samples and, for the report, the slowest questions of the last round.
    """
    catalog = answerer.catalog
    for case in cases:  # warm-up: first-use caches, lazily built tables
        render_html(answerer.answer(case.question), catalog)
    samples: list[float] = []
    last: list[tuple[float, str]] = []
    clock = time.perf_counter
    for _ in range(rounds):
        last = []
        for case in cases:
            start = clock()
            render_html(answerer.answer(case.question), catalog)
            elapsed = clock() - start
            samples.append(elapsed)
            last.append((elapsed, case.question))
    last.sort(reverse=True)
    return samples, last[:5]


def synthetic_catalog(base: Catalog, size: int) -> Catalog:
    """`size` events: the real ones plus clones with new ids, years cycled 1990-2030 and cities
    and categories cycled through the lexicon.

    Clones drop their aliases (and venue and mentions, which would contradict the cycled city),
    so the vocabulary stays the real one: the benchmark measures how search and rendering scale
    with the number of events, not a vocabulary that no curator would write.
    """
    cities = [place.id for place in base.places if place.kind == "city"]
    categories = [category.id for category in base.categories]
    span = LAST_SYNTHETIC_YEAR - FIRST_SYNTHETIC_YEAR + 1
    events: list[Event] = list(base.events)
    for n in range(max(0, size - len(events))):
        source = base.events[n % len(base.events)]
        year = FIRST_SYNTHETIC_YEAR + n % span
        start = replace(source.start, year=year)
        end = (
            replace(source.end, year=source.end.year + year - source.start.year)
            if source.end
            else None
        )
        events.append(
            replace(
                source,
                id=f"{year:04d}-{start.month:02d}-synthetic-{n:05d}",
                start=start,
                end=end,
                cities=(cities[n % len(cities)],),
                categories=(categories[n % len(categories)],),
                venue=None,
                mentions=(),
                aliases=(),
            )
        )
    events.sort(key=lambda event: event.start.sort_key)
    return replace(base, events=tuple(events))


def measure_real(answerer: Answerer, cases: Sequence[Case], rounds: int) -> dict[str, Any]:
    samples, slowest = time_questions(answerer, cases, rounds)
    return {
        "events": len(answerer.catalog.events),
        "questions": len(cases),
        "rounds": rounds,
        **summary_ms(samples),
        "slowest": [{"ms": round(s * 1000, 2), "question": q} for s, q in slowest],
    }


def measure_synthetic(
    base: Catalog, size: int, cases: Sequence[Case], rounds: int
) -> dict[str, Any]:
    catalog = synthetic_catalog(base, size)
    start = time.perf_counter()
    answerer = Answerer(catalog)
    build_seconds = time.perf_counter() - start
    samples, slowest = time_questions(answerer, cases, rounds)
    return {
        "events": len(catalog.events),
        "questions": len(cases),
        "rounds": rounds,
        "build_ms": round(build_seconds * 1000, 1),
        **summary_ms(samples),
        "slowest": [{"ms": round(s * 1000, 2), "question": q} for s, q in slowest],
    }
