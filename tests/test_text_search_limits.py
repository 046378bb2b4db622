"""The text search finds the same events whichever way it looks them up.

Within a search's result the events allowed are found in each word's posting either one by one
(bisection, when they are few) or by a pass over the posting (when they are many), and an index
updated after an edit keeps positions that are no longer the catalog's ranks. Here a fresh index
and an updated one, over 3,000 events of which an edit removed some and added others, must find
the same events for random words within random results, sparse and dense; only events allowed;
and with every event allowed, what they find with no limit.
"""

from __future__ import annotations

import random
from dataclasses import replace
from functools import cache

from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.core import synthetic_catalog
from bot.answering import Answerer
from bot.catalog import load_catalog
from bot.catalog.model import Catalog, chronological
from bot.incremental import Layout
from bot.paths import DEFAULT_DATA_DIR
from bot.understanding.textsearch import EventTexts
from tests.examples import examples


@cache
def _indexes() -> tuple[Catalog, EventTexts, EventTexts]:
    rng = random.Random(3)
    # in date order as the loader sorts (`chronological`), before and after the edit
    synthetic = synthetic_catalog(load_catalog(DEFAULT_DATA_DIR), 3000)
    before = replace(synthetic, events=tuple(sorted(synthetic.events, key=chronological)))
    kept = [event for event in before.events if rng.random() > 0.1]
    added = [
        replace(rng.choice(before.events), id=f"{n:04d}-12-added-{n}") for n in range(1990, 2190)
    ]
    after = replace(before, events=tuple(sorted([*kept, *added], key=chronological)))
    vocabulary = Answerer(before).understander.vocabulary
    updated = EventTexts(before, vocabulary).updated(
        after, Layout(before.events, after.events), vocabulary
    )
    assert updated is not None
    return after, EventTexts(after, vocabulary), updated


@settings(max_examples=examples(120), deadline=None)
@given(st.data())
def test_fresh_and_updated_indexes_find_the_same_within_any_result(data: st.DataObject) -> None:
    catalog, fresh, updated = _indexes()
    keys = sorted(fresh.index)
    words = data.draw(st.lists(st.sampled_from(keys), min_size=1, max_size=4))
    share = data.draw(st.sampled_from([0.002, 0.02, 0.3, 1.0]))  # sparse: by bisection
    rng = random.Random(data.draw(st.integers(0, 2**32)))
    ranks = [rank for rank in range(len(catalog.events)) if rng.random() < share]
    within = sum(1 << rank for rank in ranks)
    found = fresh.find(words, within=within)
    assert updated.find(words, within=within) == found
    assert set(found) <= {catalog.events[rank].id for rank in ranks}
    if share == 1.0:  # every event allowed: as if there were no limit
        assert found == fresh.find(words) == updated.find(words)
