"""Query x Catalog -> events: bit sets over prebuilt indexes, read out in chronological order.

Each slot kind is an inverted index (year -> events, city -> events, ...) kept as a bit set: bit
r stands for the r-th event of the catalog, which the catalog keeps in date order. A question
costs a few AND, OR and AND NOT of machine words whatever the dataset's size; only the events
found are then read out, in date order without sorting, and "first" or "latest" is the lowest or
highest bit.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from itertools import accumulate, compress
from typing import Any, Protocol, TypeVar, cast

from bot.bitsets import bits_of, dense_bits_of, rank_flags
from bot.catalog.model import Catalog, Event, PartialDate, Role, Status, fact_kinds
from bot.understanding.query import Period, Query

Bits = int  # bit r set: the event of rank r is in
K = TypeVar("K")
V = TypeVar("V")


class EventIndex:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        # rank = position in the catalog, which the loader sorts by date. The ids are copied in
        # that order: a result read out touches each of its ids (its reference count), and the
        # catalog's own id strings lie wherever parsing (and sorting) left them, so reading
        # 80,000 ids took 10 ms where these, side by side in memory, take 2.
        self._name_events(tuple(_copy(event.id) for event in catalog.events))
        size = len(self.ids)
        lists = _Lists()
        keys = _KeysOf(catalog)
        for rank, event in enumerate(catalog.events):
            keys.add(rank, event, lists)
        lists.file_days()
        self.by_year = _bit_sets(lists.by_year, size)
        self.by_start_year = _bit_sets(lists.by_start_year, size)
        self.by_month = _bit_sets(lists.by_month, size)
        self.by_year_month = _bit_sets(lists.by_year_month, size)
        self.by_day = _bit_sets(lists.by_day, size)
        self.by_own_month_day = _bit_sets(lists.by_own_month_day, size)
        self.by_place = _bit_sets(lists.by_place, size)
        self.by_category = _bit_sets(lists.by_category, size)
        self.by_person = _bit_sets(lists.by_person, size)
        self.by_organisation = _bit_sets(lists.by_organisation, size)
        self.by_organiser = _bit_sets(lists.by_organiser, size)
        self.by_section = _bit_sets(lists.by_section, size)
        self.by_fact = _bit_sets(lists.by_fact, size)
        self.by_fact_value = _bit_sets(lists.by_fact_value, size)
        self.by_fact_approximate = _bit_sets(lists.by_fact_approximate, size)
        self.planned = bits_of(lists.planned, size)
        self.fact_repeated = bits_of(lists.fact_repeated, size)
        self._countries = _bit_sets(lists.by_country, size)
        self._finish(catalog)
        # for periods anchored on events or months: each event's first and last day, by rank,
        # as YYYYMMDD numbers in machine words (4 bytes an event; as tuples of ints, 100 bytes)
        self._starts = array("i", [_start_key(event) for event in catalog.events])
        self._ends = array("i", [_end_key(event) for event in catalog.events])
        self._date_tables()

    def updated(self, catalog: Catalog, layout: Layout) -> EventIndex:
        """The index of `catalog`, which holds this index's catalog's events but those
        `layout` says were removed or added (same lexicon): each bit set is moved run by run
        to the new ranks and the added events' bits set, without a pass over every event.
        The same sets as `EventIndex(catalog)` builds."""
        new = object.__new__(EventIndex)
        new.catalog = catalog
        old_ids = self.ids
        new._name_events(
            tuple(layout.spliced(old_ids, lambda event: _copy(event.id), catalog.events))
        )
        size = len(new.ids)
        lists = _Lists()
        keys = _KeysOf(catalog)
        for rank in layout.added:
            keys.add(rank, catalog.events[rank], lists)
        lists.file_days()
        move = layout.move
        # the parents' own events again, as `_finish` found them, before widening anew
        by_category = {key: move(bits) for key, bits in self.by_category.items()}
        for parent in _parents(catalog):
            by_category.pop(parent, None)
        by_category.update((key, move(bits)) for key, bits in self._own.items())
        named: tuple[tuple[str, dict[Any, list[int]]], ...] = (
            ("by_year", lists.by_year),
            ("by_start_year", lists.by_start_year),
            ("by_month", lists.by_month),
            ("by_year_month", lists.by_year_month),
            ("by_day", lists.by_day),
            ("by_own_month_day", lists.by_own_month_day),
            ("by_place", lists.by_place),
            ("by_category", lists.by_category),
            ("by_person", lists.by_person),
            ("by_organisation", lists.by_organisation),
            ("by_organiser", lists.by_organiser),
            ("by_section", lists.by_section),
            ("by_fact", lists.by_fact),
            ("by_fact_value", lists.by_fact_value),
            ("by_fact_approximate", lists.by_fact_approximate),
            ("_countries", lists.by_country),
        )
        for name, lists_of in named:
            old: dict[Any, Bits] = getattr(self, name)
            moved = by_category if name == "by_category" else {k: move(b) for k, b in old.items()}
            for key, ranks in lists_of.items():
                moved[key] = moved.get(key, 0) | bits_of(ranks, size)
            setattr(new, name, {key: bits for key, bits in moved.items() if bits})
        new.planned = move(self.planned) | bits_of(lists.planned, size)
        new.fact_repeated = move(self.fact_repeated) | bits_of(lists.fact_repeated, size)
        new._finish(catalog)
        events = catalog.events
        new._starts = array("i", layout.spliced(self._starts, _start_key, events))
        new._ends = array("i", layout.spliced(self._ends, _end_key, events))
        new._date_tables()
        return new

    def _date_tables(self) -> None:
        """What lets a period be cut by bisection: whether the starts ascend with the ranks
        (the loader's order) and no event ends before it starts (a catalog made otherwise is
        scanned), and the latest end so far at each rank (every event before the first rank
        whose latest end reaches a day ends before it)."""
        starts, ends = self._starts, self._ends
        self._in_date_order = all(map(int.__le__, starts, starts[1:])) and all(
            map(int.__le__, starts, ends)
        )
        self._latest_end = array("i", accumulate(ends, max))

    def _finish(self, catalog: Catalog) -> None:
        """What follows from the sets of the events' own keys: the parents' own events kept
        (for `updated`), the broader names widened, the years."""
        parents = _parents(catalog)
        self._own = {p: self.by_category[p] for p in parents if p in self.by_category}
        self._widen(catalog, self._countries)
        self.years = sorted(self.by_year)
        self.everything: Bits = (1 << len(self.ids)) - 1
        values: dict[str, list[int]] = defaultdict(list)
        for kind, value in self.by_fact_value:
            values[kind].append(value)
        self._fact_values = {kind: tuple(sorted(v)) for kind, v in values.items()}

    def _name_events(self, ids: tuple[str, ...]) -> None:
        self.ids = ids
        self.order = self.catalog.ranks  # id -> rank: the catalog's own table, not a copy
        self._last_read: tuple[Bits, tuple[str, ...]] = (0, ())

    def __getstate__(self) -> dict[str, object]:
        """Pickled (bot/compiled.py) without the ids and rank table, which are the catalog's."""
        state = dict(self.__dict__)
        for name in ("ids", "order", "_last_read"):
            del state[name]
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._name_events(tuple(event.id for event in self.catalog.events))

    def _widen(self, catalog: Catalog, by_country: dict[str, Bits]) -> None:
        """Broader names cover narrower ones: a category its sub-kinds (music its concerts), a
        region the events of its cities, a country the events held in its cities (and, for the
        default country, the events whose source names no city)."""
        for _ in range(3):  # within-chains are short; three passes settle them
            for category in catalog.categories:
                for parent in category.within:
                    self.by_category[parent] = self.by_category.get(
                        parent, 0
                    ) | self.by_category.get(category.id, 0)
        for place in catalog.places:
            if place.kind == "region":
                self.by_place[place.id] = _union(self.by_place.get(c, 0) for c in place.contains)
            elif place.kind == "country":
                self.by_place[place.id] = by_country.get(place.id, 0)

    # --- reading events out -------------------------------------------------------------

    def ordered(self, ids: Iterable[str]) -> tuple[str, ...]:
        """Chronological order, the dataset's own."""
        ranks = sorted(self.order[event_id] for event_id in ids)
        return tuple(self.ids[rank] for rank in ranks)

    def read_ranks(self, ranks: Collection[int]) -> tuple[str, ...]:
        """The ids of these ranks, read out in date order as a search's result is (so their
        bit set is known at once next)."""
        size = len(self.ids)
        many = len(ranks) * _DENSE > size
        return self.read(dense_bits_of(ranks, size) if many else bits_of(ranks, size))

    def read(self, bits: Bits) -> tuple[str, ...]:
        """The ids of a bit set, in date order: a scan of its non-zero bytes when at most 2% are
        set, else one pass of `compress` over all ids (C speed either way, no sort)."""
        if bits == self.everything:
            return self.ids
        count = bits.bit_count()
        if count == 0:
            return ()
        last_bits, last_ids = self._last_read
        if bits == last_bits:  # an overview reads its section twice; "more" pages re-read
            return last_ids
        ids = self._read(bits, count)
        self._last_read = (bits, ids)  # one pair, swapped whole (threads may share this)
        return ids

    def _read(self, bits: Bits, count: int) -> tuple[str, ...]:
        if count * _DENSE <= len(self.ids):
            data = bits.to_bytes((bits.bit_length() + 7) // 8, "little")
            found: list[str] = []
            ids = self.ids
            for byte in _NON_ZERO.finditer(data):
                base = byte.start() * 8
                found += [ids[base + offset] for offset in _OFFSETS[data[base // 8]]]
            return tuple(found)
        return tuple(compress(self.ids, rank_flags(bits)))

    def bits(self, ids: Collection[str]) -> Bits:
        """The bit set of these ids (unknown ids left out); at once when they are what was
        last read out (a search's result, narrowed by its words next: 100,000 ids took 20 ms)."""
        if ids is self.ids:
            return self.everything
        last_bits, last_ids = self._last_read
        if ids is last_ids:
            return last_bits
        if len(ids) * _DENSE > len(self.ids):  # the byte per rank set in C
            ranks = list(map(self.order.get, ids))
            if None in ranks:  # an id the catalog no longer has (rare): left out
                ranks = [rank for rank in ranks if rank is not None]
            return dense_bits_of(cast("list[int]", ranks), len(self.ids))
        return bits_of((self.order[i] for i in ids if i in self.order), len(self.ids))

    def latest(self) -> tuple[str, ...]:
        """The last event of the catalog, or none."""
        return self.ids[-1:]

    def section(self, topic: str) -> tuple[str, ...]:
        """The events of one section of the seed, in date order."""
        return self.read(self.by_section.get(topic, 0))

    # --- the numbers the events state -------------------------------------------------------

    def fact_counts(self, kind: str, bits: Bits) -> list[tuple[int, int]] | None:
        """How many of these events state each value of a fact kind, as (value, events), from
        the bit sets without reading an event ("how many medals" over 5,264 events at 100,000:
        0.1 ms where reading each event's facts took 4). None when the sets cannot tell: one
        of the events states the kind twice, or the kind has too many values to count apart."""
        values = self._fact_values.get(kind, ())
        if bits & self.fact_repeated or len(values) > _MOST_FACT_VALUES:
            return None
        counts = ((v, (bits & self.by_fact_value[(kind, v)]).bit_count()) for v in values)
        return [(value, events) for value, events in counts if events]

    def fact_approximate(self, kind: str, bits: Bits) -> bool:
        """Whether one of these events states the kind as an approximate number ("about 100")."""
        return bool(bits & self.by_fact_approximate.get(kind, 0))

    # --- selecting ------------------------------------------------------------------------

    def select(self, query: Query) -> tuple[str, ...]:
        """Events that satisfy every slot of the query (AND across kinds, OR within a kind)."""
        if query.unknown_place:
            return ()
        if query.events:
            named = self.bits(query.events)
            narrowed = named & self.select_bits(query)
            if narrowed:
                return self.read(narrowed)
            return self.ordered(set(query.events))
        return self.read(self.select_bits(query))

    def first(self, query: Query) -> tuple[str, ...]:
        """The earliest event `select` would give (its lowest bit, nothing else read out)."""
        if query.unknown_place or query.events:
            return self.select(query)[:1]
        bits = self.select_bits(query)
        return (self.ids[(bits & -bits).bit_length() - 1],) if bits else ()

    def last(self, query: Query) -> tuple[str, ...]:
        """The latest event `select` would give (its highest bit, nothing else read out)."""
        if query.unknown_place or query.events:
            return self.select(query)[-1:]
        bits = self.select_bits(query)
        return (self.ids[bits.bit_length() - 1],) if bits else ()

    def count(self, query: Query) -> int:
        """How many events `select` would give, without reading them out."""
        if query.unknown_place:
            return 0
        if query.events:
            named = self.bits(query.events)
            narrowed = named & self.select_bits(query)
            return narrowed.bit_count() if narrowed else len(set(query.events))
        return self.select_bits(query).bit_count()

    def select_bits(self, query: Query) -> Bits:
        """The events every filter of the query keeps (the named events aside)."""
        result = self.everything
        if query.year_months:
            result &= _union(self.by_year_month.get(ym, 0) for ym in query.year_months)
        elif query.years and query.months:
            result &= _union(
                self.by_year_month.get((y, m), 0) for y in query.years for m in query.months
            )
        elif query.years:
            result &= _union(self.by_year.get(y, 0) for y in query.years)
        elif query.months:
            result &= _union(self.by_month.get(m, 0) for m in query.months)
        if query.days and all(1 <= day <= _LAST_DAY for day in query.days):
            if query.months:  # "12 December": that day of that month, in any year it spans
                result &= _union(
                    self.by_day.get((m, d), 0) for m in query.months for d in query.days
                )
            else:  # "on the 12th": of the month it starts in
                result &= _union(self.by_own_month_day.get(d, 0) for d in query.days)
        elif query.days:  # a day no month has (a forged token): each event looked at
            result = self._keep(result, lambda event: _on_day(event, query.days, query.months))
        if query.period and query.period_events:
            result &= self._period_by_events(query.period, query.period_events)
        elif query.period and query.period_month and len(query.period_years) == 1:
            result &= self._period_by_month(
                query.period, query.period_years[0], query.period_month
            )
        elif query.period:
            result &= self._period(query.period, query.period_years)
        if query.places:
            result &= _union(self.by_place.get(p, 0) for p in query.places)
        if query.categories:
            result &= _union(self.by_category.get(c, 0) for c in query.categories)
        for category in query.all_categories:
            result &= self.by_category.get(category, 0)
        if query.people:
            result &= _union(self.by_person.get(p, 0) for p in query.people)
        if query.organisations:
            result &= _union(self.by_organisation.get(o, 0) for o in query.organisations)
            if query.organised:  # "what did the embassy organise": not where it only took part
                result &= _union(self.by_organiser.get(o, 0) for o in query.organisations)
        if query.facts:
            # "medals in 2015", "the 90th anniversary": only events whose source states that
            # number (and that value, when the question gives one).
            kinds = _fact_kinds(query.facts)
            if query.numbers:  # by (kind, value): a Python test per event took 20 ms at 100k
                result &= _union(
                    self.by_fact_value.get((kind, number), 0)
                    for kind in kinds
                    for number in query.numbers
                )
            else:
                result &= _union(self.by_fact.get(kind, 0) for kind in kinds)
        if query.planned:
            result &= self.planned
        for category in query.without_categories:
            result &= ~self.by_category.get(category, 0)
        for place in query.without_places:
            result &= ~self.by_place.get(place, 0)
        for year in query.without_years:
            result &= ~self.by_year.get(year, 0)
        if query.without_events:
            result &= ~self.bits(query.without_events)
        if query.intent == "overview" and query.topic:
            result &= self.by_section.get(query.topic, 0)
        return result

    def _keep(self, bits: Bits, keep: Callable[[Event], bool]) -> Bits:
        """The events of `bits` that pass a test only the event itself can answer."""
        events = self.catalog.events
        return bits_of(
            (self.order[i] for i in self.read(bits) if keep(events[self.order[i]])),
            len(self.ids),
        )

    def _period(self, period: Period, anchors: tuple[int, ...]) -> Bits:
        if not anchors:
            return self.everything
        low, high = min(anchors), max(anchors)
        if period is Period.BEFORE:
            # "before 2015" means it started before 2015.
            return _union(bits for year, bits in self.by_start_year.items() if year < low)
        if period is Period.AFTER:
            keep = [y for y in self.by_year if y > high]
        elif period is Period.SINCE:
            keep = [y for y in self.by_year if y >= low]
        else:
            keep = [y for y in self.by_year if low <= y <= high]
        return _union(self.by_year[y] for y in keep)

    def _period_by_events(self, period: Period, anchors: tuple[str, ...]) -> Bits:
        """ "After the Nooruz", "between the Aitmatov concert and the violin competition": by
        the anchors' dates; a month without a day spans the whole month, so "March 2017" is
        neither before nor after 25 March 2017."""
        known = [self._event(a) for a in anchors if a in self.order]
        if not known:
            return self.everything
        first = _start_key(min(known, key=lambda e: e.start.sort_key))
        last = _end_key(max(known, key=lambda e: _end_key(e)))
        first_end = _end_key(min(known, key=lambda e: e.start.sort_key))
        last_start = _start_key(max(known, key=lambda e: _end_key(e)))
        starts, ends = self._starts, self._ends
        if self._in_date_order:
            if period is Period.AFTER:
                found = self._ranks_from(bisect_right(starts, last))
            elif period is Period.SINCE:
                found = self._ranks_from(bisect_left(starts, first))
            elif period is Period.BEFORE:
                found = self._ending_before(0, bisect_left(starts, first), first)
            elif period is Period.BETWEEN:
                low = bisect_right(starts, first_end)
                high = max(low, bisect_left(starts, last_start))
                found = self._ending_before(low, high, last_start)
            else:
                found = 0
            return found & ~self.bits(anchors)
        ranks: Iterable[int]
        if period is Period.AFTER:
            ranks = (r for r, start in enumerate(starts) if start > last)
        elif period is Period.SINCE:
            ranks = (r for r, start in enumerate(starts) if start >= first)
        elif period is Period.BEFORE:
            ranks = (r for r, end in enumerate(ends) if end < first)
        elif period is Period.BETWEEN:
            ranks = (
                r
                for r, (start, end) in enumerate(zip(starts, ends, strict=True))
                if start > first_end and end < last_start
            )
        else:
            ranks = ()
        return bits_of(ranks, len(self.ids)) & ~self.bits(anchors)

    def _period_by_month(self, period: Period, year: int, month: int) -> Bits:
        """ "after March 2017", "before June 2015", "since May 2017": by the event's start month
        (an event spanning the anchor month counts for "since")."""
        # a start month before (year, month) is a start day number below its first day's
        first_day = (year * 100 + month) * 100
        if period is Period.BETWEEN:
            return self._period(period, (year,))
        starts = self._starts
        if self._in_date_order:
            if period is Period.BEFORE:
                return self._ranks_in(0, bisect_left(starts, first_day))
            if period is Period.AFTER:
                return self._ranks_from(bisect_left(starts, first_day + 100))
            if period is Period.SINCE:
                return self.everything & ~self._ending_before(0, len(starts), first_day)
            return 0
        ranks: Iterable[int]
        if period is Period.BEFORE:
            ranks = (r for r, start in enumerate(starts) if start < first_day)
        elif period is Period.AFTER:
            ranks = (r for r, start in enumerate(starts) if start >= first_day + 100)
        elif period is Period.SINCE:
            ranks = (r for r, end in enumerate(self._ends) if end >= first_day)
        else:
            ranks = ()
        return bits_of(ranks, len(self.ids))

    def _ranks_from(self, low: int) -> Bits:
        """Every rank from `low` on."""
        return self.everything >> low << low

    @staticmethod
    def _ranks_in(low: int, high: int) -> Bits:
        """Every rank from `low` up to, not including, `high`."""
        return ((1 << (high - low)) - 1) << low

    def _ending_before(self, low: int, high: int, day: int) -> Bits:
        """The ranks in [low, high) of events that end before `day`: up to where the latest
        end so far reaches it, all of them, by bisection; from there, each one looked at (the
        events then still running: few, unless one lasts for years)."""
        cut = bisect_left(self._latest_end, day, low, high)
        ends = self._ends
        found = self._ranks_in(low, cut)
        return found | bits_of((r for r in range(cut, high) if ends[r] < day), len(self.ids))

    def _event(self, event_id: str) -> Event:
        event = self.catalog.event(event_id)
        assert event is not None
        return event


class Layout(Protocol):
    """Where the events of a new catalog were in the previous one (bot/incremental.py)."""

    added: tuple[int, ...]  # ranks, in the new catalog, of the events the previous one lacked

    def move(self, bits: Bits) -> Bits:
        """A bit set over the previous ranks as the same events' bits at the new ranks."""
        ...

    def spliced(
        self, old: Sequence[V], make: Callable[[Event], V], events: Sequence[Event]
    ) -> list[V]:
        """A per-rank list for the new catalog: `old`'s entries moved, `make` for the added."""
        ...


class _Lists:
    """The ranks of the events under each key of each kind, as the events are gone through."""

    def __init__(self) -> None:
        self.by_year: dict[int, list[int]] = defaultdict(list)
        self.by_start_year: dict[int, list[int]] = defaultdict(list)
        self.by_month: dict[int, list[int]] = defaultdict(list)
        self.by_year_month: dict[tuple[int, int], list[int]] = defaultdict(list)
        self.by_day: dict[tuple[int, int], list[int]] = defaultdict(list)  # (month, day)
        self.by_own_month_day: dict[int, list[int]] = defaultdict(list)  # of its start month
        # events by their dates, filed under their days once all are in (`file_days`): the
        # days of each distinct span worked out once, its events added a list at a time
        self.by_span: dict[tuple[PartialDate, PartialDate], list[int]] = defaultdict(list)
        self.by_place: dict[str, list[int]] = defaultdict(list)
        self.by_category: dict[str, list[int]] = defaultdict(list)
        self.by_person: dict[str, list[int]] = defaultdict(list)
        self.by_organisation: dict[str, list[int]] = defaultdict(list)
        self.by_organiser: dict[str, list[int]] = defaultdict(list)  # its role: organiser
        self.by_section: dict[str, list[int]] = defaultdict(list)
        self.by_fact: dict[str, list[int]] = defaultdict(list)
        self.by_fact_value: dict[tuple[str, int], list[int]] = defaultdict(list)
        self.by_fact_approximate: dict[str, list[int]] = defaultdict(list)
        self.fact_repeated: list[int] = []  # events stating a kind of fact twice
        self.by_country: dict[str, list[int]] = defaultdict(list)
        self.planned: list[int] = []

    def file_days(self) -> None:
        for (start, end), ranks in self.by_span.items():
            for month, day in _days_covered(start, end):
                self.by_day[(month, day)] += ranks
                if month == start.month:
                    self.by_own_month_day[day] += ranks
        self.by_span.clear()


class _KeysOf:
    """Which keys of each kind one event is filed under (the lexicon's part in that)."""

    def __init__(self, catalog: Catalog) -> None:
        self.venue_city = {p.id: p.city for p in catalog.places if p.kind == "venue"}
        self.country_of: dict[str, list[str]] = defaultdict(list)
        for country in catalog.places:
            if country.kind == "country":
                for contained in country.contains:
                    self.country_of[contained].append(country.id)
        self.default_countries = [
            p.id for p in catalog.places if p.kind == "country" and p.default
        ]

    def add(self, rank: int, event: Event, lists: _Lists) -> None:
        for year in event.years():
            lists.by_year[year].append(rank)
        lists.by_start_year[event.start.year].append(rank)
        months = event.months()
        for year, month in months:
            lists.by_year_month[(year, month)].append(rank)
        for month in {month for _, month in months}:
            lists.by_month[month].append(rank)
        if event.start.day is not None:
            lists.by_span[(event.start, event.end or event.start)].append(rank)
        places = set(event.places())
        city = self.venue_city.get(event.venue) if event.venue else None
        if event.venue:
            places.add(event.venue)
            if city:
                places.add(city)
        for place in places:
            lists.by_place[place].append(rank)
        for category in set(event.categories):
            lists.by_category[category].append(rank)
        for person in set(event.people):
            lists.by_person[person].append(rank)
        for organisation in set(event.organisations):
            lists.by_organisation[organisation].append(rank)
        for who in _organisers(event):
            lists.by_organiser[who].append(rank)
        for kind in {fact.kind for fact in event.facts}:
            lists.by_fact[kind].append(rank)
        for kind_and_value in {(fact.kind, fact.value) for fact in event.facts}:
            lists.by_fact_value[kind_and_value].append(rank)
        for kind in {fact.kind for fact in event.facts if fact.approximate}:
            lists.by_fact_approximate[kind].append(rank)
        if len({fact.kind for fact in event.facts}) < len(event.facts):
            lists.fact_repeated.append(rank)
        lists.by_section[event.section].append(rank)
        # a country: the events held in its cities (a venue's city too), and for the
        # default country the events whose source names no city
        country_of = self.country_of
        countries = {
            country for c in (*event.cities, city) if c for country in country_of.get(c, ())
        }
        if not event.cities and not event.country_unknown:
            countries.update(self.default_countries)
        for country_id in countries:
            lists.by_country[country_id].append(rank)
        if event.status is Status.PLANNED:
            lists.planned.append(rank)


def _parents(catalog: Catalog) -> set[str]:
    """The categories others lie within: widening changes their sets."""
    return {parent for category in catalog.categories for parent in category.within}


# A kind of fact with more values than this is summed event by event: a popcount per value
# over 100,000 bits costs 10 µs.
_MOST_FACT_VALUES = 64
_LAST_DAY = 31
_DENSE = 50  # read by scanning bytes when at most 1 event in 50 is found, else by compress
_NON_ZERO = re.compile(rb"[^\x00]")
_OFFSETS = tuple(tuple(bit for bit in range(8) if byte >> bit & 1) for byte in range(256))


def _copy(text: str) -> str:
    """A new string object equal to `text` (slicing or joining would return `text` itself)."""
    return text.encode("utf-8").decode("utf-8")


def _bit_sets(lists: dict[K, list[int]], size: int) -> dict[K, Bits]:
    return {key: bits_of(ranks, size) for key, ranks in lists.items()}


def _fact_kinds(facts: Iterable[str]) -> set[str]:
    kinds: set[str] = set()
    for fact in facts:
        kinds.update(fact_kinds(fact))
    return kinds


def _day_number(year: int, month: int, day: int) -> int:
    """YYYYMMDD as one number: ordered as the (year, month, day) triples are."""
    return (year * 100 + month) * 100 + day


def _start_key(event: Event) -> int:
    return _day_number(event.start.year, event.start.month, event.start.day or 1)


def _end_key(event: Event) -> int:
    end = event.end or event.start
    return _day_number(end.year, end.month, end.day or 31)


def _days_covered(start: PartialDate, end: PartialDate) -> set[tuple[int, int]]:
    """The (month, day) pairs a question's "12 December" finds an event of these dates by
    (it has a first day), as `_on_day` compares: some year of its span puts that day within its
    first and last day (a last day the source does not give counts as the 31st)."""
    first, last = (start.year, start.month), (end.year, end.month)
    covered: set[tuple[int, int]] = set()
    year, month = first
    while (year, month) <= last:  # every day of a month between, the first and last in part
        low = (start.day or 1) if (year, month) == first else 1
        high = (end.day or _LAST_DAY) if (year, month) == last else _LAST_DAY
        covered.update((month, day) for day in range(low, high + 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return covered


def _organisers(event: Event) -> set[str]:
    """Who `event.role_of` says organised it, from its roles in one pass (its first role for
    each; 100,000 events, a `role_of` call per person took 0.35 s)."""
    organisers: set[str] = set()
    seen: set[str] = set()
    for who, role in event.roles:
        if who not in seen:
            seen.add(who)
            if role is Role.ORGANISER and (who in event.people or who in event.organisations):
                organisers.add(who)
    return organisers


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


def _union(sets: Iterable[Bits]) -> Bits:
    result = 0
    for bits in sets:
        result |= bits
    return result
