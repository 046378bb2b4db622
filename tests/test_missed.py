"""The missed-question log: what it keeps, what it never keeps, and what admins read from it."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.answering import Answerer
from bot.decision import Answer, Intent
from bot.missed import MAX_TEXT_CHARS, DayCount, MissedLog, Stats, is_miss
from bot.missed_groups import group_missed
from bot.rendering import Texts, texts
from bot.telegram.admin_texts import format_missed, format_stats

NOW = datetime(2025, 6, 15, 12, 0, tzinfo=UTC)


@pytest.fixture
def english(answerer: Answerer) -> Texts:
    return texts(answerer.catalog, "en")


@pytest.fixture
def log(tmp_path: Path) -> MissedLog:
    return MissedLog(tmp_path / "state" / "missed.sqlite3")


def _columns(path: Path) -> list[str]:
    with sqlite3.connect(path) as db:
        return [row[1] for row in db.execute("PRAGMA table_info(questions)")]


def _rows(path: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT * FROM questions ORDER BY asked_at").fetchall()


@pytest.mark.parametrize(
    ("intent", "matched", "confidence", "missed"),
    [
        ("list", 0, 1.0, True),  # understood, nothing matched
        ("out_of_scope", 0, 1.0, True),  # the curators' to-do list
        ("clarify", 0, 0.8, True),  # the bot had to ask back
        ("list", 3, 0.3, True),  # events, but on a weak reading
        ("list", 3, 0.9, False),
        ("detail", 1, 1.0, False),
        ("greeting", 0, 0.0, False),
        ("thanks", 0, 0.0, False),
        ("help", 0, 0.0, False),
    ],
)
def test_what_counts_as_a_miss(intent: str, matched: int, confidence: float, missed: bool) -> None:
    assert is_miss(intent, matched, confidence) is missed


def test_the_log_holds_time_language_intent_and_text_and_no_identity(
    log: MissedLog,
) -> None:
    log.record("Kyrgyz films in Antwerp?", "en", "list", 0, 1.0, when=NOW)
    columns = _columns(log.path)
    assert columns == [
        "asked_at",
        "language",
        "intent",
        "matched",
        "confidence",
        "answered",
        "text",
    ]
    assert not any("user" in c or "chat" in c or "name" in c for c in columns)
    assert _rows(log.path) == [
        ("2025-06-15T12:00:00", "en", "list", 0, 1.0, 0, "Kyrgyz films in Antwerp?")
    ]


def test_answered_questions_are_counted_without_their_text(log: MissedLog) -> None:
    assert log.record("concerts in Brussels", "en", "list", 2, 1.0, when=NOW) is False
    assert log.record("привет", "ru", "greeting", 0, 0.0, when=NOW) is False
    assert [row[-1] for row in _rows(log.path)] == [None, None]


def test_long_texts_are_cut_and_put_on_one_line(log: MissedLog) -> None:
    log.record("a\n\nb  " + "x" * 2000, "en", "out_of_scope", 0, 1.0, when=NOW)
    text = str(_rows(log.path)[0][-1])
    assert len(text) == MAX_TEXT_CHARS
    assert text.startswith("a b xxx")


def test_record_answer_takes_the_values_from_the_answer(log: MissedLog) -> None:
    answer = Answer("Где Париж?", "ru", Intent.LIST, no_match=True, confidence=0.7)
    assert log.record_answer(answer, when=NOW) is True
    assert _rows(log.path) == [("2025-06-15T12:00:00", "ru", "list", 0, 0.7, 0, "Где Париж?")]


def test_a_naive_or_foreign_time_is_stored_in_utc(log: MissedLog) -> None:
    bishkek = timezone(timedelta(hours=6))
    log.record("q1", "en", "list", 0, 1.0, when=datetime(2025, 6, 15, 18, 0, tzinfo=bishkek))
    log.record("q2", "en", "list", 0, 1.0, when=datetime(2025, 6, 15, 12, 0, 1))
    assert [row[0] for row in _rows(log.path)] == ["2025-06-15T12:00:00", "2025-06-15T12:00:01"]


def test_retention_deletes_old_rows_on_open_and_on_purge(tmp_path: Path) -> None:
    path = tmp_path / "missed.sqlite3"
    log = MissedLog(path, retention_days=30)
    log.record("old", "en", "list", 0, 1.0, when=datetime.now(UTC) - timedelta(days=31))
    log.record("new", "en", "list", 0, 1.0, when=datetime.now(UTC) - timedelta(days=29))
    # the first record triggered no purge yet (it happened on open, before the row existed)
    reopened = MissedLog(path, retention_days=30)
    assert [row[-1] for row in _rows(path)] == ["new"]
    assert reopened.purge(now=datetime.now(UTC) + timedelta(days=2)) == 1
    assert _rows(path) == []


def test_a_broken_database_file_does_not_stop_recording_from_raising(tmp_path: Path) -> None:
    log = MissedLog(tmp_path / "missed.sqlite3")
    log.path.write_bytes(b"this is not a database" * 100)
    assert log.record("q", "en", "list", 0, 1.0) is True  # logged a warning, did not raise


def test_top_missed_groups_near_duplicates_and_counts_them(log: MissedLog) -> None:
    asked = [
        "Kyrgyz concerts in Paris",
        "kyrgyz concerts in paris?",
        "Concerts in Paris kyrgyz",
        "Kyrgyz concert in Paris",
        "weather in Bishkek",
        "Weather in Bishkek today",
        "who is the ambassador",
    ]
    for n, text in enumerate(asked):
        log.record(text, "en", "list", 0, 1.0, when=NOW - timedelta(hours=n))
    log.record("concerts in Brussels", "en", "list", 2, 1.0, when=NOW)  # answered: not listed

    groups = log.top_missed(limit=10, days=30, now=NOW)

    assert [(g.example, g.count) for g in groups] == [
        ("Kyrgyz concerts in Paris", 4),
        ("weather in Bishkek", 2),
        ("who is the ambassador", 1),
    ]
    assert groups[0].variants == 3  # three wordings once case and "?" are folded
    assert groups[0].last_asked == NOW


def test_one_word_is_not_grouped_with_every_question_containing_it() -> None:
    at = NOW
    rows = [
        ("concerts", "en", "list", at),
        ("concerts", "en", "list", at),
        ("concerts of Kyrgyz folk music in Paris last winter", "en", "list", at),
    ]
    assert [g.count for g in group_missed(rows)] == [2, 1]


def test_top_missed_respects_the_window_and_the_limit(log: MissedLog) -> None:
    log.record("ancient question", "en", "list", 0, 1.0, when=NOW - timedelta(days=40))
    for text in ("opera in Ghent", "visa for Belgium", "Kok Boru rules", "Manas epic", "flights"):
        log.record(text, "en", "list", 0, 1.0, when=NOW)
    groups = log.top_missed(limit=3, days=30, now=NOW)
    assert len(groups) == 3
    assert all("ancient" not in g.example for g in groups)


def test_stats_per_day_language_intent_and_share_answered(log: MissedLog) -> None:
    day1, day2 = NOW - timedelta(days=1), NOW
    log.record("concerts 2015", "en", "list", 2, 1.0, when=day1)
    log.record("концерты", "ru", "list", 3, 1.0, when=day1)
    log.record("погода", "ru", "out_of_scope", 0, 1.0, when=day2)
    log.record("hello", "en", "greeting", 0, 0.0, when=day2)
    log.record("salut", "fr", "greeting", 0, 0.0, when=day2)
    log.record("very old", "en", "list", 0, 1.0, when=NOW - timedelta(days=20))

    stats = log.stats(days=14, now=NOW)

    assert stats.questions == 5
    assert stats.missed == 1
    assert stats.smalltalk == 2
    assert stats.answered_share == pytest.approx(2 / 3)
    assert stats.by_language == {"en": 2, "ru": 2, "fr": 1}
    assert stats.by_intent == {"list": 2, "greeting": 2, "out_of_scope": 1}
    assert len(stats.per_day) == 14
    assert stats.per_day[-1].day == date(2025, 6, 15)
    assert (stats.per_day[-1].questions, stats.per_day[-1].missed) == (3, 1)
    assert (stats.per_day[-2].questions, stats.per_day[-2].missed) == (2, 0)
    assert sum(d.questions for d in stats.per_day) == 5


STATS = Stats(
    days=14,
    questions=5,
    missed=1,
    smalltalk=2,
    per_day=(
        # days without questions are left out of the text
        DayCount(date(2025, 6, 13), 0, 0),
        DayCount(date(2025, 6, 14), 2, 0),
        DayCount(date(2025, 6, 15), 3, 1),
    ),
    by_language={"en": 2, "ru": 2, "fr": 1},
    by_intent={"list": 2, "greeting": 2, "out_of_scope": 1},
)


def test_format_stats_is_plain_text_with_the_share_answered(english: Texts) -> None:
    assert format_stats(STATS, english).splitlines() == [
        "Last 14 days: 5 messages, 67% of 3 questions answered (1 missed; 2 greetings, "
        "thanks and help not counted).",
        "",
        "Per day:",
        "2025-06-14  2",
        "2025-06-15  3 (1 missed)",
        "",
        "By language: en 2 (40%), ru 2 (40%), fr 1 (20%)",
        "By intent: list 2 (40%), greeting 2 (40%), out_of_scope 1 (20%)",
    ]
    assert format_stats(Stats(days=7, questions=0, missed=0, smalltalk=0), english) == (
        "No questions in the last 7 days."
    )
    only_smalltalk = Stats(days=7, questions=2, missed=0, smalltalk=2, by_intent={"greeting": 2})
    assert format_stats(only_smalltalk, english).startswith(
        "Last 7 days: 2 messages, only greetings, thanks and help so far."
    )


def test_format_stats_speaks_the_admins_language(answerer: Answerer) -> None:
    """Every language words the same figures; dates stay ISO, codes stay codes."""
    russian = format_stats(STATS, texts(answerer.catalog, "ru")).splitlines()
    assert russian[0].startswith("За последние 14 дн.: сообщений — 5, отвечено 67% вопросов")
    assert russian[2:5] == ["По дням:", "2025-06-14  2", "2025-06-15  3 (без ответа: 1)"]
    assert russian[-1] == "По типам вопросов: list 2 (40%), greeting 2 (40%), out_of_scope 1 (20%)"
    french = format_stats(STATS, texts(answerer.catalog, "fr"))
    assert "67\u202f%" in french and "Par langue\u202f: en 2 (40\u202f%)" in french
    for language in ("ky", "nl"):
        text = format_stats(STATS, texts(answerer.catalog, language))
        assert "2025-06-15  3" in text and "out_of_scope 1 (20%)" in text
        assert "{" not in text and "tg_" not in text


def test_format_missed_lists_the_groups_most_asked_first(log: MissedLog, english: Texts) -> None:
    log.record("Concerts in Paris?", "en", "list", 0, 1.0, when=NOW)
    log.record("concerts in paris", "fr", "list", 0, 1.0, when=NOW - timedelta(hours=1))
    log.record("Kyrgyz concerts in Paris", "en", "list", 0, 1.0, when=NOW - timedelta(days=1))
    log.record("<b>weather</b>", "en", "out_of_scope", 0, 1.0, when=NOW)
    text = format_missed(log.top_missed(now=NOW), 30, english)
    assert text.splitlines() == [
        "Most asked unanswered questions, last 30 days:",
        "1. 3× “Concerts in Paris?” (en/fr, list, 2 wordings; last 2025-06-15)",
        "2. 1× “<b>weather</b>” (en, out_of_scope; last 2025-06-15)",
    ]  # plain text: the adapter escapes "<b>" for HTML
    assert format_missed([], 30, english) == "No unanswered questions in the last 30 days."


def test_format_missed_in_kyrgyz_keeps_the_question_as_typed(
    log: MissedLog, answerer: Answerer
) -> None:
    log.record("Парижде концерттер барбы?", "ky", "list", 0, 1.0, when=NOW)
    log.record("Парижде концерттер барбы?", "ru", "list", 0, 1.0, when=NOW)
    log.record("Парижде концерттер барбы азыр", "ky", "list", 0, 1.0, when=NOW - timedelta(days=1))
    log.record("{days} жана {date}", "ky", "out_of_scope", 0, 1.0, when=NOW - timedelta(days=2))
    text = format_missed(log.top_missed(now=NOW), 30, texts(answerer.catalog, "ky"))
    assert text.splitlines() == [
        "Акыркы 30 күндө эң көп берилген, бирок жооп алынбаган суроолор:",
        "1. 3× «Парижде концерттер барбы?» (ky/ru, list, ар түрдүү жазылышы: 2; "
        "акыркы жолу 2025-06-15)",
        "2. 1× «{days} жана {date}» (ky, out_of_scope; акыркы жолу 2025-06-13)",
    ]  # braces a user typed are their text, not a placeholder


def test_many_threads_record_without_losing_rows(log: MissedLog) -> None:
    def worker(n: int) -> None:
        for i in range(20):
            log.record(f"q {n} {i}", "en", "list", 0, 1.0, when=NOW)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert log.stats(days=1, now=NOW).questions == 100
