"""The understood question: an intent and its slots, plus a compact token to replay it."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Period(StrEnum):
    BEFORE = "before"
    AFTER = "after"
    SINCE = "since"
    BETWEEN = "between"


@dataclass(frozen=True)
class Query:
    """What a question asks for. Empty slots mean "no constraint"."""

    intent: str
    language: str | None = None  # the question's language when it can be told
    years: tuple[int, ...] = ()
    months: tuple[int, ...] = ()
    season: str | None = None  # when the months came from "summer", for the reply's words
    days: tuple[int, ...] = ()
    period: Period | None = None
    period_years: tuple[int, ...] = ()  # the anchor(s) of a period: (2015,) or (2015, 2016)
    places: tuple[str, ...] = ()  # place ids: cities, venues or countries
    categories: tuple[str, ...] = ()  # any of these
    all_categories: tuple[str, ...] = ()  # every one of these ("film festival")
    people: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    events: tuple[str, ...] = ()  # events named directly ("Centaur", "Nooruz")
    topic: str | None = None
    facts: tuple[str, ...] = ()  # fact kinds asked for ("medals")
    numbers: tuple[int, ...] = ()  # other numbers typed ("90" in "90th anniversary")
    planned: bool = False  # only events the source gives as planned
    unknown_place: str | None = None  # a place we have no record of ("Tokyo")
    # Left out on purpose: "all events but the concerts", "не в Брюсселе", "behalve 2015".
    without_categories: tuple[str, ...] = ()
    without_places: tuple[str, ...] = ()
    without_years: tuple[int, ...] = ()
    without_events: tuple[str, ...] = ()  # "films other than Centaur"
    foreign_place: str | None = None  # a country outside the ties ("in Kazakhstan")
    organised: bool = False  # "what did the embassy organise": its events as organiser only
    asks_who: str | None = None  # "organiser" or "performer": who organised / who sang
    future: bool = False  # "next concert", "upcoming", "this year": after the record's end
    year_months: tuple[tuple[int, int], ...] = ()  # "winter 2016/17": (2016, 12), (2017, 1)...
    period_events: tuple[str, ...] = ()  # "after the Nooruz", "between X and Y": anchors
    period_month: int | None = None  # "after March 2017": the period's anchor month
    # Content words the parse could not explain, for the search in the events' own texts.
    loose_words: tuple[str, ...] = field(default=(), compare=False)
    out_of_scope_cue: bool = field(default=False, compare=False)  # "weather", "visa"...
    alternatives: tuple[Query, ...] = field(default=(), compare=False)
    # The intent cue phrases the question used ("what happened", "how many"): a fragment such
    # as "and in 2016?" has none, so it can continue the last question (bot/conversing.py).
    cues: tuple[str, ...] = field(default=(), compare=False)
    # Words that meant nothing to the parser (function words aside): a follow-up about "it"
    # may have a few ("where was it supposed to take place?"), a new question more.
    unexplained: tuple[str, ...] = field(default=(), compare=False)
    confidence: float = 1.0

    def has_filters(self) -> bool:
        return bool(
            self.years
            or self.months
            or self.days
            or self.period
            or self.places
            or self.categories
            or self.all_categories
            or self.people
            or self.organisations
            or self.events
            or self.unknown_place
            or self.facts
            or self.planned
            or self.without_categories
            or self.without_places
            or self.without_years
            or self.without_events
            or self.year_months
        )
