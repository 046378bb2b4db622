"""The engine's compact representation answers as the plain one would.

At 100,000 events the engine keeps events in slots, pickles the catalog field by field, shares
identical text postings and keeps event digests in two arrays (bot/catalog/model.py,
bot/understanding/textsearch.py, bot/understanding/replay.py). Each is checked here against
its plain meaning, over a synthetic catalog big enough for digests to collide and for many
clones to share their texts.
"""

from __future__ import annotations

import pickle
from dataclasses import fields, replace
from functools import cache

import bot.paths
from benchmarks.core import synthetic_catalog
from bot.answering import Answerer
from bot.catalog import load_catalog
from bot.catalog.model import Catalog, Event
from bot.understanding.normalise import fold
from bot.understanding.query import Query
from bot.understanding.replay import _digest

SIZE = 3000  # 16-bit digests: about 70 pairs of events share one at this size


@cache
def _answerer() -> Answerer:
    return Answerer(synthetic_catalog(load_catalog(bot.paths.DEFAULT_DATA_DIR), SIZE))


def _values(event: Event) -> tuple[object, ...]:
    return tuple(getattr(event, f.name) for f in fields(Event))


def test_a_catalog_read_back_holds_every_event_as_built() -> None:
    catalog = _answerer().catalog
    loaded: Catalog = pickle.loads(pickle.dumps(catalog))
    assert [_values(e) for e in loaded.events] == [_values(e) for e in catalog.events]
    assert loaded.events == catalog.events
    for rank, event in enumerate(loaded.events):
        assert loaded.event(event.id) is event
        assert loaded.ranks[event.id] == rank
    assert loaded.event("no-such-event") is None


def test_a_narrowed_catalog_finds_its_own_events_and_leaves_the_original_whole() -> None:
    """The quiz and the news make catalogs of some events with replace(): each has its own
    table of ranks, and the original still finds all of its events."""
    catalog = _answerer().catalog
    odd = replace(catalog, events=catalog.events[1::2])
    assert all(odd.event(e.id) is e for e in odd.events)
    assert all(odd.event(e.id) is None for e in catalog.events[::2])
    assert all(catalog.event(e.id) is e for e in catalog.events)


def test_every_event_replays_from_its_token_to_itself_and_forged_names_to_nothing() -> None:
    """The codec's events kept as two arrays by digest (bot/understanding/replay.py): at this
    size digests are shared, and each event's token still brings back that event, also once
    the engine has been through pickle (the compiled file)."""
    answerer = _answerer()
    loaded = pickle.loads(pickle.dumps(answerer)).tokens
    digests = {_digest("event", event.id) for event in answerer.catalog.events}
    assert len(digests) < len(answerer.catalog.events)  # some digests are shared
    for event in answerer.catalog.events:
        token = answerer.tokens.encode(Query("detail", events=(event.id,)))
        for codec in (answerer.tokens, loaded):
            replayed = codec.decode(token)
            assert replayed is not None and replayed.events == (event.id,), event.id
    digest = _digest("event", answerer.catalog.events[0].id)
    for forged in (digest.upper(), f"+{digest[1:]}", digest[:3], "0x1f", "zzzz"):
        if forged != digest:
            assert answerer.tokens.decode(f"D~e{forged}") is None, forged


def test_a_word_of_a_title_finds_every_event_whose_texts_hold_it() -> None:
    """Shared postings: a title word finds each clone that carries that title, and the same
    events once the engine has been through pickle (the compiled file)."""
    answerer = _answerer()
    texts = answerer.texts
    loaded = pickle.loads(pickle.dumps(answerer)).texts
    holders: dict[str, set[str]] = {}
    for event in answerer.catalog.events:
        for title in event.title.values():
            for word in fold(title).split():
                holders.setdefault(word, set()).add(event.id)
    checked = 0
    for word, events in sorted(holders.items()):
        if (
            word not in texts.index  # short words, the commonest words
            or not word.isalpha()  # numbers are not searched as text
            or texts.vocabulary.is_function_word(word)  # "shaarlar": a key only as a stem
        ):
            continue
        found = set(texts.find([word]))
        assert events <= found, word
        assert set(loaded.find([word])) == found, word
        checked += 1
    assert checked > 100
