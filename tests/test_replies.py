"""Replies as users read them: the right language, valid Telegram HTML, pages within limits."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.answering import Answerer
from bot.catalog.question_set import load_question_set
from bot.decision import Intent
from bot.rendering import render_html, render_text, texts
from bot.rendering.describe import answer_filter, suggestion_label
from tests.botapi.telegram_html import parse_html

QUESTIONS = Path(__file__).resolve().parent / "questions.yaml"
CYRILLIC = re.compile(r"[а-яё]", re.I)


def test_every_reply_to_the_question_set_is_html_telegram_accepts(answerer: Answerer) -> None:
    for case in load_question_set(QUESTIONS):
        answer = answerer.answer(case.question)
        page = render_html(
            answer, answerer.catalog, share_url=lambda i: f"https://t.me/b?start={i}"
        )
        assert len(page.text) <= 4096, case.question
        parse_html(page.text)  # raises like Telegram's "can't parse entities"


def test_a_list_says_how_many_and_shows_each_event(answerer: Answerer) -> None:
    answer = answerer.answer("concerts in Brussels")
    text = render_text(answer, answerer.catalog)
    assert answer.intent is Intent.LIST
    assert text.startswith(f"{len(answer.event_ids)} events")
    assert "Ak Maral" in text and "Brussels" in text


def test_reply_comes_in_the_questions_language(answerer: Answerer) -> None:
    russian = render_text(answerer.answer("концерты в Брюсселе"), answerer.catalog)
    dutch = answerer.answer("welke concerten waren er in Brussel", "ru")
    assert CYRILLIC.search(russian) and "Брюссель" in russian
    assert dutch.language == "nl"


def test_when_the_language_cannot_be_told_the_users_language_is_used(answerer: Answerer) -> None:
    assert answerer.answer("Aitmatov", "ky").language == "ky"
    assert answerer.answer("Aitmatov", "de").language == "en"
    assert answerer.answer("Aitmatov").language == "en"


def test_a_card_keeps_the_seeds_precision(answerer: Answerer) -> None:
    card = answerer.card("2015-10-acafk-concert", "en")
    assert card is not None
    text = render_text(card, answerer.catalog)
    assert "October 2015" in text
    assert re.search(r"\d+ October 2015", text) is None  # no invented day
    assert "not stated in the source" in text  # no invented city
    assert "ACAFK" in text


def test_a_card_quotes_the_seed_and_carries_its_share_link(answerer: Answerer) -> None:
    card = answerer.card("2017-04-mooov-centaur", "fr")
    assert card is not None
    page = render_html(card, answerer.catalog, share_url=lambda i: f"https://t.me/b?start={i}")
    assert "<blockquote expandable>" in page.text and "Thurnhout" in page.text
    assert page.text.endswith("Partager\u202f: https://t.me/b?start=2017-04-mooov-centaur")


def test_long_lists_are_paged_but_the_answer_keeps_every_event(answerer: Answerer) -> None:
    answer = answerer.answer("all events")
    first = render_html(answer, answerer.catalog, page_size=8)
    last = render_html(answer, answerer.catalog, page=99, page_size=8)
    assert len(answer.event_ids) == 19
    assert first.page_count == 3 and len(first.event_ids) == 8
    assert last.page == 2 and last.event_ids == answer.event_ids[16:]


def test_nothing_found_says_so_and_names_what_exists(answerer: Answerer) -> None:
    answer = answerer.answer("concerts in Paris")
    text = render_text(answer, answerer.catalog)
    assert answer.event_ids == () and answer.no_match
    assert "Paris" in text and "2012" in text and "2018" in text and "Ghent" in text


def test_a_year_without_events_lists_nothing_unrelated(answerer: Answerer) -> None:
    answer = answerer.answer("events in 2013")
    assert answer.event_ids == ()
    assert "2013" in render_text(answer, answerer.catalog)


def test_how_many_medals_is_answered_from_the_numbers(answerer: Answerer) -> None:
    answer = answerer.answer("how many medals did the gymnasts win")
    text = render_text(answer, answerer.catalog)
    assert answer.intent is Intent.COUNT
    assert "Gold medals: 1" in text and "Bronze medals: 3" in text


def test_follow_up_suggestions_replay_to_a_different_list(answerer: Answerer) -> None:
    answer = answerer.answer("tell me about Centaur")
    assert answer.suggestions
    for suggestion in answer.suggestions:
        replayed = answerer.replay(suggestion.token, "en")
        assert replayed is not None and replayed.event_ids
        assert set(replayed.event_ids) != set(answer.event_ids)


@pytest.mark.parametrize("hostile", ["<b>concerts</b> in <i>Brussels", "& < > \" '", "<script>"])
def test_user_text_never_breaks_the_html(answerer: Answerer, hostile: str) -> None:
    page = render_html(answerer.answer(hostile), answerer.catalog)
    parse_html(page.text)


@pytest.mark.parametrize(
    "question", ["medals in 2015", "how many medals in 2015", "сколько медалей в 2017"]
)
def test_a_number_asked_where_the_source_gives_none_lists_nothing_unrelated(
    answerer: Answerer, question: str
) -> None:
    answer = answerer.answer(question)
    assert answer.event_ids == () and answer.no_match


def test_a_number_the_source_does_not_give_is_said_plainly(answerer: Answerer) -> None:
    answer = answerer.answer("how many guests at the Ak Maral concert")
    text = render_text(answer, answerer.catalog)
    assert answer.event_ids == ("2015-06-ak-maral-bozar",)
    assert text.startswith("The source gives no number for this (guests).")


def test_a_typed_number_picks_the_fact_with_that_value(answerer: Answerer) -> None:
    assert answerer.answer("выставка к 90-летию").event_ids == (
        "2015-12-archive-photo-exhibition",
    )
    assert answerer.answer("who won first place").event_ids == ("2015-06-colors-of-the-world",)


@pytest.mark.parametrize("question", ["what is planned", "запланированные мероприятия", "gepland"])
def test_planned_events_are_the_ones_the_source_gives_as_planned(
    answerer: Answerer, question: str
) -> None:
    assert answerer.answer(question).event_ids == ("2017-09-foreign-ministry-conference",)


@pytest.mark.parametrize("question", ["summer 2015", "летом 2015", "en été 2015", "zomer 2015"])
def test_a_season_is_its_months(answerer: Answerer, question: str) -> None:
    assert answerer.answer(question).event_ids == (
        "2015-06-ak-maral-bozar",
        "2015-06-colors-of-the-world",
    )


def test_a_season_without_events_says_so(answerer: Answerer) -> None:
    assert answerer.answer("spring 2018").event_ids == ()


@pytest.mark.parametrize(
    ("question", "language"),
    [("exibitions in gent", "en"), ("film festival in Brugge", "en"), ("Liege delegation", "en")],
)
def test_a_city_name_does_not_decide_the_language(
    answerer: Answerer, question: str, language: str
) -> None:
    assert answerer.answer(question, "en").language == language


def test_a_phrase_forgives_a_slip_but_not_a_different_word(answerer: Answerer) -> None:
    assert answerer.answer("man adn horse").event_ids == ("2016-01-man-and-horse-film",)
    took_part = answerer.answer("what competitions did kyrgyz people take part in")
    assert len(took_part.event_ids) == 3  # "people take" is not "people came" (guests)


@pytest.mark.parametrize("question", ["which cities", "в каких городах", "welke steden"])
def test_which_cities_names_the_places_not_the_events(answerer: Answerer, question: str) -> None:
    answer = answerer.answer(question)
    text = render_text(answer, answerer.catalog)
    assert answer.intent is Intent.PLACES and answer.event_ids == ()
    assert "(6)" in text  # Brussels, with its number of events that took place
    assert "(1)" in text.splitlines()[1]  # the planned conference's Brussels, on its own line
    assert "8" in text  # the events whose city the seed does not name


@pytest.mark.parametrize("user", ["ky", "ru"])
def test_a_word_kyrgyz_and_russian_share_is_answered_in_the_users_language(
    answerer: Answerer, user: str
) -> None:
    assert answerer.answer("Нооруз", user).language == user
    assert answerer.answer("концерт", user).language == user


def test_cyrillic_is_never_answered_in_a_latin_language(answerer: Answerer) -> None:
    assert answerer.answer("Нооруз", "fr").language == "ru"


def test_french_past_participle_ete_is_not_summer(answerer: Answerer) -> None:
    answer = answerer.answer("Quels films kirghizes ont été projetés à Bruxelles ?")
    words = texts(answerer.catalog, answer.language)
    assert answer_filter(answerer.catalog, answer, words) == ("films", "Bruxelles")


def test_nothing_found_offers_each_part_alone(answerer: Answerer) -> None:
    answer = answerer.answer("concerten in Gent")
    assert answer.no_match
    words = texts(answerer.catalog, "nl")
    labels = [suggestion_label(answerer.catalog, s, words) for s in answer.suggestions]
    assert labels == ["Meer in Gent", "Meer concerten"]
    for suggestion in answer.suggestions:
        replayed = answerer.replay(suggestion.token, "nl")
        assert replayed is not None and replayed.event_ids


def test_a_long_list_offers_no_arbitrary_follow_ups(answerer: Answerer) -> None:
    assert answerer.answer("all events").suggestions == ()


def test_a_range_within_one_year_names_the_year_once(answerer: Answerer) -> None:
    gymnastics = answerer.card("2014-05-gymnastics-european-competition", "en")
    film = answerer.card("2016-01-man-and-horse-film", "ky")
    assert gymnastics is not None and film is not None
    assert "26 May – 2 June 2014" in render_text(gymnastics, answerer.catalog)
    assert "2016-жылдын январь–февраль айлары" in render_text(film, answerer.catalog)


def test_planned_is_said_once(answerer: Answerer) -> None:
    text = render_text(answerer.answer("what is planned"), answerer.catalog)
    # one event found: its card, whose date says "planned" once (and the summary says it too)
    assert text.count("(planned)") == 1
    assert not any(line.count("planned") > 1 for line in text.splitlines())
