"""Typed questions reach the missed-question log in batches, and none is lost on the way: the
admins' figures count every question asked before them. No sleeping: the writes are flushed."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.answering import Answerer
from bot.missed import MissedLog
from bot.telegram.question_log import QuestionLog

NOON = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


async def test_questions_waiting_to_be_written_are_counted_once_flushed(
    answerer: Answerer, tmp_path: Path
) -> None:
    missed = MissedLog(tmp_path / "missed.sqlite3")
    questions = QuestionLog(missed, delay=3600, now=lambda: NOON)  # never by the timer here
    asked = ["concerts in Brussels", "who won the football world cup?", "films"]
    for question in asked:
        questions.add(answerer.answer(question))
    assert questions.waiting == len(asked)
    await questions.flush()
    stats = missed.stats(now=NOON)
    assert questions.waiting == 0
    assert stats.questions == len(asked)
    assert [g.example for g in missed.top_missed(now=NOON)] == ["who won the football world cup?"]


async def test_a_flood_is_written_without_waiting_for_the_timer(
    answerer: Answerer, tmp_path: Path
) -> None:
    missed = MissedLog(tmp_path / "missed.sqlite3")
    questions = QuestionLog(missed, delay=3600, max_waiting=10, now=lambda: NOON)
    answer = answerer.answer("films")
    for _ in range(25):
        questions.add(answer)
    assert questions.waiting == 5  # two batches of ten already on their way
    await questions.flush()
    assert missed.stats(now=NOON).questions == 25
