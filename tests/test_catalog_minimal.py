"""What the loader builds from a small valid data/: the values the rest of the bot relies on."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.catalog import check_data, load_catalog
from bot.catalog.model import LANGUAGES, Catalog, PartialDate, Status

MINIMAL = Path(__file__).parent / "fixtures" / "minimal"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(MINIMAL)


def test_events_come_in_chronological_order(catalog: Catalog) -> None:
    assert [e.id for e in catalog.events] == [
        "2014-05-gymnastics-european-competition",
        "2015-06-ak-maral-bozar",
        "2015-09-kallens-exhibition-ghent",
    ]


def test_a_month_stays_a_month_and_a_range_keeps_both_ends(catalog: Catalog) -> None:
    ak_maral = catalog.event("2015-06-ak-maral-bozar")
    assert ak_maral is not None
    assert ak_maral.start == PartialDate(2015, 6)
    assert ak_maral.start.iso() == "2015-06"
    assert ak_maral.end is None
    gymnastics = catalog.event("2014-05-gymnastics-european-competition")
    assert gymnastics is not None
    assert (gymnastics.start.iso(), gymnastics.end and gymnastics.end.iso()) == (
        "2014-05-26",
        "2014-06-02",
    )


def test_no_city_is_invented_where_the_seed_gives_none(catalog: Catalog) -> None:
    gymnastics = catalog.event("2014-05-gymnastics-european-competition")
    assert gymnastics is not None
    assert gymnastics.cities == ()
    assert gymnastics.venue is None


def test_event_fields_are_read_as_written(catalog: Catalog) -> None:
    event = catalog.event("2015-06-ak-maral-bozar")
    assert event is not None
    assert event.status is Status.HELD
    assert event.section == "culture"
    assert event.categories == ("concert",)
    assert event.cities == ("brussels",)
    assert event.venue == "bozar"
    assert event.organisations == ("ak-maral",)
    assert event.aliases == ("Ak Maral", "Ак Марал")
    assert set(event.title) == set(LANGUAGES)
    assert event.source.startswith('In June 2015, a concert "Melodies of Heavenly Mountains"')
    assert "\n" not in event.source


def test_facts_keep_their_numbers(catalog: Catalog) -> None:
    event = catalog.event("2014-05-gymnastics-european-competition")
    assert event is not None
    assert {(f.kind, f.value, f.approximate) for f in event.facts} == {
        ("gold_medals", 1, False),
        ("bronze_medals", 3, False),
        ("countries", 17, False),
    }


def test_places_know_their_kind_and_a_venue_its_city_only_when_given(catalog: Catalog) -> None:
    bozar = catalog.place("bozar")
    museum = catalog.place("museum-of-musical-instruments")
    assert bozar is not None and (bozar.kind, bozar.city) == ("venue", "brussels")
    assert museum is not None and (museum.kind, museum.city) == ("venue", None)
    paris = catalog.place("paris")
    assert paris is not None and paris.kind == "city"


def test_months_are_numbered_and_have_the_form_after_a_day(catalog: Catalog) -> None:
    assert [m.number for m in catalog.months] == list(range(1, 13))
    may = catalog.months[4]
    assert may.names["ru"] == "май"
    assert may.with_day["ru"] == "мая"


def test_topics_are_the_seed_sections(catalog: Catalog) -> None:
    assert [t.id for t in catalog.topics] == ["culture", "sports"]


def test_locales_merge_the_adapter_folders(catalog: Catalog) -> None:
    assert set(catalog.locales) == set(LANGUAGES)
    assert catalog.locales["ru"]["card_date"] == "Дата"
    assert catalog.locales["ru"]["button_more"] == "Ещё"  # from locales/telegram/ru.yaml
    assert catalog.locales["en"]["page_of"] == "Page {page} of {pages}"


def test_word_lists_reach_the_lexicon(catalog: Catalog) -> None:
    lexicon = catalog.lexicon
    assert "сколько" in lexicon.intents["count"]
    assert "до" in lexicon.periods["before"]
    assert "кандай" in lexicon.language_markers["ky"]
    assert lexicon.suffixes["ru"] == ("е", "ах")
    assert "the" in lexicon.stopwords
    assert "алтын" in lexicon.fact_words["gold_medals"]


def test_unquoted_dates_and_yes_no_words_are_taken_as_written(tmp_path: Path) -> None:
    """YAML would turn 2015-06-01 into a date and `no` into false; a curator means the text."""
    data = tmp_path / "data"
    shutil.copytree(MINIMAL, data)
    events = data / "events.yaml"
    text = events.read_text(encoding="utf-8").replace('start: "2015-06"', "start: 2015-06-01")
    events.write_text(text.replace("aliases: [Ak Maral,", "aliases: [no, Ak Maral,"), "utf-8")
    catalog = load_catalog(data)
    event = catalog.event("2015-06-ak-maral-bozar")
    assert event is not None
    assert event.start == PartialDate(2015, 6, 1)
    assert event.aliases[0] == "no"


def test_a_source_may_join_two_seed_passages_with_an_ellipsis(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(MINIMAL, data)
    events = data / "events.yaml"
    text = events.read_text(encoding="utf-8").replace(
        "European competitions\n",
        "European competitions … Kyrgyz gymnasts won prizes: 1 gold and 3 bronze.\n",
    )
    events.write_text(text, encoding="utf-8")
    assert check_data(data) == []


def test_check_data_accepts_a_relative_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(MINIMAL.parent)
    assert check_data(Path("minimal")) == []
