"""What a reload brought that is worth announcing: a new event, or a planned event now held.

Only ids and statuses are compared, so a curator re-wording every title and summary announces
nothing; an event that disappears is not announced either (a correction, not news).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from bot.catalog.model import Catalog, Status


class ChangeKind(StrEnum):
    NEW = "new"  # an event id that was not in the previous catalog
    HELD = "held"  # a planned event that the new catalog says took place
    REMINDER = "reminder"  # not a catalog change: the day before an upcoming event


@dataclass(frozen=True, order=True)
class Change:
    event_id: str
    kind: ChangeKind


CatalogVersion = Mapping[str, str]
"""Event id -> status: all of a catalog that announcements depend on."""


def version_of(catalog: Catalog) -> dict[str, str]:
    """The part of a catalog the change detector compares."""
    return {event.id: event.status.value for event in catalog.events}


def detect_changes(before: CatalogVersion, after: CatalogVersion) -> tuple[Change, ...]:
    """The announceable differences from `before` to `after`, in a stable order.

    Args:
        before: the version last announced (event id -> status).
        after: the version now loaded.

    Returns:
        A NEW change per event id only in `after`; a HELD change per event planned in `before`
        and held in `after`. Nothing for removals, re-wordings or held -> planned.
    """
    changes: list[Change] = []
    for event_id, status in after.items():
        previous = before.get(event_id)
        if previous is None:
            changes.append(Change(event_id, ChangeKind.NEW))
        elif previous == Status.PLANNED.value and status == Status.HELD.value:
            changes.append(Change(event_id, ChangeKind.HELD))
    return tuple(sorted(changes))
