"""The real data/ loads clean and says what the team decided from the seed document.

These are the facts a curator would notice first if they went wrong: an event missing, a city
invented where the seed names none, a venue in the wrong city, a month turned into a day.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.catalog import check_data, load_catalog
from bot.catalog.model import Catalog, Status

DATA = Path(__file__).resolve().parent.parent / "data"

# id: (categories, cities, mentions, venue, section), as decided in the shared notes.
DECIDED: dict[str, tuple[set[str], tuple[str, ...], tuple[str, ...], str | None, str]] = {
    "2012-10-liege-delegation": (
        {"diplomacy", "education"},
        ("bishkek",),
        ("liege",),
        None,
        "culture",
    ),
    "2014-05-gymnastics-european-competition": (
        {"sport", "competition", "gymnastics"},
        (),
        (),
        None,
        "sports",
    ),
    "2014-05-fire-gym-meeting": ({"sport", "gymnastics"}, ("brussels",), (), "fire-gym", "sports"),
    "2015-05-victory-photo-exhibition": ({"exhibition"}, (), (), None, "culture"),
    "2015-06-ak-maral-bozar": ({"concert", "dance"}, ("brussels",), (), "bozar", "culture"),
    "2015-06-colors-of-the-world": (
        {"festival", "competition", "concert", "dance", "youth"},
        (),
        (),
        None,
        "culture",
    ),
    "2015-09-kallens-exhibition-ghent": ({"exhibition"}, ("ghent",), (), None, "culture"),
    "2015-10-acafk-concert": ({"concert"}, (), (), None, "culture"),
    "2015-12-archive-photo-exhibition": ({"exhibition"}, (), (), None, "culture"),
    "2015-12-aitmatov-concert": ({"concert"}, (), (), "museum-of-musical-instruments", "culture"),
    "2016-01-man-and-horse-film": ({"film"}, (), (), None, "culture"),
    "2016-06-colors-of-the-world": (
        {"festival", "concert", "youth"},
        ("brussels",),
        (),
        "fore-hall",
        "culture",
    ),
    "2017-03-violin-competition": (
        {"competition", "music", "youth"},
        ("brussels",),
        (),
        None,
        "culture",
    ),
    "2017-03-kok-boru-article": ({"media", "sport", "press"}, (), (), None, "sports"),
    "2017-03-nooruz-ghent": (
        {"celebration", "tourism", "media", "diplomacy", "tv", "press"},
        ("ghent",),
        ("hasselt", "genk"),
        None,
        "culture",
    ),
    "2017-04-mooov-centaur": ({"film", "festival"}, ("bruges", "turnhout"), (), None, "culture"),
    "2017-04-nomadstan-evening": ({"tourism", "celebration"}, ("brussels",), (), None, "culture"),
    "2017-09-foreign-ministry-conference": ({"diplomacy"}, ("brussels",), (), None, "culture"),
    "2018-01-folk-music-concert": ({"concert"}, ("brussels",), (), None, "culture"),
}

CATEGORIES = {
    "concert",
    "exhibition",
    "film",
    "festival",
    "competition",
    "sport",
    "diplomacy",
    "media",
    "tourism",
    "education",
    "celebration",
    # issue 8: sub-kinds and an audience (music holds the concerts, media its TV and press)
    "music",
    "dance",
    "gymnastics",
    "youth",
    "tv",
    "press",
}
CITIES_WITH_EVENTS = {
    "brussels",
    "ghent",
    "bruges",
    "turnhout",
    "liege",
    "bishkek",
    "hasselt",
    "genk",
}
CITIES_WITHOUT_EVENTS = {
    "antwerp",
    "leuven",
    "namur",
    "mechelen",
    "charleroi",
    "mons",
    "ostend",
    "paris",
    "amsterdam",
    "london",
    "berlin",
    "moscow",
    "osh",
    "almaty",
    "karakol",
    "luxembourg",
    "tashkent",
}
VENUES = {
    "bozar": "brussels",
    "fire-gym": "brussels",
    "fore-hall": "brussels",
    "museum-of-musical-instruments": None,
}


def test_the_real_data_has_no_problems() -> None:
    problems = check_data(DATA)
    assert problems == [], "\n".join(str(p) for p in problems)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(DATA)


def test_every_event_of_the_seed_is_there_under_its_fixed_id(catalog: Catalog) -> None:
    assert sorted(e.id for e in catalog.events) == sorted(DECIDED)
    assert len(catalog.events) == 19


def test_events_are_in_chronological_order(catalog: Catalog) -> None:
    keys = [(e.start.sort_key, e.id) for e in catalog.events]
    assert keys == sorted(keys)
    assert catalog.events[0].id == "2012-10-liege-delegation"
    assert catalog.events[-1].id == "2018-01-folk-music-concert"


@pytest.mark.parametrize("event_id", sorted(DECIDED))
def test_event_places_categories_and_section_are_as_decided(
    catalog: Catalog, event_id: str
) -> None:
    categories, cities, mentions, venue, section = DECIDED[event_id]
    event = catalog.event(event_id)
    assert event is not None
    assert set(event.categories) == categories
    assert set(event.cities) == set(cities)
    assert set(event.mentions) == set(mentions)
    assert event.venue == venue
    assert event.section == section


def test_dates_stay_at_the_seeds_precision(catalog: Catalog) -> None:
    def dates(event_id: str) -> tuple[str, str | None]:
        event = catalog.event(event_id)
        assert event is not None
        return event.start.iso(), event.end.iso() if event.end else None

    assert dates("2012-10-liege-delegation") == ("2012-10", None)
    assert dates("2014-05-gymnastics-european-competition") == ("2014-05-26", "2014-06-02")
    assert dates("2015-06-ak-maral-bozar") == ("2015-06", None)
    assert dates("2016-01-man-and-horse-film") == ("2016-01", "2016-02")
    assert dates("2017-03-violin-competition") == ("2017-03-02", "2017-03-05")
    assert dates("2017-04-mooov-centaur") == ("2017-04-18", "2017-04-30")
    assert dates("2017-09-foreign-ministry-conference") == ("2017-09", None)


def test_only_the_jubilee_conference_is_planned(catalog: Catalog) -> None:
    planned = [e.id for e in catalog.events if e.status is Status.PLANNED]
    assert planned == ["2017-09-foreign-ministry-conference"]


def test_topics_cover_the_two_sections(catalog: Catalog) -> None:
    assert {t.id for t in catalog.topics} == {"culture", "sports"}
    sections = [e.section for e in catalog.events]
    assert sections.count("culture") == 16
    assert sections.count("sports") == 3


def test_the_category_list_is_the_decided_one(catalog: Catalog) -> None:
    assert {c.id for c in catalog.categories} == CATEGORIES


def test_places_have_the_decided_kinds_and_venue_cities(catalog: Catalog) -> None:
    for city in CITIES_WITH_EVENTS | CITIES_WITHOUT_EVENTS:
        place = catalog.place(city)
        assert place is not None, city
        assert place.kind == "city", city
    for venue, city in VENUES.items():
        place = catalog.place(venue)
        assert place is not None, venue
        assert (place.kind, place.city) == ("venue", city)
    for country in ("belgium", "kyrgyzstan"):
        place = catalog.place(country)
        assert place is not None and place.kind == "country"


def test_cities_without_events_really_have_none(catalog: Catalog) -> None:
    used = {place for e in catalog.events for place in e.places()}
    assert not used & CITIES_WITHOUT_EVENTS
    assert used <= CITIES_WITH_EVENTS


def test_the_gymnasts_medals_are_structured_facts(catalog: Catalog) -> None:
    event = catalog.event("2014-05-gymnastics-european-competition")
    assert event is not None
    facts = {f.kind: f.value for f in event.facts}
    assert facts.get("gold_medals") == 1
    assert facts.get("bronze_medals") == 3
    assert facts.get("countries") == 17
