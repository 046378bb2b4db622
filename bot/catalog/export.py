"""The events as JSON or CSV, for curators' spreadsheets and for anyone reusing the data."""

from __future__ import annotations

import csv
import io
import json
from typing import Literal

from bot.catalog.model import LANGUAGES, Catalog, Event, Fact

Format = Literal["json", "csv"]


def export_events(catalog: Catalog, fmt: Format) -> str:
    """All events, in chronological order.

    Args:
        catalog: the loaded catalog.
        fmt: "json" (a list of objects, texts keyed by language) or "csv" (one row per event,
            one column per language, lists joined with "; ").

    Returns:
        The whole export as text (UTF-8 safe; JSON keeps non-Latin scripts unescaped).
    """
    rows = [_record(catalog, event) for event in catalog.events]
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return _csv(rows)
    raise ValueError(f"unknown export format {fmt!r}: use json or csv")


def _place_name(catalog: Catalog, place_id: str) -> str:
    place = catalog.place(place_id)
    return place.name("en") if place else place_id


def _entity_name(catalog: Catalog, kind: str, entity_id: str) -> str:
    """English names, like the cities: a website or a spreadsheet has no use for our ids."""
    entity = catalog.entity(kind, entity_id)
    return entity.name("en") if entity else entity_id


def _fact(fact: Fact) -> dict[str, object]:
    return {"kind": fact.kind, "value": fact.value, "approximate": fact.approximate}


def _record(catalog: Catalog, event: Event) -> dict[str, object]:
    """One event as plain values; dates at the seed's precision, no place the seed lacks."""
    return {
        "id": event.id,
        "start": event.start.iso(),
        "end": event.end.iso() if event.end else None,
        "status": event.status.value,
        "section": event.section,
        "cities": [_place_name(catalog, city) for city in event.cities],
        "mentions": [_place_name(catalog, place) for place in event.mentions],
        "venue": _place_name(catalog, event.venue) if event.venue else None,
        "categories": list(event.categories),
        "people": [_entity_name(catalog, "person", p) for p in event.people],
        "organisations": [_entity_name(catalog, "organisation", o) for o in event.organisations],
        "facts": [_fact(fact) for fact in event.facts],
        "title": {lang: event.title[lang] for lang in LANGUAGES},
        "summary": {lang: event.summary[lang] for lang in LANGUAGES},
        "source": event.source,
    }


CSV_LISTS = ("cities", "mentions", "categories", "people", "organisations")


def _csv(rows: list[dict[str, object]]) -> str:
    columns = [
        "id",
        "start",
        "end",
        "status",
        "section",
        *CSV_LISTS,
        "venue",
        "facts",
        *(f"title_{lang}" for lang in LANGUAGES),
        *(f"summary_{lang}" for lang in LANGUAGES),
        "source",
    ]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        flat: dict[str, object] = {
            key: row[key] for key in ("id", "start", "status", "section", "source")
        }
        flat["end"] = row["end"] or ""
        flat["venue"] = row["venue"] or ""
        for key in CSV_LISTS:
            flat[key] = "; ".join(str(item) for item in _items(row[key]))
        flat["facts"] = "; ".join(_fact_text(fact) for fact in _items(row["facts"]))
        for key in ("title", "summary"):
            texts = row[key]
            assert isinstance(texts, dict)
            for lang in LANGUAGES:
                flat[f"{key}_{lang}"] = texts[lang]
        writer.writerow(flat)
    return out.getvalue()


def _items(value: object) -> list[object]:
    assert isinstance(value, list)
    return value


def _fact_text(fact: object) -> str:
    """gold_medals=1, guests=~100."""
    assert isinstance(fact, dict)
    return f"{fact['kind']}={'~' if fact['approximate'] else ''}{fact['value']}"
