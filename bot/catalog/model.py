"""The knowledge as frozen values: what data/ holds once it has been validated."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields
from enum import StrEnum
from functools import cached_property
from itertools import repeat
from operator import attrgetter
from typing import Any

LANGUAGES: tuple[str, ...] = ("en", "ru", "ky", "fr", "nl")
"""Every language the bot speaks; English is the fallback."""

DEFAULT_LANGUAGE = "en"


class Status(StrEnum):
    HELD = "held"
    PLANNED = "planned"


class Role(StrEnum):
    """What a person or organisation was to an event, as the seed tells it.

    A card lists names under their role ("Performers", "In honour of"), and questions such as
    "who organised it" select by role: a namesake or an honoree was not there.
    """

    PERFORMER = "performer"  # on stage, on screen: ensembles, singers, the lyceum's troupe
    ORGANISER = "organiser"  # organised or held it (the Embassy, ACAFK, Nomadstan)
    HONOREE = "honoree"  # whom it honoured (Aitmatov's birthday)
    NAMESAKE = "namesake"  # whose name it bears (the Grumiaux competition)
    MEDIA = "media"  # reported on it or published it (a TV channel, a newspaper)
    DIRECTOR = "director"  # directed the film
    PHOTOGRAPHER = "photographer"  # whose photographs were shown
    FESTIVAL = "festival"  # the festival it was part of
    DELEGATION = "delegation"  # a member body of a visiting delegation
    HOST = "host"  # whom the visitors met
    ARCHIVE = "archive"  # whose archive material was shown
    PARTICIPANT = "participant"  # took part (the default when data gives no role)


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date at the precision the seed gives: a day, or only a month (day is None)."""

    year: int
    month: int
    day: int | None = None

    def iso(self) -> str:
        """`YYYY-MM-DD`, or `YYYY-MM` when the seed gives only the month."""
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    @property
    def sort_key(self) -> tuple[int, int, int]:
        return (self.year, self.month, self.day or 0)


Localized = dict[str, str]
"""A text per language code (all of LANGUAGES)."""


@dataclass(frozen=True)
class Fact:
    """A number the seed states, e.g. 1 gold medal, 17 countries, about 100 guests."""

    kind: str
    value: int
    approximate: bool = False


@dataclass(frozen=True)
class Entity:
    """Anything a question can name: a place, a category, a person, an organisation, a month."""

    id: str
    names: Localized
    aliases: tuple[str, ...] = ()

    def name(self, language: str) -> str:
        return in_language(self.names, language)


@dataclass(frozen=True)
class Place(Entity):
    kind: str = "city"  # city | venue | country | region | foreign
    city: str | None = None  # for a venue: its city id, only when the seed says it
    country: str | None = None  # for a city: the country place id (quiz distractors use it)
    # For a region or a country: the cities in it ("Flanders" -> Ghent, Bruges, ...).
    contains: tuple[str, ...] = ()
    # For a country: events whose source names no city count as held here (Belgium: the seed
    # is about ties in Belgium).
    default: bool = False


@dataclass(frozen=True)
class Category(Entity):
    """A kind of event; `within` names broader kinds it belongs to (dance within music)."""

    within: tuple[str, ...] = ()
    audience: bool = False  # "children and youth": narrows the other kinds asked (AND)


@dataclass(frozen=True)
class Month(Entity):
    """A month; `names` is the standalone form ("June"), `with_day` the form after a day number."""

    with_day: Localized = field(default_factory=dict)

    @property
    def number(self) -> int:
        return int(self.id)


FACT_GROUPS: dict[str, tuple[str, ...]] = {"medals": ("gold_medals", "bronze_medals")}
"""A fact people ask for that the seed states as several kinds: "medals" are gold and bronze."""


def fact_kinds(asked: str) -> tuple[str, ...]:
    """The kinds of fact the seed states for what was asked ("medals" -> gold, bronze)."""
    return FACT_GROUPS.get(asked, (asked,))


def in_language(values: Localized, language: str) -> str:
    """A text in `language`, else in English, the language every text of the data has."""
    return values.get(language) or values[DEFAULT_LANGUAGE]


@dataclass(frozen=True, slots=True)
class Event:
    """One event of the seed. Slotted: a catalog may hold 100,000 of them, and a slot costs 8
    bytes where each event's own attribute dict took 224."""

    id: str
    start: PartialDate
    end: PartialDate | None
    status: Status
    section: str  # topic id: culture | sports
    categories: tuple[str, ...]
    cities: tuple[str, ...]
    venue: str | None
    title: Localized
    summary: Localized
    source: str
    mentions: tuple[str, ...] = ()  # other places the seed ties to the event (a TV channel's town)
    people: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    facts: tuple[Fact, ...] = ()
    aliases: tuple[str, ...] = ()
    roles: tuple[tuple[str, Role], ...] = ()  # (person or organisation id, role), data order
    short_title: Localized = field(default_factory=dict)  # for buttons; falls back to title
    # The seed names no city and does not say the country either ("European competitions"):
    # such an event is not counted as held in the default country.
    country_unknown: bool = False

    def role_of(self, entity_id: str) -> Role | None:
        """The role of one of the event's people or organisations; None when not involved."""
        if entity_id not in self.people and entity_id not in self.organisations:
            return None
        return next((role for who, role in self.roles if who == entity_id), Role.PARTICIPANT)

    def with_role(self, role: Role) -> tuple[str, ...]:
        """Ids of the people and organisations in that role, people first, in data order."""
        return tuple(
            who for who in (*self.people, *self.organisations) if self.role_of(who) is role
        )

    @property
    def is_planned(self) -> bool:
        """The seed only announces it: every reply must say "planned", never "took place"."""
        return self.status is Status.PLANNED

    def title_in(self, language: str) -> str:
        """The title in `language`, else in English (every event has an English title)."""
        return in_language(self.title, language)

    def years(self) -> range:
        last = self.end.year if self.end else self.start.year
        return range(self.start.year, last + 1)

    def months(self) -> set[tuple[int, int]]:
        """(year, month) pairs the event spans."""
        end = self.end or self.start
        result: set[tuple[int, int]] = set()
        year, month = self.start.year, self.start.month
        while (year, month) <= (end.year, end.month):
            result.add((year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return result

    def places(self) -> tuple[str, ...]:
        """Cities where it happened, then places the seed ties to it."""
        return self.cities + self.mentions

    def __getstate__(self) -> tuple[object, ...]:
        """Pickled (the caches) as its field values in order, without their names."""
        return tuple(getattr(self, name) for name in _EVENT_FIELDS)

    def __setstate__(self, state: tuple[object, ...]) -> None:
        """Each slot set by its descriptor: dataclasses' own frozen __setstate__ goes through
        object.__setattr__ by name, twice as slow for the 100,000 events of a big catalog."""
        for store, value in zip(_EVENT_SLOTS, state, strict=True):
            store(self, value)


_EVENT_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Event))
_EVENT_SLOTS = tuple(getattr(Event, name).__set__ for name in _EVENT_FIELDS)
_EVENT_COLUMNS = "events by field"  # a pickled Catalog's events (see Catalog.__getstate__)
_FACTS = attrgetter("facts")


def chronological(event: Event) -> tuple[tuple[int, int, int], str]:
    """The catalog's order: by start date (a month without a day before its days), then id."""
    return (event.start.sort_key, event.id)


@dataclass(frozen=True)
class Topic:
    """A section overview of the seed: cultural cooperation, sports cooperation."""

    id: str
    title: Localized
    summary: Localized
    source: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class CityTally:
    """Events per city: those held, those planned; and the events whose source names no city."""

    held: dict[str, int]
    planned: dict[str, int]
    without_city: int


@dataclass(frozen=True)
class Catalog:
    """Everything loaded from data/: events in chronological order and the lexicon."""

    events: tuple[Event, ...]
    topics: tuple[Topic, ...]
    places: tuple[Place, ...]
    categories: tuple[Category, ...]
    people: tuple[Entity, ...]
    organisations: tuple[Entity, ...]
    months: tuple[Month, ...]
    facts: tuple[Entity, ...]
    lexicon: Lexicon
    locales: dict[str, dict[str, str]]
    follow_ups: FollowUpWords = field(default_factory=lambda: FollowUpWords({}))
    _ranks: dict[str, int] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:  # made here, so a replace()d catalog gets its own
        ranks = {event.id: rank for rank, event in enumerate(self.events)}
        object.__setattr__(self, "_ranks", ranks)

    @property
    def ranks(self) -> dict[str, int]:
        """Event id -> its position in `events` (the search index's bit number too: one table
        for both, 4 MB at 100,000 events). Not to be changed."""
        return self._ranks

    @cached_property
    def years(self) -> tuple[int, ...]:
        """Every year some event spans, ascending: what "no events in 2013" points to."""
        return tuple(sorted({year for event in self.events for year in event.years()}))

    @cached_property
    def used_cities(self) -> tuple[str, ...]:
        """Ids of the cities where events took place (not the ones listed for "none there")."""
        return tuple(sorted({city for event in self.events for city in event.cities}))

    @cached_property
    def used_categories(self) -> tuple[str, ...]:
        return tuple(sorted({c for event in self.events for c in event.categories}))

    @cached_property
    def city_tally(self) -> CityTally:
        """How many events each city held and has planned, and how many name no city: "which
        cities" is answered from this (a pass over 100,000 events took 200 ms a question)."""
        held: dict[str, int] = {}
        planned: dict[str, int] = {}
        without = 0
        for event in self.events:
            counts = planned if event.is_planned else held
            for city in event.cities:
                counts[city] = counts.get(city, 0) + 1
            without += not event.cities
        return CityTally(held, planned, without)

    def __getstate__(self) -> dict[str, object]:
        """Pickled (the compiled engine) with its events as one list per field, not one
        object each: pickle keeps every object it writes or reads until the end, so 100,000
        events' field tuples took 20 MB while writing and again while reading, left behind as
        fragmented memory (the resident size stayed 20 MB higher). Other references to these
        events in the same pickle name them by rank (`EventAt`, see bot/compiled.py), so they
        stay the very same objects once read back."""
        state = dict(self.__dict__)
        events = state.pop("events")
        state[_EVENT_COLUMNS] = [[getattr(e, name) for e in events] for name in _EVENT_FIELDS]
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        columns = state.pop(_EVENT_COLUMNS)
        assert isinstance(columns, list)
        # made empty, then filled a field at a time, the loops in C (an event at a time, in a
        # Python loop over its fields, took 0.3 s at 100,000 events; this, 0.07)
        events = tuple(map(Event.__new__, repeat(Event, len(columns[0]))))
        for store, column in zip(_EVENT_SLOTS, columns, strict=True):
            deque(map(store, events, column), maxlen=0)
            column.clear()  # the unpickler holds each list until it is done: 12 MB less peak
        state["events"] = events
        self.__dict__.update(state)

    def event(self, event_id: str) -> Event | None:
        rank = self._ranks.get(event_id)
        return None if rank is None else self.events[rank]

    def facts_of(self, event_ids: Iterable[str]) -> Iterator[tuple[Fact, ...]]:
        """Each event's facts, in the order given; KeyError for an unknown id. (Looked up in C:
        a Python call per event took 9 ms for "how many medals" at 100,000 events.)"""
        return map(_FACTS, map(self.events.__getitem__, map(self._ranks.__getitem__, event_ids)))

    def place(self, place_id: str) -> Place | None:
        place = self._entities["place"].get(place_id)
        return place if isinstance(place, Place) else None

    def entity(self, kind: str, entity_id: str) -> Entity | None:
        """Look up a lexicon entity by kind: place, category, person, organisation, month."""
        return self._entities.get(kind, {}).get(entity_id)

    @cached_property
    def _entities(self) -> dict[str, dict[str, Entity]]:
        """kind -> id -> entity, the first of an id kept: a reply names a dozen of them, and
        walking the lists each time cost more than the rest of a line."""
        pools: dict[str, tuple[Entity, ...]] = {
            "place": self.places,
            "category": self.categories,
            "person": self.people,
            "organisation": self.organisations,
            "month": self.months,
            "fact": self.facts,
        }
        by_kind: dict[str, dict[str, Entity]] = {}
        for kind, pool in pools.items():
            by_id = by_kind[kind] = {}
            for entity in pool:
                by_id.setdefault(entity.id, entity)
        return by_kind


class EventAt:
    """What a pickled reference to one of a catalog's events reads back as: that event of the
    catalog, the same object (not a copy). The compiled file pickles the catalog's events by
    field (Catalog.__getstate__); every other reference to one of them in that file (each data
    file's part, bot/compiled.py's `Compiled.files`) is written as its catalog and rank."""

    def __new__(cls, catalog: Catalog, rank: int) -> Any:  # an Event, not an EventAt
        return catalog.events[rank]

    @staticmethod
    def reduction(catalog: Catalog, event: Event) -> tuple[object, tuple[Catalog, int]] | None:
        """How a pickler writes `event` when it is `catalog`'s own, else None."""
        rank = catalog.ranks.get(event.id)
        if rank is None or catalog.events[rank] is not event:
            return None
        return (EventAt, (catalog, rank))


@dataclass(frozen=True)
class Lexicon:
    """Word lists that are not entities: intent cues, period words, suffixes, stop words.

    Each mapping is keyed by an id (an intent name, a period kind, a language) and holds phrases
    in any of the five languages.
    """

    intents: dict[str, tuple[str, ...]]
    periods: dict[str, tuple[str, ...]]
    language_markers: dict[str, tuple[str, ...]]
    suffixes: dict[str, tuple[str, ...]]
    stopwords: tuple[str, ...]
    fact_words: dict[str, tuple[str, ...]]


FOLLOW_UP_KINDS: tuple[str, ...] = (
    "more",  # the next page of the last list
    "continue",  # starts a fragment that changes the last question ("and in 2016?")
    "correction",  # starts a correction of the last question ("no, I meant 2016")
    "ever",  # "the first one ever": not a pointer into the last list
    "fresh",  # "anything in Liège?": a question of its own, not a fragment
    "pointer",  # "it", "that one": the question is about what was just shown
    "asks",  # "what", "which", "кайсы", "welke": a question word, for "in welke krant?"
    "filler",  # "was", "болчу", "heette": words a question about "it" may have besides
    "number",  # "number 3", "номер 3": a position in the last list
    "next",  # "the next one": after a card picked from a list, the one after it
    "previous",  # "the previous one": the one before it
    "details",  # "tell me more": the card of what was just shown
    "organisers",  # "who organised it?"
    "people",  # "who sang?"
    "date",  # "when was it?"
    "place",  # "where was it?"
    "results",  # "what did they win?"
    "first", "second", "third", "fourth", "fifth",
    "sixth", "seventh", "eighth", "ninth", "tenth", "last",
)  # fmt: skip
"""The kinds of words in data/lexicon/follow_ups.yaml; ordinals are positions in a list."""


@dataclass(frozen=True)
class FollowUpWords:
    """Words of follow-up questions (data/lexicon/follow_ups.yaml): kind -> language -> phrases."""

    phrases: dict[str, dict[str, tuple[str, ...]]]
