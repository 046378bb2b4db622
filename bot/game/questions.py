"""A round of quiz questions from the catalog, each with exactly one answer true to the source.

Three kinds of question: the year of an event, the city of an event, which event took place in
a year. Planned events are only ever asked about as planned ("In which year was this planned?"),
never as having taken place. Wrong cities are real Belgian or Kyrgyz cities not linked to the
event (not its city, not a place it mentions, not its venue's city); wrong years are years the
catalog knows but the event does not span; wrong events did not take place in the asked year.
No event is the subject of two questions in one round.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import asdict, dataclass

from bot.catalog.model import Catalog, Event, Status
from bot.quiz import (
    EXPLANATION_LIMIT,
    MAX_OPTIONS,
    OPTION_LIMIT,
    QUESTION_LIMIT,
    names_a_place,
    names_a_year,
    place_forms,
    title,
)
from bot.rendering.dates import format_span
from bot.rendering.describe import event_place
from bot.rendering.texts import Texts, texts
from bot.text import clip

DEFAULT_ROUND = 5
MAX_ROUND = 10
QUIZ_COUNTRIES = ("belgium", "kyrgyzstan")
"""Wrong cities come from these countries only: a guest should not rule one out by geography."""


@dataclass(frozen=True)
class GameQuestion:
    """One question of a round, in the round's language and within a quiz poll's limits."""

    kind: str  # year | year_planned | city | which
    question: str
    options: tuple[str, ...]
    correct: int  # index into options
    explanation: str
    event_id: str  # the event the correct answer is about

    def to_json(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, object]) -> GameQuestion:
        options = data["options"]
        assert isinstance(options, list | tuple)
        return cls(
            kind=str(data["kind"]),
            question=str(data["question"]),
            options=tuple(str(o) for o in options),
            correct=int(str(data["correct"])),
            explanation=str(data["explanation"]),
            event_id=str(data["event_id"]),
        )


Maker = Callable[[Catalog, Texts, Event, random.Random], GameQuestion | None]


def make_round(
    catalog: Catalog, language: str, count: int, rng: random.Random
) -> tuple[GameQuestion, ...]:
    """Up to `count` questions about as many different events, kinds mixed.

    Args:
        catalog: the knowledge.
        language: the round's language (English for an unknown code).
        count: how many questions; fewer come back only when the catalog has too few events.
        rng: the source of randomness; a seeded one gives a repeatable round.

    Returns:
        The questions in the order they are to be asked.
    """
    words = texts(catalog, language)
    events = list(catalog.events)
    rng.shuffle(events)
    makers: list[Maker] = [_year_question, _city_question, _which_question]
    questions: list[GameQuestion] = []
    for turn, event in enumerate(events):
        if len(questions) >= count:
            break
        # Rotate the kinds so that a round mixes them, then fall back to any kind that fits.
        start = turn % len(makers)
        for maker in makers[start:] + makers[:start]:
            question = maker(catalog, words, event, rng)
            # Two "Which of these took place in 2017?" in one round would read as a repeat.
            if question is not None and all(question.question != q.question for q in questions):
                questions.append(question)
                break
    return tuple(questions)


def explanation(catalog: Catalog, words: Texts, event: Event) -> str:
    """The event and its date (and place when the seed names one): what the answer rests on."""
    date = format_span(catalog, event, words)
    place = event_place(catalog, event, words.language)
    name = title(event, words.language)
    planned = event.status is Status.PLANNED
    key = "game_explain_planned" if planned else "game_explain"
    if place:
        key += "_place"
    return clip(words.get(key, title=name, date=date, place=place), EXPLANATION_LIMIT)


def quiz_cities(catalog: Catalog) -> tuple[str, ...]:
    """Ids of the Belgian and Kyrgyz cities: the pool of wrong answers to a city question."""
    return tuple(p.id for p in catalog.places if p.kind == "city" and p.country in QUIZ_COUNTRIES)


def linked_places(catalog: Catalog, event: Event) -> set[str]:
    """Every place the source ties to the event: its cities, mentions and its venue's city."""
    linked = set(event.cities) | set(event.mentions)
    if event.venue:
        linked.add(event.venue)
        venue = catalog.place(event.venue)
        if venue is not None and venue.city:
            linked.add(venue.city)
    return linked


def _assemble(
    catalog: Catalog,
    words: Texts,
    rng: random.Random,
    kind: str,
    question: str,
    right: str,
    wrong: list[str],
    event: Event,
    *,
    sort: bool = False,
) -> GameQuestion | None:
    """Options distinct after clipping, 1 right and 3 wrong, shuffled (years sorted)."""
    right = clip(right, OPTION_LIMIT)
    others: list[str] = []
    for option in wrong:
        option = clip(option, OPTION_LIMIT)
        if option != right and option not in others:
            others.append(option)
        if len(others) == MAX_OPTIONS - 1:
            break
    if len(others) < MAX_OPTIONS - 1:
        return None
    options = [right, *others]
    if sort:
        options.sort()
    else:
        rng.shuffle(options)
    return GameQuestion(
        kind=kind,
        question=clip(question, QUESTION_LIMIT),
        options=tuple(options),
        correct=options.index(right),
        explanation=explanation(catalog, words, event),
        event_id=event.id,
    )


def _year_question(
    catalog: Catalog, words: Texts, event: Event, rng: random.Random
) -> GameQuestion | None:
    """ "In which year did this take place?" (or "...was this planned?" for a planned event)."""
    name = title(event, words.language)
    if names_a_year(name):
        return None
    years = sorted(set(catalog.years) - set(event.years()))
    wrong = [str(year) for year in rng.sample(years, min(len(years), MAX_OPTIONS - 1))]
    planned = event.status is Status.PLANNED
    kind = "year_planned" if planned else "year"
    question = words.get(f"game_q_{kind}", title=name)
    return _assemble(
        catalog, words, rng, kind, question, str(event.start.year), wrong, event, sort=True
    )


def _city_question(
    catalog: Catalog, words: Texts, event: Event, rng: random.Random
) -> GameQuestion | None:
    """ "In which city did this take place?" for a held event whose city the source names."""
    lang = words.language
    if event.status is not Status.HELD or not event.cities:
        return None
    linked = linked_places(catalog, event)
    name = title(event, lang)
    if any(names_a_place(name, place_forms(catalog, place)) for place in event.places()):
        return None  # the title gives the city away
    # With two cities (a festival in Bruges and Turnhout) either is right: ask with one of them
    # and never offer the other.
    city = catalog.place(rng.choice(event.cities))
    if city is None:
        return None
    pool = [c for c in quiz_cities(catalog) if c not in linked]
    # A city the title names would confuse the guest: leave it out of the options.
    pool = [c for c in pool if not names_a_place(name, place_forms(catalog, c))]
    rng.shuffle(pool)
    wrong = [place.name(lang) for place in (catalog.place(c) for c in pool) if place]
    question = words.get("game_q_city", title=name)
    return _assemble(catalog, words, rng, "city", question, city.name(lang), wrong, event)


def _which_question(
    catalog: Catalog, words: Texts, event: Event, rng: random.Random
) -> GameQuestion | None:
    """ "Which of these took place in <year>?": one held event of that year among others."""
    lang = words.language
    if event.status is not Status.HELD or len(event.years()) != 1:
        return None
    if names_a_year(title(event, lang)):
        return None
    year = event.start.year
    others = [
        e
        for e in catalog.events
        if year not in e.years() and not names_a_year(title(e, lang)) and e.id != event.id
    ]
    rng.shuffle(others)
    question = words.get("game_q_which", year=year)
    wrong = [title(e, lang) for e in others]
    return _assemble(catalog, words, rng, "which", question, title(event, lang), wrong, event)
