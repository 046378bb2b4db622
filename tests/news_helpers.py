"""Catalog variants for the news tests: the real data with one event added or changed."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from bot.catalog.model import Catalog, Event, PartialDate, Status


def with_events(catalog: Catalog, events: tuple[Event, ...]) -> Catalog:
    """The same catalog with other events (a fresh id index, the original left untouched)."""
    return dataclasses.replace(catalog, events=events)


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


TEMPLATE_ID = "2018-01-folk-music-concert"
GALA_TITLES = {
    "en": "Gala concert",
    "ru": "Гала-концерт",
    "ky": "Гала-концерт",
    "fr": "Concert de gala",
    "nl": "Galaconcert",
}


def add_event_to(data_dir: Path, event_id: str, start: str, *, status: str = "planned") -> None:
    """Save data/events.yaml with one more event, as a curator would: a copy of the last
    concert's block (its seed source included, so check-data accepts it) with a new id, date,
    status and titles, and without its aliases (they belong to the original)."""
    path = data_dir / "events.yaml"
    text = path.read_text(encoding="utf-8")
    begin = text.index(f"  - id: {TEMPLATE_ID}")
    end = begin + re.search(r"\n(?=  - id: |\S)", text[begin + 1 :]).end() + 1  # type: ignore[union-attr]
    events_end = re.search(r"\n(?=\S)", text[begin:]).end() + begin  # type: ignore[union-attr]
    block = text[begin:end].rstrip("\n") + "\n"
    block = block.replace(f"- id: {TEMPLATE_ID}", f"- id: {event_id}", 1)
    block = re.sub(r'start: "[^"]+"', f'start: "{start}"', block, count=1)
    block = re.sub(r"status: \w+", f"status: {status}", block, count=1)
    block = re.sub(r"    aliases:\n(      - .*\n)+", "", block, count=1)
    title = block.index("    title:\n")
    titles = "".join(f'      {lang}: "{text}"\n' for lang, text in GALA_TITLES.items())
    after = block.index("    summary:", title)
    block = block[:title] + "    title:\n" + titles + block[after:]
    # at the end of the events list, so that events added in date order stay in order
    path.write_text(text[:events_end] + "\n" + block + text[events_end:], encoding="utf-8")
