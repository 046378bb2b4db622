"""Catalog variants for the news tests: the real data with one event added or changed."""

from __future__ import annotations

import dataclasses

from bot.catalog.model import Catalog, Event, PartialDate, Status


def with_events(catalog: Catalog, events: tuple[Event, ...]) -> Catalog:
    """The same catalog with other events (a fresh id index, the original left untouched)."""
    return dataclasses.replace(catalog, events=events, _by_id={})


def new_event(
    template: Event,
    event_id: str,
    *,
    start: PartialDate,
    categories: tuple[str, ...] = ("concert",),
    cities: tuple[str, ...] = ("brussels",),
    status: Status = Status.PLANNED,
) -> Event:
    """An event a curator might add: texts borrowed from `template`, its own id and date."""
    return dataclasses.replace(
        template,
        id=event_id,
        start=start,
        end=None,
        status=status,
        categories=categories,
        cities=cities,
        venue=None,
    )
