"""Issue 8's kinds of question: what people mean beyond the words in the lists.

Each test states what a user would notice, in the five languages where the kind is about words.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answering import Answerer
from bot.catalog.question_set import load_question_set
from bot.evaluation import evaluate
from bot.rendering import render_text

ALL = 19
CONCERTS = 6
SPORT = {"2014-05-gymnastics-european-competition", "2014-05-fire-gym-meeting",
         "2017-03-kok-boru-article"}  # fmt: skip


def ids(answerer: Answerer, question: str) -> set[str]:
    return set(answerer.answer(question).event_ids)


# --- 1. words the lists do not hold, found in the events' own texts ---------------------------


@pytest.mark.parametrize(
    ("question", "event"),
    [
        ("a pianist", "2015-12-aitmatov-concert"),
        ("про писателей", "2015-12-aitmatov-concert"),
        ("anything with horses", "2016-01-man-and-horse-film"),
        ("chevaux", "2016-01-man-and-horse-film"),
        ("paarden", "2016-01-man-and-horse-film"),
        ("investment", "2017-03-nooruz-ghent"),
        ("инвестиции", "2017-03-nooruz-ghent"),
    ],
)
def test_a_word_only_the_events_texts_hold_finds_that_event(
    answerer: Answerer, question: str, event: str
) -> None:
    assert answerer.answer(question).event_ids == (event,)


@pytest.mark.parametrize(
    "question", ["who won the world cup", "I love cats", "programming in python"]
)
def test_words_no_event_holds_stay_out_of_scope(answerer: Answerer, question: str) -> None:
    answer = answerer.answer(question)
    assert (answer.intent.value, answer.event_ids) == ("out_of_scope", ())


# --- 2. categories as people mean them ----------------------------------------------------------


def test_dance_is_not_every_concert_and_music_holds_the_violin_competition(
    answerer: Answerer,
) -> None:
    dance = ids(answerer, "dance events")
    concerts = ids(answerer, "concerts")
    assert dance < concerts
    assert ids(answerer, "music") == concerts | {"2017-03-violin-competition"}


def test_gymnastics_is_not_the_kok_boru_article(answerer: Answerer) -> None:
    for question in ("gymnastics", "гимнастика", "gymnastique", "gymnastiek"):
        found = ids(answerer, question)
        assert "2017-03-kok-boru-article" not in found, question
        assert found < SPORT, question


def test_tv_and_press_are_kinds_of_media(answerer: Answerer) -> None:
    media = ids(answerer, "media")
    assert ids(answerer, "tv") | ids(answerer, "newspaper articles") == media
    assert ids(answerer, "tv") == {"2017-03-nooruz-ghent"}


# --- 3. regions and countries -------------------------------------------------------------------


@pytest.mark.parametrize(
    "question", ["events in Flanders", "evenementen in Vlaanderen", "события во Фландрии"]
)
def test_a_region_stands_for_its_cities(answerer: Answerer, question: str) -> None:
    found = ids(answerer, question)
    assert found and found <= ids(answerer, "Ghent") | ids(answerer, "Bruges") | ids(
        answerer, "Turnhout"
    ) | ids(answerer, "Hasselt") | ids(answerer, "Genk")


def test_kyrgyzstan_itself_is_where_the_liege_delegation_was(answerer: Answerer) -> None:
    assert ids(answerer, "events in Kyrgyzstan itself") == {"2012-10-liege-delegation"}
    belgium = ids(answerer, "events in Belgium")
    # not the delegation (Bishkek), nor the European competition (no country in the seed)
    assert belgium == {e.id for e in answerer.catalog.events} - {
        "2012-10-liege-delegation",
        "2014-05-gymnastics-european-competition",
    }
    assert ids(answerer, "а что происходило в самом Кыргызстане") == {"2012-10-liege-delegation"}
    assert len(ids(answerer, "kyrgyz events")) == ALL  # a demonym filters nothing


@pytest.mark.parametrize(
    "question", ["concerts in Kazakhstan", "события в Германии", "expositions en France"]
)
def test_another_country_gets_an_honest_answer(answerer: Answerer, question: str) -> None:
    answer = answerer.answer(question)
    assert answer.intent.value == "out_of_scope" and answer.foreign_place
    assert not answer.event_ids


# --- 5. exclusion ------------------------------------------------------------------------------


def test_a_kind_included_in_the_broader_one_is_no_second_filter(answerer: Answerer) -> None:
    music = ids(answerer, "music")
    for question in ("music, competitions included", "вся музыка вкл. конкурсы",
                     "музыкалык иш-чаралардын баары, скрипка сынагын кошо"):  # fmt: skip
        assert ids(answerer, question) == music, question


def test_an_event_can_be_left_out(answerer: Answerer) -> None:
    for question in ("films other than Centaur", "фильмы кроме Кентавра"):
        assert ids(answerer, question) == {"2016-01-man-and-horse-film"}, question


@pytest.mark.parametrize(
    "question",
    ["all events but sport", "всё кроме спорта", "спорттон башка", "tout sauf le sport",
     "alles behalve sport"],
)  # fmt: skip
def test_excluding_a_kind_lists_everything_else(answerer: Answerer, question: str) -> None:
    assert ids(answerer, question) == {e.id for e in answerer.catalog.events} - SPORT, question


@pytest.mark.parametrize(
    "question",
    ["all events except concerts and exhibitions", "всё кроме концертов и выставок",
     "кроме концертов, выставок", "концерт жана көргөзмөдөн башка иш-чаралар",
     "tout sauf les concerts et les expositions", "alles behalve concerten en tentoonstellingen"],
)  # fmt: skip
def test_two_kinds_joined_by_and_are_both_left_out(answerer: Answerer, question: str) -> None:
    """ "Except concerts and exhibitions" is neither "exhibitions except concerts" nor a list of
    exhibitions: both kinds are left out, whichever side of them the cue stands."""
    left_out = ids(answerer, "concerts") | ids(answerer, "exhibitions")
    assert ids(answerer, question) == {e.id for e in answerer.catalog.events} - left_out


def test_and_between_a_kind_and_a_city_joins_no_exclusion(answerer: Answerer) -> None:
    """Only two things of one kind are joined: "but the concerts and Brussels" is not read as
    leaving out Brussels... but "concerts except in Brussels and Ghent" leaves out both cities."""
    found = ids(answerer, "concerts except in Brussels and Ghent")
    assert found == ids(answerer, "concerts") - ids(answerer, "Brussels") - ids(answerer, "Ghent")
    assert found


def test_excluding_a_city_keeps_the_other_filters(answerer: Answerer) -> None:
    in_brussels = ids(answerer, "concerts in Brussels")
    for question in ("concerts not in Brussels", "концерты не в Брюсселе",
                     "concerten niet in Brussel"):  # fmt: skip
        found = ids(answerer, question)
        assert len(found) == CONCERTS - len(in_brussels), question
        assert not found & in_brussels, question


def test_a_negation_far_from_the_kind_excludes_nothing(answerer: Answerer) -> None:
    assert len(ids(answerer, "не было ли концертов в Генте")) == 0  # none in Ghent, not "all"
    assert len(ids(answerer, "не было ли концертов")) == CONCERTS


# --- 6. time spans -----------------------------------------------------------------------------


def test_halves_quarters_and_a_winter_across_the_year_end(answerer: Answerer) -> None:
    assert ids(answerer, "first half of 2016") == {
        "2016-01-man-and-horse-film",
        "2016-06-colors-of-the-world",
    }
    assert ids(answerer, "Q4 2015") == ids(answerer, "October 2015") | ids(
        answerer, "December 2015"
    )
    assert ids(answerer, "winter 2016/17") == set()
    assert ids(answerer, "winter 2017/18") == {"2018-01-folk-music-concert"}
    assert ids(answerer, "after March 2017") == ids(answerer, "April 2017") | ids(
        answerer, "since September 2017"
    )


def test_ordinals_are_never_found_inside_other_words(answerer: Answerer) -> None:
    assert answerer.answer("оперная певица").intent.value != "first"
    assert answerer.understander.understand("a few concerts").months == ()


def test_the_last_year_in_the_record_is_the_records_own(answerer: Answerer) -> None:
    last = max(e.start.year for e in answerer.catalog.events)
    assert {answerer.catalog.event(i).start.year for i in ids(  # type: ignore[union-attr]
        answerer, "the last year in the record")} == {last}  # fmt: skip


# --- 8. facts that are not an event's date -----------------------------------------------------


def test_the_benelux_release_is_not_the_festivals_dates(answerer: Answerer) -> None:
    for question in ("when is the Benelux release of Centaur", "quand sort Centaure au Benelux"):
        text = render_text(answerer.answer(question), answerer.catalog)
        assert "2018" in text.splitlines()[0], question


def test_a_question_the_parse_explains_whole_gets_no_quote_before_the_card(
    answerer: Answerer,
) -> None:
    """ "concerts in Brussels 2015" finds one event: its card, not first a sentence of its
    summary that the card repeats; a quote answers only what the parse could not."""
    questions = load_question_set(Path(__file__).parent / "questions.yaml")
    quoted = [
        case.question
        for case in questions
        if not answerer.understand(case.question).loose_words
        and answerer.answer(case.question, case.language).quote
    ]
    assert quoted == []


def test_which_came_first_puts_two_events_in_order(answerer: Answerer) -> None:
    answer = answerer.answer("which came first, Centaur or Nooruz")
    assert answer.intent.value == "compare"
    assert answer.event_ids == ("2017-03-nooruz-ghent", "2017-04-mooov-centaur")


def test_who_sang_names_the_performers_not_the_honoree(answerer: Answerer) -> None:
    text = render_text(answerer.answer("who sang at the Aitmatov concert"), answerer.catalog)
    first = text.splitlines()[0]
    assert "Raimbekova" in first and "Aitmatov" not in first.split(":", 1)[1]


# --- 9. reply language -------------------------------------------------------------------------


@pytest.mark.parametrize("user", ["nl", "fr", "en"])
@pytest.mark.parametrize("question", ["expo Gent", "films", "Nooruz"])
def test_a_short_shared_word_is_answered_in_the_users_language(
    answerer: Answerer, question: str, user: str
) -> None:
    assert answerer.answer(question, user).language == user


def test_a_marker_word_still_decides_a_short_question(answerer: Answerer) -> None:
    assert answerer.answer("concerts à Bruxelles", "en").language == "fr"
    assert answerer.answer("België concerten", "fr").language == "nl"  # ë is Dutch too


# --- evaluation: facts stated ------------------------------------------------------------------


def test_evaluate_reports_whether_the_reply_states_the_fact(
    answerer: Answerer, tmp_path: Path
) -> None:
    questions = tmp_path / "q.yaml"
    questions.write_text(
        "questions:\n"
        "- q: how many medals did the gymnasts win\n"
        "  lang: en\n  intent: count\n  kind: facts\n"
        "  ids: [2014-05-gymnastics-european-competition]\n"
        "  says: ['[Gg]old.*1', 'bronze.*3']\n"
        "- q: how many medals did the gymnasts win\n"
        "  lang: en\n  intent: count\n  kind: facts\n"
        "  ids: [2014-05-gymnastics-european-competition]\n"
        "  says: ['silver']\n",
        encoding="utf-8",
    )
    report = evaluate(answerer, load_question_set(questions))
    assert (report.overall.says_total, report.overall.says_ok) == (2, 1)
    assert report.by_kind["facts"].facts_rate == 0.5
