"""`export` gives curators the events as JSON or CSV without adding or losing a fact."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from bot.catalog import export_events, load_catalog
from bot.catalog.model import LANGUAGES, Catalog

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "tests" / "fixtures" / "minimal"


@pytest.fixture(scope="module")
def real() -> Catalog:
    return load_catalog(ROOT / "data")


@pytest.fixture(scope="module")
def minimal() -> Catalog:
    return load_catalog(MINIMAL)


def by_id(rows: list[dict[str, object]]) -> dict[str, dict[str, object]]:
    return {str(row["id"]): row for row in rows}


def test_json_lists_all_19_events_in_order(real: Catalog) -> None:
    rows = json.loads(export_events(real, "json"))
    assert len(rows) == 19
    assert [row["id"] for row in rows] == [e.id for e in real.events]


def test_json_keeps_month_precision_and_invents_no_city(real: Catalog) -> None:
    rows = by_id(json.loads(export_events(real, "json")))
    conference = rows["2017-09-foreign-ministry-conference"]
    assert (conference["start"], conference["end"], conference["status"]) == (
        "2017-09",
        None,
        "planned",
    )
    assert rows["2016-01-man-and-horse-film"]["start"] == "2016-01"
    assert rows["2016-01-man-and-horse-film"]["end"] == "2016-02"
    assert rows["2016-01-man-and-horse-film"]["cities"] == []
    aitmatov = rows["2015-12-aitmatov-concert"]
    assert aitmatov["cities"] == []
    museum = real.place("museum-of-musical-instruments")
    assert museum is not None
    assert aitmatov["venue"] == museum.name("en")
    english = {p.id: p.name("en") for p in real.places}
    assert set(rows["2017-04-mooov-centaur"]["cities"]) == {english["bruges"], english["turnhout"]}
    for row in rows.values():
        event = real.event(str(row["id"]))
        assert event is not None
        assert row["cities"] == [english[city] for city in event.cities]


def test_json_objects_have_the_documented_fields(minimal: Catalog) -> None:
    rows = by_id(json.loads(export_events(minimal, "json")))
    ak_maral = rows["2015-06-ak-maral-bozar"]
    assert set(ak_maral) >= {
        "id", "start", "end", "status", "cities", "venue", "categories", "people",
        "organisations", "facts", "title", "summary", "source",
    }  # fmt: skip
    assert ak_maral["start"] == "2015-06"
    assert ak_maral["end"] is None
    assert ak_maral["cities"] == ["Brussels"]
    assert ak_maral["venue"] == "BOZAR"
    assert ak_maral["categories"] == ["concert"]
    assert ak_maral["title"] == {
        "en": "Ak Maral at BOZAR",
        "ru": "«Ак Марал» в BOZAR",
        "ky": "«Ак Марал» BOZARда",
        "fr": "Ak Maral au BOZAR",
        "nl": "Ak Maral in BOZAR",
    }
    gymnastics = rows["2014-05-gymnastics-european-competition"]
    assert gymnastics["cities"] == []
    assert gymnastics["venue"] is None
    assert {"kind": "gold_medals", "value": 1, "approximate": False} in gymnastics["facts"]


def test_json_keeps_cyrillic_readable(minimal: Catalog) -> None:
    assert "«Ак Марал»" in export_events(minimal, "json")


def test_csv_has_one_row_per_event_and_a_column_per_language(minimal: Catalog) -> None:
    rows = list(csv.DictReader(io.StringIO(export_events(minimal, "csv"))))
    assert [row["id"] for row in rows] == [e.id for e in minimal.events]
    for lang in LANGUAGES:
        assert f"title_{lang}" in rows[0]
        assert f"summary_{lang}" in rows[0]
    gymnastics, ak_maral, _kallens = rows
    assert ak_maral["title_ky"] == "«Ак Марал» BOZARда"
    assert ak_maral["cities"] == "Brussels"
    assert ak_maral["start"] == "2015-06"
    assert ak_maral["end"] == ""
    assert gymnastics["cities"] == ""
    assert gymnastics["categories"] == "sport; competition"
    assert gymnastics["facts"] == "gold_medals=1; bronze_medals=3; countries=17"


def test_csv_of_the_real_data_has_19_rows(real: Catalog) -> None:
    rows = list(csv.DictReader(io.StringIO(export_events(real, "csv"))))
    assert len(rows) == 19
    mooov = next(row for row in rows if row["id"] == "2017-04-mooov-centaur")
    assert mooov["cities"].count("; ") == 1
