"""The indexed search finds exactly what reading every event against the question finds.

bot/search.py keeps its indexes as bit sets and reads results out in date order without
sorting; here each query is also answered the slow, obvious way (every event tested against
every slot, kept in the catalog's date order) over a few hundred synthetic events, and the two
must agree, as must `first`, `last`, `count` and `select_bits`.
"""

from __future__ import annotations

import pickle
import random
from dataclasses import replace
from functools import cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import bot.paths
from benchmarks.core import synthetic_catalog
from bot.catalog import load_catalog
from bot.catalog.model import Catalog, Event, Role, Status, chronological, fact_kinds
from bot.search import EventIndex
from bot.understanding.query import Period, Query
from tests.examples import examples

SIZE = 400


@cache
def _catalog() -> Catalog:
    return synthetic_catalog(load_catalog(bot.paths.DEFAULT_DATA_DIR), SIZE)


@cache
def _index() -> EventIndex:
    return EventIndex(_catalog())


def _categories(catalog: Catalog, event: Event) -> frozenset[str]:
    """The event's categories and every broader one they sit within."""
    known = _CATEGORIES.get(event.id)
    if known is None:
        known = _CATEGORIES[event.id] = _widened_categories(catalog, event)
    return known


def _places(catalog: Catalog, event: Event) -> frozenset[str]:
    known = _PLACES.get(event.id)
    if known is None:
        known = _PLACES[event.id] = _event_places(catalog, event)
    return known


_CATEGORIES: dict[str, frozenset[str]] = {}  # by event id: the one synthetic catalog
_PLACES: dict[str, frozenset[str]] = {}


def _widened_categories(catalog: Catalog, event: Event) -> frozenset[str]:
    within = {c.id: c.within for c in catalog.categories}
    found = set(event.categories)
    while True:
        wider = {parent for c in found for parent in within.get(c, ())} - found
        if not wider:
            return frozenset(found)
        found |= wider


def _event_places(catalog: Catalog, event: Event) -> frozenset[str]:
    """Where the event was: its cities, mentions, venue and the venue's city; the regions
    holding any of them; the countries holding its cities (the default country when the source
    names no city)."""
    kinds = {p.id: p for p in catalog.places}
    own = {*event.cities, *event.mentions}
    city = kinds[event.venue].city if event.venue else None
    if event.venue:
        own |= {event.venue, *([city] if city else [])}
    own = {p for p in own if p not in kinds or kinds[p].kind not in ("region", "country")}
    held_in = {*event.cities, *([city] if city else [])}
    for place in catalog.places:
        region = place.kind == "region" and own & set(place.contains)
        country = place.kind == "country" and (
            held_in & set(place.contains)
            or (place.default and not event.cities and not event.country_unknown)
        )
        if region or country:
            own.add(place.id)
    return frozenset(own)


def _start(event: Event) -> tuple[int, int, int]:
    return (event.start.year, event.start.month, event.start.day or 1)


def _end(event: Event) -> tuple[int, int, int]:
    end = event.end or event.start
    return (end.year, end.month, end.day or 31)


def _on_day(event: Event, query: Query) -> bool:
    if event.start.day is None:
        return False
    return any(
        _start(event) <= (year, month, day) <= _end(event)
        for day in query.days
        for month in query.months or (event.start.month,)
        for year in event.years()
    )


def _in_period(catalog: Catalog, event: Event, query: Query) -> bool:
    period = query.period
    if period is None:
        return True
    if query.period_events:
        anchors = [a for a in (catalog.event(i) for i in query.period_events) if a]
        if not anchors:
            return True
        if event.id in query.period_events:
            return False
        first = min(anchors, key=lambda a: a.start.sort_key)
        last = max(anchors, key=_end)
        return {
            Period.AFTER: _start(event) > _end(last),
            Period.SINCE: _start(event) >= _start(first),
            Period.BEFORE: _end(event) < _start(first),
            Period.BETWEEN: _start(event) > _end(first) and _end(event) < _start(last),
        }[period]
    if query.period_month and len(query.period_years) == 1 and period is not Period.BETWEEN:
        anchor = (query.period_years[0], query.period_month)
        start = (event.start.year, event.start.month)
        end = ((event.end or event.start).year, (event.end or event.start).month)
        return {
            Period.BEFORE: start < anchor,
            Period.AFTER: start > anchor,
            Period.SINCE: end >= anchor,
        }[period]
    anchors = query.period_years
    if not anchors:
        return True
    low, high = min(anchors), max(anchors)
    years = event.years()
    return {
        Period.BEFORE: event.start.year < low,
        Period.AFTER: any(y > high for y in years),
        Period.SINCE: any(y >= low for y in years),
        Period.BETWEEN: any(low <= y <= high for y in years),
    }[period]


def _passes(catalog: Catalog, event: Event, query: Query) -> bool:
    months = event.months()
    if query.year_months:
        if not months & set(query.year_months):
            return False
    elif query.years and query.months:
        if not any((y, m) in months for y in query.years for m in query.months):
            return False
    elif query.years:
        if not set(event.years()) & set(query.years):
            return False
    elif query.months and not {m for _, m in months} & set(query.months):
        return False
    if query.days and not _on_day(event, query):
        return False
    if not _in_period(catalog, event, query):
        return False
    places, categories = _places(catalog, event), _categories(catalog, event)
    kinds = {k for fact in query.facts for k in fact_kinds(fact)}
    return (
        (not query.places or bool(places & set(query.places)))
        and (not query.categories or bool(categories & set(query.categories)))
        and set(query.all_categories) <= categories
        and (not query.people or bool(set(event.people) & set(query.people)))
        and (not query.organisations or bool(set(event.organisations) & set(query.organisations)))
        and (
            not query.organised
            or not query.organisations
            or any(event.role_of(o) is Role.ORGANISER for o in query.organisations)
        )
        and (
            not query.facts
            or any(
                f.kind in kinds and (not query.numbers or f.value in query.numbers)
                for f in event.facts
            )
        )
        and (not query.planned or event.status is Status.PLANNED)
        and not categories & set(query.without_categories)
        and not places & set(query.without_places)
        and not set(event.years()) & set(query.without_years)
        and event.id not in query.without_events
        and (query.intent != "overview" or not query.topic or event.section == query.topic)
    )


def brute_force(catalog: Catalog, query: Query) -> tuple[str, ...]:
    if query.unknown_place:
        return ()
    found = tuple(e.id for e in catalog.events if _passes(catalog, e, query))
    if query.events:
        named = set(query.events)
        narrowed = tuple(i for i in found if i in named)
        return narrowed or tuple(e.id for e in catalog.events if e.id in named)
    return found


def _queries() -> st.SearchStrategy[Query]:
    catalog = _catalog()
    ids = [e.id for e in catalog.events]
    places = [p.id for p in catalog.places] + ["atlantis"]
    categories = [c.id for c in catalog.categories]
    people = [p.id for p in catalog.people]
    organisations = [o.id for o in catalog.organisations]
    facts = [f.id for f in catalog.facts]
    numbers = [*sorted({f.value for e in catalog.events for f in e.facts})[:20], 7]
    years = st.integers(1988, 2032)

    def rarely(strategy: st.SearchStrategy, empty: object = ()) -> st.SearchStrategy:
        """Most slots of a question are empty: each is filled one time in eight."""
        return st.integers(0, 7).flatmap(lambda k: strategy if k == 0 else st.just(empty))

    def some(values: list[str] | st.SearchStrategy, most: int = 2) -> st.SearchStrategy:
        elements = values if isinstance(values, st.SearchStrategy) else st.sampled_from(values)
        return rarely(st.lists(elements, min_size=1, max_size=most).map(tuple))

    return st.builds(
        Query,
        intent=st.sampled_from(["list", "overview", "latest", "count"]),
        years=some(years),
        months=some(st.integers(1, 12)),
        days=some(st.integers(1, 31), 1),
        period=rarely(st.sampled_from(list(Period)), None),
        period_years=some(years),
        period_month=rarely(st.integers(1, 12), None),
        period_events=some(ids, 2),
        year_months=some(st.tuples(years, st.integers(1, 12))),
        places=some(places),
        categories=some(categories),
        all_categories=some(categories),
        people=some(people),
        organisations=some(organisations),
        organised=rarely(st.just(True), False),
        events=some(ids, 3),
        topic=rarely(st.sampled_from([t.id for t in catalog.topics]), None),
        facts=some(facts, 1),
        numbers=some(st.sampled_from(numbers), 1),
        planned=rarely(st.just(True), False),
        unknown_place=rarely(st.just("tokyo"), None),
        without_categories=some(categories, 1),
        without_places=some(places, 1),
        without_years=some(years, 1),
        without_events=some(ids, 1),
    )


@settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_indexed_search_is_the_brute_force_filter(data: st.DataObject) -> None:
    query = data.draw(_queries())
    index, catalog = _index(), _catalog()
    expected = brute_force(catalog, query)
    assert index.select(query) == expected
    assert index.first(query) == expected[:1]
    assert index.last(query) == expected[-1:]
    assert index.count(query) == len(expected)
    if not query.events and not query.unknown_place:
        assert index.read(index.select_bits(query)) == expected


def test_broad_questions_read_out_in_date_order() -> None:
    """Many found (the dense read-out) and few found (the sparse one) keep the date order."""
    index, catalog = _index(), _catalog()
    for query in (
        Query("list"),
        Query("list", categories=("concert",)),
        Query("list", places=("belgium",)),
        Query("list", years=(2015,)),
        Query("list", without_years=(2015,)),
    ):
        found = index.select(query)
        assert found == brute_force(catalog, query)
        starts = [catalog.event(i).start.sort_key for i in found]  # type: ignore[union-attr]
        assert starts == sorted(starts) and len(found) >= 1
    assert index.latest() == (catalog.events[-1].id,)


def test_what_each_organisation_organised_is_only_where_it_organised() -> None:
    """ "What did the embassy organise": each organisation alone and two together, where some
    only took part or hosted (the brute force's filter is rarely drawn with an organisation)."""
    index, catalog = _index(), _catalog()
    organisations = [o.id for o in catalog.organisations]
    for pair in zip(organisations, organisations[1:] + organisations[:1], strict=True):
        for named in ((pair[0],), pair):
            query = Query("list", organisations=named, organised=True)
            assert index.select(query) == brute_force(catalog, query)


def test_before_after_since_and_between_each_event_and_month() -> None:
    """Periods are cut by bisection in a catalog in date order, and by a look at every event
    in one that is not (made otherwise than by the loader): both as the brute force."""
    base = _catalog()  # with twins: events on the very days of others, where cuts fall
    twins = [replace(e, id=f"{e.id}-twin") for e in base.events[::3]]
    ordered = replace(base, events=tuple(sorted([*base.events, *twins], key=chronological)))
    shuffled = replace(ordered, events=tuple(random.Random(1).sample(ordered.events, 150)))
    for catalog in (ordered, shuffled):
        index = EventIndex(catalog)
        anchors = [e.id for e in catalog.events[:: len(catalog.events) // 12]]
        for period in Period:
            queries = [Query("list", period=period, period_events=(a,)) for a in anchors]
            queries += [
                Query("list", period=period, period_events=pair)
                for pair in zip(anchors, anchors[3:], strict=False)
            ]
            queries += [
                Query("list", period=period, period_years=(year,), period_month=month)
                for year in (1995, 2015, 2017, 2029)
                for month in (1, 3, 12)
            ]
            for query in queries:
                assert index.select(query) == brute_force(catalog, query), query


def test_every_day_of_every_month_and_of_no_month() -> None:
    """ "12 December", "on the 12th": each day with each month and with none (the month the
    event starts in), and a day no month has, as the brute force finds them."""
    index, catalog = _index(), _catalog()
    for day in (*range(1, 32), 45):
        for months in ((), *((month,) for month in range(1, 13)), (3, 12)):
            query = Query("list", days=(day,), months=months)
            assert index.select(query) == brute_force(catalog, query), query


def test_the_bit_set_of_any_events_has_exactly_their_ranks() -> None:
    """Few events set bit by bit, many a byte per rank; ids not in the catalog are left out."""
    index, catalog = _index(), _catalog()
    rng = random.Random(2)
    for share in (0.0, 0.01, 0.1, 0.5, 1.0):
        chosen = [e.id for e in catalog.events if rng.random() < share]
        ids = (*chosen, "1999-01-not-an-event")
        assert index.bits(ids) == sum(1 << catalog.ranks[i] for i in chosen), share


def test_a_pickled_index_finds_the_same_with_the_catalogs_own_ids() -> None:
    """The compiled engine is a pickle: loaded, the index answers as built, and holds the
    catalog's id strings rather than a second copy of them."""
    index = _index()
    index.select(Query("list", years=(2015,)))  # a result remembered must not travel
    loaded = pickle.loads(pickle.dumps(index))
    for query in (Query("list"), Query("list", places=("belgium",)), Query("list", years=(2016,))):
        assert loaded.select(query) == index.select(query)
    assert all(a is b.id for a, b in zip(loaded.ids, loaded.catalog.events, strict=True))
