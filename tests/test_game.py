"""The quiz game's core: fair questions, a durable round, a scoreboard that ranks the fastest."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from bot.answering import Answerer
from bot.catalog.model import LANGUAGES, Catalog, Event, Status
from bot.game.questions import (
    MAX_ROUND,
    QUIZ_COUNTRIES,
    GameQuestion,
    linked_places,
    make_round,
)
from bot.game.scoreboard import render_scoreboard
from bot.game.store import (
    STALE_ROUND_SECONDS,
    AnswerOutcome,
    GameStore,
    MovedOn,
    RoundStatus,
)
from bot.quiz import EXPLANATION_LIMIT, OPTION_LIMIT, QUESTION_LIMIT, title
from bot.rendering.texts import texts

SEEDS = range(40)


def _rounds(
    catalog: Catalog, language: str, size: int = MAX_ROUND
) -> list[tuple[GameQuestion, ...]]:
    return [make_round(catalog, language, size, random.Random(seed)) for seed in SEEDS]


def _event(catalog: Catalog, question: GameQuestion) -> Event:
    event = catalog.event(question.event_id)
    assert event is not None
    return event


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_round_has_the_asked_size_and_never_repeats_an_event(
    answerer: Answerer, language: str
) -> None:
    for size in (1, 3, 5, MAX_ROUND):
        for questions in _rounds(answerer.catalog, language, size):
            assert len(questions) == size
            ids = [q.event_id for q in questions]
            assert len(set(ids)) == len(ids)
            assert len({q.question for q in questions}) == len(questions)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_question_fits_a_quiz_poll_with_one_right_answer(
    answerer: Answerer, language: str
) -> None:
    for questions in _rounds(answerer.catalog, language):
        for q in questions:
            assert 0 < len(q.question) <= QUESTION_LIMIT
            assert 0 < len(q.explanation) <= EXPLANATION_LIMIT
            assert len(q.options) == 4 and len(set(q.options)) == 4
            assert all(0 < len(option) <= OPTION_LIMIT for option in q.options)
            assert 0 <= q.correct < len(q.options)


@pytest.mark.parametrize("language", LANGUAGES)
def test_answers_are_true_to_the_catalog_and_wrong_options_truly_wrong(
    answerer: Answerer, language: str
) -> None:
    catalog = answerer.catalog
    names = {p.id: p.name(language) for p in catalog.places}
    kinds: set[str] = set()
    for questions in _rounds(catalog, language):
        for q in questions:
            kinds.add(q.kind)
            event = _event(catalog, q)
            right = q.options[q.correct]
            wrong = [o for i, o in enumerate(q.options) if i != q.correct]
            if q.kind in ("year", "year_planned"):
                assert right == str(event.start.year)
                assert all(int(year) not in event.years() for year in wrong)
            elif q.kind == "city":
                assert right in {names[c] for c in event.cities}
                linked = {names[p] for p in linked_places(catalog, event)}
                belgian_or_kyrgyz = {
                    names[p.id]
                    for p in catalog.places
                    if p.kind == "city" and p.country in QUIZ_COUNTRIES
                }
                assert all(o in belgian_or_kyrgyz and o not in linked for o in wrong)
            else:
                assert q.kind == "which"
                year = int(next(w for w in q.question.split() if w[:4].isdigit())[:4])
                assert right == title(event, language)
                assert year in event.years()
                by_title = {title(e, language): e for e in catalog.events}
                assert all(year not in by_title[o].years() for o in wrong)
    assert kinds == {"year", "year_planned", "city", "which"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_planned_event_is_never_asked_as_having_taken_place(
    answerer: Answerer, language: str
) -> None:
    catalog = answerer.catalog
    words = texts(catalog, language)
    planned = [e for e in catalog.events if e.status is Status.PLANNED]
    assert planned, "the seed has a planned conference"
    asked = 0
    for questions in _rounds(catalog, language):
        for q in questions:
            event = _event(catalog, q)
            if event.status is Status.PLANNED:
                asked += 1
                assert q.kind == "year_planned"
                assert q.question == words.get("game_q_year_planned", title=title(event, language))
            else:
                assert q.kind != "year_planned"
    assert asked > 0


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_explanation_names_the_event_and_its_year(answerer: Answerer, language: str) -> None:
    for questions in _rounds(answerer.catalog, language):
        for q in questions:
            event = _event(answerer.catalog, q)
            assert str(event.start.year) in q.explanation
            assert title(event, language)[:30] in q.explanation


def _store(tmp_path: Path) -> GameStore:
    return GameStore(tmp_path / "game.sqlite3")


def _questions(answerer: Answerer, count: int = 3) -> tuple[GameQuestion, ...]:
    return make_round(answerer.catalog, "en", count, random.Random(7))


def _play(store: GameStore, round_id: int, poll: str, at: float) -> int:
    advanced = store.advance(round_id)
    assert advanced is not None
    position, _question = advanced
    store.poll_sent(round_id, position, poll, message_id=100 + position, now=at)
    return position


def test_a_whole_round_ranks_points_first_then_the_fastest(
    answerer: Answerer, tmp_path: Path
) -> None:
    store = _store(tmp_path)
    questions = _questions(answerer)
    game = store.start(-100, None, host_id=1, language="en", questions=questions, now=0.0)
    assert game is not None
    for position in range(3):
        _play(store, game.id, f"poll-{position}", at=100.0 * position)
        right = questions[position].correct
        wrong = (right + 1) % 4
        # Ann is right every time, slowly; Bob is right twice, quickly; Cy is right twice, slower
        t = 100.0 * position
        assert store.answer(f"poll-{position}", 11, "Ann", [right], t + 9).correct
        bob = right if position < 2 else wrong
        store.answer(f"poll-{position}", 22, "Bob", [bob], t + 2)
        cy = right if position > 0 else wrong
        store.answer(f"poll-{position}", 33, "Cy", [cy], t + 5)
    assert store.advance(game.id) is None
    board = store.finish(game.id)
    assert board is not None
    assert store.finish(game.id) is None  # announced once
    assert [(s.name, s.points, s.place) for s in board.standings] == [
        ("Ann", 3, 1),
        ("Bob", 2, 2),
        ("Cy", 2, 3),
    ]
    assert board.asked == 3
    text = render_scoreboard(board, texts(answerer.catalog, "en"))
    assert text.index("Ann") < text.index("Bob") < text.index("Cy")
    assert "Congratulations, Ann" in text


def test_equal_points_and_equal_time_share_a_place(answerer: Answerer, tmp_path: Path) -> None:
    store = _store(tmp_path)
    questions = _questions(answerer, 1)
    game = store.start(-1, None, 1, "en", questions, now=0.0)
    assert game is not None
    _play(store, game.id, "p", at=0.0)
    store.answer("p", 1, "Ann", [questions[0].correct], 3.0)
    store.answer("p", 2, "Bob", [questions[0].correct], 3.0)
    board = store.finish(game.id)
    assert board is not None
    assert [s.place for s in board.standings] == [1, 1]
    assert "Ann, Bob" in render_scoreboard(board, texts(answerer.catalog, "en"))


def test_only_the_first_answer_counts_and_strays_are_ignored(
    answerer: Answerer, tmp_path: Path
) -> None:
    store = _store(tmp_path)
    questions = _questions(answerer, 2)
    game = store.start(-1, None, 1, "en", questions, now=0.0)
    assert game is not None
    _play(store, game.id, "p0", at=0.0)
    wrong = (questions[0].correct + 1) % 4
    assert store.answer("p0", 5, "Eve", [wrong], 1.0).outcome is AnswerOutcome.COUNTED
    again = store.answer("p0", 5, "Eve", [questions[0].correct], 2.0)
    assert again.outcome is AnswerOutcome.REPEATED
    assert store.answer("someone-elses-poll", 5, "Eve", [0], 2.0).outcome is AnswerOutcome.UNKNOWN
    store.finish(game.id, RoundStatus.STOPPED)
    late = store.answer("p0", 6, "Fay", [questions[0].correct], 3.0)
    assert late.outcome is AnswerOutcome.CLOSED
    board = store.scoreboard(game.id)
    assert [(s.name, s.points) for s in board.standings] == [("Eve", 0)]


def test_a_round_survives_a_restart(answerer: Answerer, tmp_path: Path) -> None:
    store = _store(tmp_path)
    questions = _questions(answerer, 3)
    game = store.start(-7, 42, 1, "ru", questions, now=0.0)
    assert game is not None
    _play(store, game.id, "p0", at=0.0)
    store.answer("p0", 1, "Ann", [questions[0].correct], 1.0)
    store.close()

    again = _store(tmp_path)
    resumed = again.active(-7, 42)
    assert resumed is not None
    assert resumed.questions == questions and resumed.language == "ru"
    assert resumed.position == 0 and resumed.has_next
    assert [r.id for r in again.active_rounds()] == [game.id]
    _play(again, game.id, "p1", at=10.0)
    again.answer("p1", 1, "Ann", [questions[1].correct], 12.0)
    assert again.scoreboard(game.id).standings[0].points == 2


def test_a_second_tap_on_the_same_next_button_skips_nothing(
    answerer: Answerer, tmp_path: Path
) -> None:
    store = _store(tmp_path)
    game = store.start(-1, None, 1, "en", _questions(answerer, 3), now=0.0)
    assert game is not None
    assert store.advance(game.id, from_position=-1) is not None
    with pytest.raises(MovedOn):
        store.advance(game.id, from_position=-1)
    advanced = store.advance(game.id, from_position=0)
    assert advanced is not None and advanced[0] == 1


def test_a_round_left_alone_for_hours_no_longer_blocks_the_chat(
    answerer: Answerer, tmp_path: Path
) -> None:
    store = _store(tmp_path)
    questions = _questions(answerer, 2)
    left = store.start(-1, None, 1, "en", questions, now=0.0)
    assert left is not None
    _play(store, left.id, "p0", at=100.0)
    assert store.start(-1, None, 2, "en", questions, now=100.0 + STALE_ROUND_SECONDS) is None
    fresh = store.start(-1, None, 2, "en", questions, now=101.0 + STALE_ROUND_SECONDS)
    assert fresh is not None and store.active(-1, None) == fresh
    assert store.get(left.id) is not None
    assert store.answer("p0", 9, "Late", [0], 102.0 + STALE_ROUND_SECONDS).outcome is (
        AnswerOutcome.CLOSED
    )


def test_one_active_round_per_chat_and_topic(answerer: Answerer, tmp_path: Path) -> None:
    store = _store(tmp_path)
    questions = _questions(answerer, 1)
    first = store.start(-1, None, 1, "en", questions, now=0.0)
    assert first is not None
    assert store.start(-1, None, 2, "en", questions, now=1.0) is None
    other_topic = store.start(-1, 5, 2, "en", questions, now=1.0)
    assert other_topic is not None and store.active(-1, 5) == other_topic
    store.finish(first.id)
    assert store.active(-1, None) is None
    assert store.start(-1, None, 2, "en", questions, now=2.0) is not None


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_scoreboard_reads_in_every_language(answerer: Answerer, language: str) -> None:
    from bot.game.scoreboard import rank

    words = texts(answerer.catalog, language)
    board = rank([(1, "Ann", 2, 4.0, 3), (2, "Bob", 3, 9.0, 3)], asked=3)
    text = render_scoreboard(board, words)
    assert text.index("Bob") < text.index("Ann")
    assert "game_" not in text and "{" not in text
    empty = render_scoreboard(rank([], asked=0), words, stopped=True)
    assert words.get("game_scoreboard_empty") in empty


def test_old_rounds_and_their_players_are_forgotten(answerer: Answerer, tmp_path: Path) -> None:
    store = _store(tmp_path)
    questions = _questions(answerer, 1)
    old = store.start(-1, None, 1, "en", questions, now=0.0)
    assert old is not None
    _play(store, old.id, "p-old", at=1.0)
    store.answer("p-old", 5, "Eve", [0], 2.0)
    store.finish(old.id)
    recent = store.start(-2, None, 1, "en", questions, now=1000.0)
    assert recent is not None
    assert store.forget_before(500.0) == 1
    assert store.get(old.id) is None and store.get(recent.id) is not None
    assert store.answer("p-old", 6, "Fay", [0], 1001.0).outcome is AnswerOutcome.UNKNOWN
    assert store.scoreboard(old.id).standings == ()


def test_forget_takes_a_player_off_every_scoreboard(answerer: Answerer, tmp_path: Path) -> None:
    store = _store(tmp_path)
    played = store.start(-1, None, 5, "en", _questions(answerer, 1), now=0.0)
    assert played is not None
    _play(store, played.id, "p-1", at=1.0)
    store.answer("p-1", 5, "Eve", [0], 2.0)  # Eve hosts and plays
    store.answer("p-1", 6, "Fay", [0], 3.0)
    assert store.forget_player(5) == 1
    assert [s.name for s in store.scoreboard(played.id).standings] == ["Fay"]
    assert store.get(played.id).host_id == 0  # type: ignore[union-attr]
    assert store.forget_player(5) == 0
