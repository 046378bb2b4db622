"""Query x Catalog -> events: set intersections over prebuilt indexes, then chronological order.

Each slot kind is an inverted index (year -> ids, city -> ids, ...), so a question costs a few set
operations whatever the size of the dataset.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from bot.catalog.model import Catalog, Event, Role, Status, fact_kinds
from bot.understanding.query import Period, Query


class EventIndex:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.order = {event.id: rank for rank, event in enumerate(catalog.events)}
        self.all_ids = frozenset(self.order)
        self.by_year: dict[int, set[str]] = defaultdict(set)
        self.by_month: dict[int, set[str]] = defaultdict(set)
        self.by_year_month: dict[tuple[int, int], set[str]] = defaultdict(set)
        self.by_place: dict[str, set[str]] = defaultdict(set)
        self.by_category: dict[str, set[str]] = defaultdict(set)
        self.by_person: dict[str, set[str]] = defaultdict(set)
        self.by_organisation: dict[str, set[str]] = defaultdict(set)
        self.by_section: dict[str, set[str]] = defaultdict(set)
        self.by_fact: dict[str, set[str]] = defaultdict(set)
        venue_city = {p.id: p.city for p in catalog.places if p.kind == "venue"}
        for event in catalog.events:
            for year in event.years():
                self.by_year[year].add(event.id)
            for year, month in event.months():
                self.by_year_month[(year, month)].add(event.id)
                self.by_month[month].add(event.id)
            places = set(event.places())
            if event.venue:
                places.add(event.venue)
                city = venue_city.get(event.venue)
                if city:
                    places.add(city)
            for place in places:
                self.by_place[place].add(event.id)
            for category in event.categories:
                self.by_category[category].add(event.id)
            for person in event.people:
                self.by_person[person].add(event.id)
            for organisation in event.organisations:
                self.by_organisation[organisation].add(event.id)
            for fact in event.facts:
                self.by_fact[fact.kind].add(event.id)
            self.by_section[event.section].add(event.id)
        self._widen(catalog, venue_city)
        self.years = sorted(self.by_year)
        self.planned = {e.id for e in catalog.events if e.status is Status.PLANNED}

    def _widen(self, catalog: Catalog, venue_city: dict[str, str | None]) -> None:
        """Broader names cover narrower ones: a category its sub-kinds (music its concerts), a
        region the events of its cities, a country the events held in its cities (and, for the
        default country, the events whose source names no city)."""
        for _ in range(3):  # within-chains are short; three passes settle them
            for category in catalog.categories:
                for parent in category.within:
                    self.by_category[parent] |= self.by_category.get(category.id, set())
        for place in catalog.places:
            if place.kind == "region":
                self.by_place[place.id] = _union(
                    self.by_place.get(c, set()) for c in place.contains
                )
            elif place.kind == "country":
                inside = set(place.contains)
                self.by_place[place.id] = {
                    e.id
                    for e in catalog.events
                    if inside & {*e.cities, *([venue_city.get(e.venue)] if e.venue else [])}
                    or (place.default and not e.cities and not e.country_unknown)
                }

    def ordered(self, ids: Iterable[str]) -> tuple[str, ...]:
        """Chronological order, the dataset's own."""
        return tuple(sorted(ids, key=self.order.__getitem__))

    def select(self, query: Query) -> tuple[str, ...]:
        """Events that satisfy every slot of the query (AND across kinds, OR within a kind)."""
        result: set[str] = set(self.all_ids)

        def narrow(ids: Iterable[str]) -> None:
            result.intersection_update(ids)

        if query.unknown_place:
            return ()
        if query.events:
            named = set(query.events)
            rest = self._filters(query, skip_events=True)
            narrowed = named & rest
            return self.ordered(narrowed or named)
        narrow(self._filters(query, skip_events=True))
        return self.ordered(result)

    def _filters(self, query: Query, *, skip_events: bool) -> set[str]:
        result: set[str] = set(self.all_ids)
        if query.year_months:
            result &= _union(self.by_year_month.get(ym, set()) for ym in query.year_months)
        elif query.years and query.months:
            result &= _union(
                self.by_year_month.get((y, m), set()) for y in query.years for m in query.months
            )
        elif query.years:
            result &= _union(self.by_year.get(y, set()) for y in query.years)
        elif query.months:
            result &= _union(self.by_month.get(m, set()) for m in query.months)
        if query.days:
            result &= {
                event_id
                for event_id in result
                if _on_day(self._event(event_id), query.days, query.months)
            }
        if query.period and query.period_events:
            result &= self._period_by_events(query.period, query.period_events)
        elif query.period and query.period_month and len(query.period_years) == 1:
            result &= self._period_by_month(
                query.period, query.period_years[0], query.period_month
            )
        elif query.period:
            result &= self._period(query.period, query.period_years)
        if query.places:
            result &= _union(self.by_place.get(p, set()) for p in query.places)
        if query.categories:
            result &= _union(self.by_category.get(c, set()) for c in query.categories)
        for category in query.all_categories:
            result &= self.by_category.get(category, set())
        if query.people:
            result &= _union(self.by_person.get(p, set()) for p in query.people)
        if query.organisations:
            result &= _union(self.by_organisation.get(o, set()) for o in query.organisations)
            if query.organised:  # "what did the embassy organise": not where it only took part
                result = {
                    e
                    for e in result
                    if any(
                        self._event(e).role_of(o) is Role.ORGANISER for o in query.organisations
                    )
                }
        if query.facts:
            # "medals in 2015", "the 90th anniversary": only events whose source states that
            # number (and that value, when the question gives one).
            kinds = _fact_kinds(query.facts)
            result &= {
                event_id
                for event_id in _union(self.by_fact.get(kind, set()) for kind in kinds)
                if not query.numbers
                or any(
                    f.kind in kinds and f.value in query.numbers
                    for f in self._event(event_id).facts
                )
            }
        if query.planned:
            result &= self.planned
        for category in query.without_categories:
            result -= self.by_category.get(category, set())
        for place in query.without_places:
            result -= self.by_place.get(place, set())
        for year in query.without_years:
            result -= self.by_year.get(year, set())
        result -= set(query.without_events)
        if query.intent == "overview" and query.topic:
            result &= self.by_section.get(query.topic, set())
        return result

    def _period(self, period: Period, anchors: tuple[int, ...]) -> set[str]:
        if not anchors:
            return set(self.all_ids)
        low, high = min(anchors), max(anchors)
        if period is Period.BEFORE:
            # "before 2015" means it started before 2015.
            return {e.id for e in self.catalog.events if e.start.year < low}
        keep: set[int]
        if period is Period.AFTER:
            keep = {y for y in self.by_year if y > high}
        elif period is Period.SINCE:
            keep = {y for y in self.by_year if y >= low}
        else:
            keep = {y for y in self.by_year if low <= y <= high}
        return _union(self.by_year[y] for y in keep)

    def _period_by_events(self, period: Period, anchors: tuple[str, ...]) -> set[str]:
        """ "After the Nooruz", "between the Aitmatov concert and the violin competition": by
        the anchors' dates; a month without a day spans the whole month, so "March 2017" is
        neither before nor after 25 March 2017."""
        known = [self._event(a) for a in anchors if a in self.order]
        if not known:
            return set(self.all_ids)
        first = min(known, key=lambda e: e.start.sort_key)
        last = max(known, key=lambda e: _end_key(e))
        chosen: set[str] = set()
        for event in self.catalog.events:
            if event.id in anchors:
                continue
            start, end = _start_key(event), _end_key(event)
            if (
                (period is Period.AFTER and start > _end_key(last))
                or (period is Period.SINCE and start >= _start_key(first))
                or (period is Period.BEFORE and end < _start_key(first))
                or (
                    period is Period.BETWEEN and start > _end_key(first) and end < _start_key(last)
                )
            ):
                chosen.add(event.id)
        return chosen

    def _period_by_month(self, period: Period, year: int, month: int) -> set[str]:
        """ "after March 2017", "before June 2015", "since May 2017": by the event's start month
        (an event spanning the anchor month counts for "since")."""
        anchor = (year, month)
        chosen: set[str] = set()
        for event in self.catalog.events:
            start = (event.start.year, event.start.month)
            end = (event.end.year, event.end.month) if event.end else start
            if (
                (period is Period.BEFORE and start < anchor)
                or (period is Period.AFTER and start > anchor)
                or (period is Period.SINCE and end >= anchor)
            ):
                chosen.add(event.id)
        if period is Period.BETWEEN:
            return self._period(period, (year,))
        return chosen

    def _event(self, event_id: str) -> Event:
        event = self.catalog.event(event_id)
        assert event is not None
        return event


def _fact_kinds(facts: Iterable[str]) -> set[str]:
    kinds: set[str] = set()
    for fact in facts:
        kinds.update(fact_kinds(fact))
    return kinds


def _start_key(event: Event) -> tuple[int, int, int]:
    return (event.start.year, event.start.month, event.start.day or 1)


def _end_key(event: Event) -> tuple[int, int, int]:
    end = event.end or event.start
    return (end.year, end.month, end.day or 31)


def _on_day(event: Event, days: tuple[int, ...], months: tuple[int, ...]) -> bool:
    if event.start.day is None:
        return False
    end = event.end or event.start
    for day in days:
        for month in months or (event.start.month,):
            for year in event.years():
                probe = (year, month, day)
                if event.start.sort_key <= probe <= (end.year, end.month, end.day or 31):
                    return True
    return False


def _union(sets: Iterable[set[str]]) -> set[str]:
    result: set[str] = set()
    for ids in sets:
        result |= ids
    return result
