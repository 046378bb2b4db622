""" "How many medals", "how many guests": the number stated is what the events found state.

Medals and guests add up over the events; any other kind ("which edition", "how many
countries") is the first event's number, in the order the events are listed; "about" when any of
them says so. The answerer sums a few events one by one and many from the index's bit sets; here
each total is also worked out from the events themselves, over events whose numbers vary, some
approximate, some stating a kind twice, in a fresh index and in one updated after an edit.
"""

from __future__ import annotations

import random
from dataclasses import replace
from functools import cache

from hypothesis import given, settings
from hypothesis import strategies as st

import bot.paths
from benchmarks.core import synthetic_catalog
from bot.answering import Answerer
from bot.catalog import load_catalog
from bot.catalog.model import Catalog, Event, Fact, fact_kinds
from bot.incremental import Layout
from tests.examples import examples

ADD_UP = {"gold_medals", "bronze_medals", "guests"}


def _varied(event: Event, rng: random.Random) -> Event:
    """The event with its numbers moved about: other values, some approximate, a kind twice,
    and anniversaries of so many values that they are not counted value by value."""
    if not event.facts or rng.random() < 0.2:
        return event
    facts = [
        Fact(
            f.kind,
            rng.randrange(1000) if f.kind == "anniversary" else f.value + rng.randrange(3),
            rng.random() < 0.1,
        )
        for f in event.facts
    ]
    if rng.random() < 0.25:
        twice = rng.choice(facts)
        facts.append(Fact(twice.kind, rng.choice([twice.value, rng.randrange(1, 9)])))
    return replace(event, facts=tuple(facts))


@cache
def _catalog() -> Catalog:
    rng = random.Random(13)
    base = synthetic_catalog(load_catalog(bot.paths.DEFAULT_DATA_DIR), 600)
    return replace(base, events=tuple(_varied(event, rng) for event in base.events))


@cache
def _earlier() -> Catalog:
    """The catalog before an edit that changed the numbers of half the events."""
    catalog = _catalog()
    rng = random.Random(5)
    return replace(
        catalog,
        events=tuple(
            _varied(event, rng) if rng.random() < 0.5 else event for event in catalog.events
        ),
    )


@cache
def _answerers() -> tuple[Answerer, Answerer]:
    """A fresh answerer, and one whose index was updated after the edit."""
    catalog, before = _catalog(), Answerer(_earlier())
    updated = Answerer(
        catalog,
        understander=before.understander,
        index=before.index.updated(catalog, Layout(_earlier().events, catalog.events)),
    )
    return Answerer(catalog), updated


def _stated(kind: str, events: list[Event]) -> Fact | None:
    values = [fact for event in events for fact in event.facts if fact.kind == kind]
    if not values:
        return None
    value = sum(f.value for f in values) if kind in ADD_UP else values[0].value
    return Fact(kind, value, any(f.approximate for f in values))


@settings(max_examples=examples(150), deadline=None)
@given(st.data())
def test_a_total_is_what_the_events_found_state(data: st.DataObject) -> None:
    catalog = _catalog()
    kinds = sorted({f.kind for e in catalog.events for f in e.facts} | {"medals"})
    asked = data.draw(st.sampled_from(kinds))
    pool = list(catalog.events)
    if data.draw(st.booleans()):  # none stating a kind twice (the index counts those)
        pool = [e for e in pool if len({f.kind for f in e.facts}) == len(e.facts)]
    size = data.draw(st.sampled_from([1, 3, 40, 100, 300, len(pool)]))
    chosen = data.draw(st.randoms()).sample(pool, size)
    if data.draw(st.booleans()):  # as a search lists them; else as a conversation kept them
        chosen.sort(key=lambda event: catalog.ranks[event.id])
    ids = tuple(event.id for event in chosen)
    expected = tuple(
        fact for kind in fact_kinds(asked) if (fact := _stated(kind, chosen)) is not None
    )
    for answerer in _answerers():
        assert answerer.fact_totals((asked,), ids) == expected


def test_every_kind_over_all_events_every_other_one_and_those_an_edit_changed() -> None:
    catalog = _catalog()
    kinds = sorted({f.kind for e in catalog.events for f in e.facts} | {"medals"})
    changed = [e for e, was in zip(catalog.events, _earlier().events, strict=True) if e is not was]
    for chosen in (list(catalog.events), list(catalog.events[::2]), changed):
        ids = tuple(event.id for event in chosen)
        for asked in kinds:
            expected = tuple(
                fact for kind in fact_kinds(asked) if (fact := _stated(kind, chosen)) is not None
            )
            for answerer in _answerers():
                assert answerer.fact_totals((asked,), ids) == expected, asked
