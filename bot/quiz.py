"""Quiz questions made from the catalog: a question, 3–4 options, the correct one, an explanation.

Pure core: no telegram import. Every text is cut to what a Telegram quiz poll accepts, so an
adapter can send the result as it is; the facts (years, cities, titles) come only from the
catalog, so a quiz can never state something the seed does not.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from bot.catalog.model import Catalog, Event
from bot.rendering.dates import format_when
from bot.rendering.describe import event_place
from bot.rendering.texts import Texts, texts
from bot.text import clip
from bot.understanding.normalise import fold

QUESTION_LIMIT = 300
OPTION_LIMIT = 100
EXPLANATION_LIMIT = 200
MAX_OPTIONS = 4
MIN_OPTIONS = 3
YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


@dataclass(frozen=True)
class Quiz:
    """One quiz question, already in the user's language and within Telegram's limits."""

    question: str
    options: tuple[str, ...]
    correct: int  # index into options
    explanation: str
    event_id: str  # the event the answer is about (for a follow-up card)


def make_quiz(catalog: Catalog, language: str, rng: random.Random) -> Quiz | None:
    """A random quiz question about one event, or None when the catalog is too small for one.

    Args:
        catalog: the knowledge.
        language: the reply language (falls back to English for unknown codes).
        rng: the source of randomness; pass a seeded one for repeatable tests.
    """
    makers: list[Callable[[Catalog, Texts, random.Random], Quiz | None]] = [
        _year_quiz,
        _city_quiz,
        _which_quiz,
    ]
    rng.shuffle(makers)
    words = texts(catalog, language)
    held = held_only(catalog)
    for maker in makers:
        quiz = maker(held, words, rng)
        if quiz is not None:
            return quiz
    return None


def held_only(catalog: Catalog) -> Catalog:
    """The catalog without planned events: a quiz asks what took place, where and when, and a
    planned conference neither took place nor makes a fair wrong answer to "which took place"."""
    held = tuple(e for e in catalog.events if not e.is_planned)
    if len(held) == len(catalog.events):
        return catalog
    return replace(catalog, events=held)


def title(event: Event, language: str) -> str:
    return event.title_in(language)


def names_a_year(text: str) -> bool:
    """A title with a year in it ("Colors of the World 2016") gives a year question away."""
    return YEAR.search(text) is not None


def names_a_place(text: str, forms: Iterable[str]) -> bool:
    """Whether `text` names a place in any of its forms (names, aliases; folded both sides).

    A form matches at the start of a word, so an inflection the aliases miss ("Гентте" from
    "Гент") still counts: a false alarm only skips a question, a miss gives the answer away.
    """
    folded = f" {fold(text)} "
    return any(key and f" {key}" in folded for key in (fold(f) for f in forms))


def place_forms(catalog: Catalog, place_id: str) -> list[str]:
    """Every name and alias of a place, in every language."""
    place = catalog.place(place_id)
    if place is None:
        return []
    return [*place.names.values(), *place.aliases]


def _explanation(catalog: Catalog, words: Texts, event: Event) -> str:
    date = format_when(catalog, event, words)
    place = event_place(catalog, event, words.language)
    name = title(event, words.language)
    if place:
        text = words.get("tg_quiz_explanation_place", title=name, date=date, place=place)
    else:
        text = words.get("tg_quiz_explanation", title=name, date=date)
    return clip(text, EXPLANATION_LIMIT)


def _finish(
    catalog: Catalog,
    words: Texts,
    rng: random.Random,
    question: str,
    correct: str,
    wrong: list[str],
    event: Event,
    keep_order: bool = False,
) -> Quiz | None:
    """Assemble options (distinct after clipping), shuffle unless the order is natural."""
    right = clip(correct, OPTION_LIMIT)
    others: list[str] = []
    for option in wrong:
        option = clip(option, OPTION_LIMIT)
        if option != right and option not in others:
            others.append(option)
    others = others[: MAX_OPTIONS - 1]
    if len(others) + 1 < MIN_OPTIONS:
        return None
    options = [right, *others]
    if keep_order:
        options.sort()
    else:
        rng.shuffle(options)
    return Quiz(
        question=clip(question, QUESTION_LIMIT),
        options=tuple(options),
        correct=options.index(right),
        explanation=_explanation(catalog, words, event),
        event_id=event.id,
    )


def _year_quiz(catalog: Catalog, words: Texts, rng: random.Random) -> Quiz | None:
    """ "In which year? <title>" — options are years the catalog knows."""
    fair = [e for e in catalog.events if not names_a_year(title(e, words.language))]
    if not fair:
        return None
    event = rng.choice(fair)
    years = sorted({y for e in catalog.events for y in e.years()} - set(event.years()))
    wrong = [str(y) for y in rng.sample(years, min(len(years), MAX_OPTIONS - 1))]
    question = words.get("tg_quiz_year", title=title(event, words.language))
    return _finish(
        catalog, words, rng, question, str(event.start.year), wrong, event, keep_order=True
    )


def _city_quiz(catalog: Catalog, words: Texts, rng: random.Random) -> Quiz | None:
    """ "Where did this take place? <title>" — for events whose city the seed names."""
    lang = words.language
    located = [
        e
        for e in catalog.events
        if e.cities
        and not any(names_a_place(title(e, lang), place_forms(catalog, c)) for c in e.cities)
    ]
    if not located:
        return None
    event = rng.choice(located)
    taken = set(event.cities) | set(event.mentions)
    with_events = {c for e in catalog.events for c in e.cities} - taken
    elsewhere = {p.id for p in catalog.places if p.kind == "city"} - taken - with_events
    # Cities that have events make better distractors; fill up with the others.
    pool = rng.sample(sorted(with_events), len(with_events)) + rng.sample(
        sorted(elsewhere), len(elsewhere)
    )
    names = {p.id: p.name(lang) for p in catalog.places}
    wrong = [names[c] for c in pool if c in names]
    correct = names.get(rng.choice(event.cities))
    if correct is None:
        return None
    question = words.get("tg_quiz_city", title=title(event, lang))
    return _finish(catalog, words, rng, question, correct, wrong, event)


def _which_quiz(catalog: Catalog, words: Texts, rng: random.Random) -> Quiz | None:
    """ "Which of these took place in <year>?" — one event of that year among others."""
    lang = words.language
    # A title with a year in it is never an option: it would give the answer away or rule
    # itself out.
    fair = [e for e in catalog.events if not names_a_year(title(e, lang))]
    if not fair:
        return None
    event = rng.choice(fair)
    year = event.start.year
    others = [e for e in fair if year not in e.years()]
    rng.shuffle(others)
    question = words.get("tg_quiz_which", year=year)
    wrong = [title(e, lang) for e in others]
    return _finish(catalog, words, rng, question, title(event, lang), wrong, event)
