"""Slot extraction and language detection on the real lexicon: what a question is taken to ask."""

from __future__ import annotations

import pytest

from bot.answering import Answerer
from bot.understanding import Period, Query
from bot.understanding.normalise import fold


def understand(answerer: Answerer, text: str) -> Query:
    return answerer.understander.understand(text)


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("Концерты в Брюсселе", "kontserty v bryussele"),
        ("kontserty v bryussele", "kontserty v bryussele"),
        ("koncerty v brjussele", "kontserty v bryussele"),
        ("Liège", "liege"),
    ],
)
def test_cyrillic_latin_and_accents_fold_to_one_form(typed: str, folded: str) -> None:
    assert fold(typed) == folded


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("что было в 2017 году", "ru"),
        ("2015-жылы кандай иш-чаралар болгон", "ky"),
        ("Брюсселде эмне болду", "ky"),
        ("wat gebeurde er in Gent", "nl"),
        ("concerts à Bruxelles", "fr"),
        ("what happened in 2017", "en"),
        ("kontserty v bryussele", "ru"),
    ],
)
def test_language_of_the_question(answerer: Answerer, question: str, language: str) -> None:
    assert understand(answerer, question).language == language


def test_a_lone_name_does_not_pretend_to_know_the_language(answerer: Answerer) -> None:
    assert understand(answerer, "Aitmatov").language is None


@pytest.mark.parametrize(
    "question",
    [
        "Концерты в Брюсселе",
        "Брюсселде концерттер",
        "concerts à Bruxelles",
        "concerten in Brussel",
        "kontserty v bryussele",
        "concerts in brusels",
    ],
)
def test_city_and_category_in_every_language_and_form(answerer: Answerer, question: str) -> None:
    query = understand(answerer, question)
    assert query.places == ("brussels",)
    assert query.categories == ("concert",)


@pytest.mark.parametrize(
    ("question", "year"),
    [("events in 2017", 2017), ("2017-жылы", 2017), ("в 2017 г.", 2017), ("en 2017", 2017)],
)
def test_year_in_any_spelling(answerer: Answerer, question: str, year: int) -> None:
    assert understand(answerer, question).years == (year,)


def test_month_and_year_together(answerer: Answerer) -> None:
    query = understand(answerer, "what happened in March 2017")
    assert (query.months, query.years) == ((3,), (2017,))


@pytest.mark.parametrize(
    ("question", "period", "anchors"),
    [
        ("events before 2015", Period.BEFORE, (2015,)),
        ("после 2016 года", Period.AFTER, (2016,)),
        ("sinds 2016", Period.SINCE, (2016,)),
        ("entre 2015 et 2016", Period.BETWEEN, (2015, 2016)),
        ("2015-2016", Period.BETWEEN, (2015, 2016)),
    ],
)
def test_period_words_next_to_a_year(
    answerer: Answerer, question: str, period: Period, anchors: tuple[int, ...]
) -> None:
    query = understand(answerer, question)
    assert (query.period, query.period_years) == (period, anchors)


def test_russian_s_is_with_not_since_away_from_a_year(answerer: Answerer) -> None:
    assert understand(answerer, "концерт с Айтматовым").period is None


@pytest.mark.parametrize("typo", ["Aitmatv", "Aitmatow", "Айтматв"])
def test_a_typo_in_a_name_is_forgiven(answerer: Answerer, typo: str) -> None:
    query = understand(answerer, typo)
    assert "chingiz-aitmatov" in query.people


def test_the_seeds_misspellings_are_understood(answerer: Answerer) -> None:
    assert understand(answerer, "Gromio").events == ("2017-03-violin-competition",)
    assert "turnhout" in understand(answerer, "films in Thurnhout").places


def test_a_place_we_have_no_record_of_is_kept_not_ignored(answerer: Answerer) -> None:
    assert understand(answerer, "concerts in Tokyo").unknown_place == "tokyo"


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("how many concerts", "count"),
        ("when was the Aitmatov concert", "date_of"),
        ("first concert", "first"),
        ("latest event", "latest"),
        ("sports cooperation", "overview"),
        ("hello", "greeting"),
        ("thanks!", "thanks"),
        ("what's the weather in Brussels", "out_of_scope"),
        ("tell me about Centaur", "detail"),
    ],
)
def test_intent(answerer: Answerer, question: str, intent: str) -> None:
    assert understand(answerer, question).intent == intent


def test_a_token_replays_the_same_query(answerer: Answerer) -> None:
    query = understand(answerer, "concerts in Brussels in 2015")
    token = answerer.tokens.encode(query)
    assert token and len(token.encode()) <= 48 and token.isascii()
    replayed = answerer.tokens.decode(token)
    assert replayed is not None
    assert (replayed.places, replayed.categories, replayed.years) == (
        query.places,
        query.categories,
        query.years,
    )


@pytest.mark.parametrize("forged", ["", "Z", "L~pzzzz", "L~y20x7", "é" * 10, "L~" + "y2017." * 20])
def test_a_forged_token_is_refused(answerer: Answerer, forged: str) -> None:
    assert answerer.tokens.decode(forged) is None


def test_this_year_and_last_year_are_read_against_today(answerer: Answerer) -> None:
    from datetime import date

    from bot.understanding import Understander

    in_2017 = Understander(answerer.catalog, today=lambda: date(2017, 6, 1))
    assert in_2017.understand("what happened this year").years == (2017,)
    assert in_2017.understand("в прошлом году").years == (2016,)
    upcoming = in_2017.understand("upcoming events")
    assert (upcoming.period, upcoming.period_years) == (Period.SINCE, (2017,))
    assert not upcoming.future


def test_after_the_record_ends_upcoming_and_this_year_ask_about_the_future(
    answerer: Answerer,
) -> None:
    """Past the record's last year nothing later is known: say where the record ends and
    offer the latest event of the kind asked, in every language."""
    from datetime import date

    from bot.understanding import Understander

    later = Understander(answerer.catalog, today=lambda: date(2026, 6, 1))
    for question in (
        "next concert",
        "следующий концерт",
        "prochain concert",
        "concerts this year",
    ):
        assert later.understand(question).future, question
    answer = answerer.answer("will there be Nooruz in 2026")
    assert answer.intent.value == "future"
    assert answer.event_ids == ("2017-03-nooruz-ghent",)


@pytest.mark.parametrize("question", ["кинофестиваль", "film festival", "festival du film"])
def test_a_word_that_holds_two_kinds_means_both(answerer: Answerer, question: str) -> None:
    query = understand(answerer, question)
    assert query.all_categories == ("festival", "film")
    assert answerer.answer(question).event_ids == ("2017-04-mooov-centaur",)


def test_a_typo_after_in_is_not_an_unknown_place(answerer: Answerer) -> None:
    query = understand(answerer, "what happend in febuary")
    assert (query.months, query.unknown_place) == ((2,), None)


@pytest.mark.parametrize(
    ("question", "language"),
    [("фестивалдар", "ky"), ("sportevenementen", "nl"), ("expositons 2015", "fr")],
)
def test_a_fragment_without_marker_words_is_told_by_its_letters(
    answerer: Answerer, question: str, language: str
) -> None:
    assert understand(answerer, question).language == language


def test_replies_come_in_the_questions_language_for_most_questions(answerer: Answerer) -> None:
    from pathlib import Path

    from bot.catalog.question_set import load_question_set

    cases = load_question_set(Path(__file__).resolve().parent / "questions.yaml")
    right = sum(answerer.answer(c.question).language == c.language for c in cases)
    assert right / len(cases) >= 0.94  # 95.0% measured (benchmarks/tune_thresholds.py)
