"""Quiz questions: right answers from the catalog only, wrong ones truly wrong, within limits."""

from __future__ import annotations

import random

import pytest

from bot.answering import Answerer
from bot.catalog.model import LANGUAGES, Catalog, Event
from bot.quiz import (
    EXPLANATION_LIMIT,
    OPTION_LIMIT,
    QUESTION_LIMIT,
    Quiz,
    clip,
    make_quiz,
    names_a_place,
    names_a_year,
    place_forms,
)
from bot.rendering.texts import texts
from bot.understanding.normalise import fold


def _quizzes(catalog: Catalog, language: str, count: int = 60) -> list[Quiz]:
    rng = random.Random(f"quiz-{language}")
    quizzes = [make_quiz(catalog, language, rng) for _ in range(count)]
    assert all(q is not None for q in quizzes)
    return [q for q in quizzes if q is not None]


def _event(catalog: Catalog, quiz: Quiz) -> Event:
    event = catalog.event(quiz.event_id)
    assert event is not None
    return event


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_quiz_fits_a_telegram_quiz_poll(answerer: Answerer, language: str) -> None:
    for quiz in _quizzes(answerer.catalog, language):
        assert 0 < len(quiz.question) <= QUESTION_LIMIT
        assert 3 <= len(quiz.options) <= 4
        assert len(set(quiz.options)) == len(quiz.options)
        assert all(0 < len(option) <= OPTION_LIMIT for option in quiz.options)
        assert 0 <= quiz.correct < len(quiz.options)
        assert 0 < len(quiz.explanation) <= EXPLANATION_LIMIT


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_right_answer_is_right_and_the_others_are_wrong(
    answerer: Answerer, language: str
) -> None:
    catalog = answerer.catalog
    city_names = {p.name(language): p.id for p in catalog.places}
    titles = {clip(e.title[language], OPTION_LIMIT): e for e in catalog.events}
    for quiz in _quizzes(catalog, language):
        event = _event(catalog, quiz)
        right = quiz.options[quiz.correct]
        wrong = [o for i, o in enumerate(quiz.options) if i != quiz.correct]
        if right.isdigit():  # which year
            assert int(right) == event.start.year
            assert all(int(o) not in event.years() for o in wrong)
        elif right in city_names and city_names[right] in event.cities:  # which city
            assert all(city_names[o] not in event.places() for o in wrong)
        else:  # which event in a year
            assert titles[right].id == event.id
            year = event.start.year
            assert str(year) in quiz.question
            assert all(year not in titles[o].years() for o in wrong)


def test_explanation_names_the_event(answerer: Answerer) -> None:
    for quiz in _quizzes(answerer.catalog, "en", 20):
        title = _event(answerer.catalog, quiz).title["en"]
        assert quiz.explanation.startswith(title[:30])


def test_same_seed_same_quiz(answerer: Answerer) -> None:
    first = make_quiz(answerer.catalog, "ru", random.Random(7))
    assert first == make_quiz(answerer.catalog, "ru", random.Random(7))


def test_unknown_language_falls_back_to_english(answerer: Answerer) -> None:
    german = make_quiz(answerer.catalog, "de", random.Random(3))
    assert german is not None
    assert german == make_quiz(answerer.catalog, "en", random.Random(3))


def test_clip_keeps_short_text_and_cuts_long_text_with_an_ellipsis() -> None:
    assert clip("short  text", 100) == "short text"
    cut = clip("word " * 50, 100)
    assert len(cut) <= 100 and cut.endswith("…")


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_question_gives_its_answer_away(answerer: Answerer, language: str) -> None:
    """A city question never names the city (in any form), a year never shows in the titles."""
    catalog = answerer.catalog
    words = texts(catalog, language)
    asks_city = words.get("tg_quiz_city", title="\x00").split("\x00")[0]
    asks_which = words.get("tg_quiz_which", year="\x00").split("\x00")[0]
    kinds: set[str] = set()
    for quiz in _quizzes(catalog, language, 200):
        event = _event(catalog, quiz)
        right = quiz.options[quiz.correct]
        if quiz.question.startswith(asks_city):
            kinds.add("city")
            city = next(c for c in event.cities if catalog.place(c).name(language) == right)
            folded = f" {fold(quiz.question)} "
            for form in place_forms(catalog, city):
                assert f" {fold(form)}" not in folded, (quiz.question, form)
        elif quiz.question.startswith(asks_which):
            kinds.add("which")
            assert not any(names_a_year(option) for option in quiz.options), quiz.options
        else:
            kinds.add("year")
            assert right not in quiz.question, quiz.question
    assert kinds == {"city", "which", "year"}  # every kind is still asked


def test_a_title_naming_its_city_or_year_is_caught() -> None:
    assert names_a_place("Нооруз в Генте", ["Гент"])
    assert names_a_place("Гентте Нооруз майрамы", ["Гент"])
    assert names_a_place("“Colors of the World” 2016 in Brussels", ["Brussels"])
    assert not names_a_place("A concert at the Bozar", ["Brussels", "Гент"])
    assert names_a_year("«Цвета мира» 2016 в Брюсселе")
    assert not names_a_year("Fire Gym 12345 meeting")
