"""A reload after a curator edited an event file, at the cost of the events that changed.

At 100,000 events, building an Answerer goes through every event several times (the search
index, the text index, the replay digests): about two seconds. After a curator saved one month's
file, all but a few hundred events are the very objects the last load had (bot/catalog's
`Memory` hands back the parts of the files not written since), so the new catalog is the old one
with some events removed and some added. `updated` finds where each event went (`Layout`) and
asks each part of the Answerer for its updated self; what depends on the lexicon, the locales or
the topics is kept as it was, since those did not change. When they did, or when most events
changed anyway, it answers None and the caller builds from scratch.

The result answers exactly as `Answerer(catalog)` would: tests/test_incremental.py checks it
over random edits against a fresh build.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from typing import TypeVar

from bot.answering import Answerer
from bot.catalog.model import Catalog, Event, chronological
from bot.search import Bits
from bot.understanding.parser import Understander

V = TypeVar("V")

MAX_CHANGED_SHARE = 0.25
"""Past this share of the events removed or added, a fresh build costs about as much."""

MAX_RUNS = 2_000
"""Unchanged events in more stretches than this (edits scattered all over the calendar): every
bit set would be cut in as many pieces; a fresh build is then as fast."""


class Layout:
    """Where each event of a new catalog was in the previous one.

    Events are compared by identity: an event of a file not written since is the same object in
    both catalogs; any other is removed (from the old) or added (in the new), even when equal.
    Both catalogs are in date order, so the events kept are in the same order in both: they form
    runs of consecutive ranks, shifted by the events removed and added before them.
    """

    def __init__(self, old: Sequence[Event], new: Sequence[Event]) -> None:
        # The same events at the start and at the end of both (compared a slice at a time, in
        # C: the same objects compare equal at once), then, between those, which events are
        # not in both (sets of addresses), and where they lie (bisection on the date order).
        head = _common_head(old, new)
        tail = _common_head(old[head:][::-1], new[head:][::-1])
        middle_old, middle_new = old[head : len(old) - tail], new[head : len(new) - tail]
        old_ids, new_ids = set(map(id, middle_old)), set(map(id, middle_new))
        gone, came = old_ids - new_ids, new_ids - old_ids
        self.removed = tuple(event for event in middle_old if id(event) in gone)
        added = [event for event in middle_new if id(event) in came]
        removed_at = [bisect_left(old, chronological(e), key=chronological) for e in self.removed]
        self.added = tuple(bisect_left(new, chronological(e), key=chronological) for e in added)
        # The events in neither list keep their order: runs of consecutive ranks between the
        # cuts, each shifted by what was removed and added before it.
        segments: list[tuple[int, int, int] | int] = []
        runs: list[tuple[int, int, int]] = []
        old_rank = new_rank = 0
        removed, inserted = iter(removed_at), iter(self.added)
        next_removed, next_added = next(removed, len(old)), next(inserted, len(new))
        while old_rank < len(old) or new_rank < len(new):
            if new_rank == next_added < len(new):  # an added event
                segments.append(new_rank)
                new_rank += 1
                next_added = next(inserted, len(new))
            elif old_rank == next_removed:
                old_rank += 1
                next_removed = next(removed, len(old))
            else:  # kept events up to the next cut on either side
                size = min(next_removed - old_rank, next_added - new_rank)
                runs.append((old_rank, new_rank, size))
                segments.append(runs[-1])
                old_rank += size
                new_rank += size
        self.runs = tuple(runs)
        self._segments = segments
        self._moves = [(start, to, (1 << size) - 1) for start, to, size in runs]

    @property
    def changed(self) -> int:
        return len(self.added) + len(self.removed)

    def move(self, bits: Bits) -> Bits:
        """A bit set over the old ranks as the same events' bits at their new ranks (the
        removed events' bits dropped, the added events' left clear)."""
        moved = 0
        for start, to, mask in self._moves:
            if part := (bits >> start) & mask:
                moved |= part << to
        return moved

    def spliced(
        self, old: Sequence[V], make: Callable[[Event], V], events: Sequence[Event]
    ) -> list[V]:
        """A per-rank list for the new catalog: `old`'s entries moved, `make(event)` for each
        added event (`events` is the new catalog's)."""
        spliced: list[V] = []
        for segment in self._segments:
            if isinstance(segment, int):
                spliced.append(make(events[segment]))
            else:
                start, _, size = segment
                spliced += old[start : start + size]
        return spliced


def _common_head(old: Sequence[Event], new: Sequence[Event]) -> int:
    """How many events both begin with: a binary search comparing each new stretch once
    (equal events count as the same: everything built from an event depends on its value)."""
    low, high = 0, min(len(old), len(new))
    while low < high:
        middle = (low + high + 1) // 2
        if old[low:middle] == new[low:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def updated(previous: Answerer, catalog: Catalog) -> Answerer | None:
    """The Answerer of `catalog` from `previous`'s parts, when only events differ between
    their catalogs and not too many; None when a fresh build is the way (or as fast)."""
    old = previous.catalog
    if not _same_besides_events(old, catalog):
        return None
    layout = Layout(old.events, catalog.events)
    if layout.changed > MAX_CHANGED_SHARE * max(len(catalog.events), 1):
        return None
    if len(layout.runs) > MAX_RUNS:
        return None
    before = previous.understander
    touched = (*layout.removed, *(catalog.events[rank] for rank in layout.added))
    same_aliases = not any(event.aliases for event in touched) or _aliases(old.events) == _aliases(
        catalog.events
    )
    understander = Understander(
        catalog,
        before.thresholds,
        before.today,
        vocabulary=before.vocabulary if same_aliases else None,
        detector=before.detector.updated(catalog, old.events),
    )
    texts = previous.texts.updated(catalog, layout, understander.vocabulary)
    return Answerer(
        catalog,
        before.thresholds,
        understander=understander,
        index=previous.index.updated(catalog, layout),
        tokens=previous.tokens.updated(catalog, layout),
        texts=texts,
    )


def _aliases(events: Sequence[Event]) -> list[tuple[str, tuple[str, ...]]]:
    """The events' own names, in catalog order: all the vocabulary takes from the events."""
    return [(event.id, event.aliases) for event in events if event.aliases]


def _same_besides_events(old: Catalog, new: Catalog) -> bool:
    return (
        old.topics == new.topics
        and old.places == new.places
        and old.categories == new.categories
        and old.people == new.people
        and old.organisations == new.organisations
        and old.months == new.months
        and old.facts == new.facts
        and old.lexicon == new.lexicon
        and old.locales == new.locales
        and old.follow_ups == new.follow_ups
    )
