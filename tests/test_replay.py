"""Buttons name events by a four-digit digest, and 65,536 digests are shared as soon as the
catalog has a few hundred events: a card's button must still bring back that card, never another
event, and a button whose digest has come to be shared is stale rather than wrong."""

from __future__ import annotations

import dataclasses
import random
from itertools import count

import pytest

from bot.catalog import load_catalog
from bot.catalog.model import Catalog, Event, chronological
from bot.incremental import Layout
from bot.paths import DEFAULT_DATA_DIR
from bot.understanding.query import Query
from bot.understanding.replay import MAX_TOKEN_BYTES, TokenCodec, _digest
from tests.examples import examples


def _with_events(base: Catalog, events: list[Event]) -> Catalog:
    return dataclasses.replace(base, events=tuple(sorted(events, key=chronological)))


def _clones(base: Catalog, rng: random.Random, size: int, tag: str) -> list[Event]:
    return [dataclasses.replace(rng.choice(base.events), id=f"{n:05d}-{tag}") for n in range(size)]


def _sharing_pair(base: Catalog, rng: random.Random) -> tuple[Event, Event]:
    """Two events whose ids have the same four-digit digest (found by trying ids in turn)."""
    seen: dict[str, str] = {}
    for n in count():
        event_id = f"{n:06d}-twin"
        digest = _digest("event", event_id)
        if digest in seen:
            first, second = seen[digest], event_id
            return (
                dataclasses.replace(rng.choice(base.events), id=first),
                dataclasses.replace(rng.choice(base.events), id=second),
            )
        seen[digest] = event_id
    raise AssertionError("unreachable")


def _card(codec: TokenCodec, event_id: str) -> str:
    return codec.encode(Query(intent="detail", events=(event_id,)))


def _replayed(codec: TokenCodec, token: str) -> tuple[str, ...] | None:
    query = codec.decode(token)
    return None if query is None else query.events


@pytest.mark.parametrize("seed", range(examples(6, least=2)))
def test_every_card_button_brings_back_its_own_event_when_digests_are_shared(seed: int) -> None:
    rng = random.Random(seed)
    base = load_catalog(DEFAULT_DATA_DIR)
    twins = _sharing_pair(base, rng)
    catalog = _with_events(base, [*base.events, *_clones(base, rng, 3000, "clone"), *twins])
    codec = TokenCodec(catalog)
    for event in catalog.events:
        token = _card(codec, event.id)
        assert token and len(token.encode()) <= MAX_TOKEN_BYTES, token
        assert _replayed(codec, token) == (event.id,), (event.id, token)
    assert len({_card(codec, twin.id) for twin in twins}) == 2


def test_a_short_name_that_comes_to_be_shared_is_stale_not_the_newcomer() -> None:
    rng = random.Random(7)
    base = load_catalog(DEFAULT_DATA_DIR)
    first, newcomer = _sharing_pair(base, rng)
    before = TokenCodec(_with_events(base, [*base.events, first]))
    published = _card(before, first.id)
    assert len(published.split("~e")[1]) == 4  # alone with its digest: the short name
    after = TokenCodec(_with_events(base, [*base.events, first, newcomer]))
    assert _replayed(after, published) is None
    assert _replayed(after, _card(after, first.id)) == (first.id,)
    assert _replayed(after, _card(after, newcomer.id)) == (newcomer.id,)
    # and once the newcomer is gone, the old button works again
    again = TokenCodec(_with_events(base, [*base.events, first]))
    assert _replayed(again, published) == (first.id,)
    assert _replayed(again, _card(after, first.id)) == (first.id,)


@pytest.mark.parametrize("seed", range(examples(6, least=2)))
def test_the_codec_updated_after_an_edit_names_events_as_a_fresh_one(seed: int) -> None:
    rng = random.Random(seed)
    base = load_catalog(DEFAULT_DATA_DIR)
    old_events = [*base.events, *_clones(base, rng, 1500, "old"), *_sharing_pair(base, rng)]
    old = _with_events(base, old_events)
    kept = [event for event in old.events if rng.random() < 0.9]
    new = _with_events(base, [*kept, *_clones(base, rng, 300, "new")])
    updated = TokenCodec(old).updated(new, Layout(old.events, new.events))
    fresh = TokenCodec(new)
    for event in new.events:
        token = _card(fresh, event.id)
        assert _card(updated, event.id) == token
        assert _replayed(updated, token) == (event.id,)
