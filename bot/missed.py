"""The missed-question log: what people asked that the bot could not answer, for the curators.

This module is the storage; near-duplicates are grouped in bot/missed_groups.py, and the admins'
texts are worded on the Telegram side (bot/telegram/admin_texts.py).

Every typed question is counted (time, language, intent, whether it was answered) so /stats can
give the share answered; the text is kept only for misses, because that is what curators read.
No user id, name or chat id is ever stored, and the text is scrubbed of phone numbers,
e-mail addresses, long numbers and @handles (bot/privacy.py). SQLite from the standard
library, one file under BOT_STATE_DIR; rows older than the retention are deleted on open
and once a day after.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.decision import Answer, Intent
from bot.missed_groups import MissedGroup, group_missed
from bot.privacy import scrub

log = logging.getLogger(__name__)

MAX_TEXT_CHARS = 500
"""Longer questions are cut: enough to see what was asked, not a place to store documents."""

LOW_CONFIDENCE = 0.5
"""Below this share of understood words an answer counts as a miss even when events came back."""

MAX_GROUPED_ROWS = 5000
"""/missed looks at the newest this many misses: grouping stays well under a second."""

NOT_MISSES = frozenset({Intent.GREETING, Intent.THANKS, Intent.HELP})
"""Small talk the bot answers fully; out_of_scope is NOT here: it is what curators should see."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS questions (
    asked_at   TEXT    NOT NULL,  -- UTC, ISO 8601, seconds
    language   TEXT    NOT NULL,
    intent     TEXT    NOT NULL,
    matched    INTEGER NOT NULL,  -- how many events the answer had
    confidence REAL    NOT NULL,
    answered   INTEGER NOT NULL,  -- 0: a miss
    text       TEXT               -- the question, only for misses
);
CREATE INDEX IF NOT EXISTS questions_asked_at ON questions (asked_at);
"""


def is_miss(
    intent: str, matched: int, confidence: float, *, threshold: float = LOW_CONFIDENCE
) -> bool:
    """No events and not small talk, or events found on a weak reading of the question."""
    if intent in NOT_MISSES:
        return False
    return matched == 0 or confidence < threshold


@dataclass(frozen=True)
class DayCount:
    day: date
    questions: int
    missed: int


@dataclass(frozen=True)
class Stats:
    """The /stats figures over the last `days` days (UTC)."""

    days: int
    questions: int
    missed: int
    smalltalk: int  # greetings, thanks, help: neither answered nor missed
    per_day: tuple[DayCount, ...] = ()
    by_language: dict[str, int] = field(default_factory=dict)
    by_intent: dict[str, int] = field(default_factory=dict)

    @property
    def answered_share(self) -> float | None:
        """Answered real questions / real questions (small talk left out); None without any."""
        real = self.questions - self.smalltalk
        return (real - self.missed) / real if real > 0 else None


class MissedLog:
    """The log in one SQLite file; safe to call from PTB's threads and coroutines.

    Args:
        path: the database file (BOT_STATE_DIR/missed.sqlite3); its folder is created.
        retention_days: rows older than this are deleted.
        threshold: the confidence below which an answer with events still counts as a miss.
    """

    def __init__(
        self, path: Path, retention_days: int = 180, *, threshold: float = LOW_CONFIDENCE
    ) -> None:
        if retention_days < 1:
            raise ValueError("retention_days must be at least 1")
        self.path = path
        self.retention_days = retention_days
        self.threshold = threshold
        self._lock = threading.Lock()
        self._last_purge: datetime | None = None
        path.parent.mkdir(parents=True, exist_ok=True)
        # One connection for the log's life, used under a lock from any thread. WAL with
        # synchronous=NORMAL makes a commit cheap (no fsync per question) and still survives a
        # crash of the process; at worst a power cut loses the last few records.
        self._db = sqlite3.connect(path, timeout=5, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        # Records are appended and read back only by /missed: a small page cache does, as in
        # the inbox (SQLite's default of 2 MB grew with the log: RSS crept under a long load).
        self._db.execute("PRAGMA cache_size=-256")
        with self._connect() as db:
            db.executescript(_SCHEMA)
        self.purge()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """The connection, under the lock, as one transaction (commit, or roll back on error)."""
        with self._lock, self._db:
            yield self._db

    # -- writing -------------------------------------------------------------------------------

    def record(
        self,
        question: str,
        language: str,
        intent: str,
        matched: int,
        confidence: float,
        when: datetime | None = None,
    ) -> bool:
        """Count one typed question; keep its text when it is a miss.

        Call it for EVERY question a person typed (not for button presses): /stats needs them
        all. Never raises: a full disk must not stop the bot answering.

        Returns:
            True when it was recorded as a miss.
        """
        row = self._row(question, language, intent, matched, confidence, when)
        self._insert([row])
        return row[5] == 0

    def record_answers(self, answers: Sequence[tuple[Answer, datetime]]) -> None:
        """`record_answer` for several (answer, when) pairs in one commit: the Telegram
        adapter collects the questions of a moment and writes them together. Never raises."""
        rows = [
            self._row(a.question, a.language, a.intent.value, len(a.event_ids), a.confidence, when)
            for a, when in answers
        ]
        if rows:
            self._insert(rows)

    def _row(
        self,
        question: str,
        language: str,
        intent: str,
        matched: int,
        confidence: float,
        when: datetime | None,
    ) -> tuple[str, str, str, int, float, int, str | None]:
        moment = _utc(when)
        missed = is_miss(intent, matched, confidence, threshold=self.threshold)
        return (
            _iso(moment),
            language[:16],
            intent[:32],
            max(0, matched),
            float(confidence),
            0 if missed else 1,
            _clean(question) if missed else None,
        )

    def _insert(self, rows: list[tuple[str, str, str, int, float, int, str | None]]) -> None:
        moment = _parse(max(row[0] for row in rows))
        try:
            with self._connect() as db:
                db.executemany("INSERT INTO questions VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
            if self._last_purge is None or moment - self._last_purge > timedelta(days=1):
                self.purge(now=moment)
        except sqlite3.Error as error:
            log.warning("could not record a question in %s: %s", self.path, error)

    def record_answer(self, answer: Answer, when: datetime | None = None) -> bool:
        """`record` for an Answer to a typed question (its `question` is the text as typed)."""
        return self.record(
            answer.question,
            answer.language,
            answer.intent.value,
            len(answer.event_ids),
            answer.confidence,
            when,
        )

    def purge(self, now: datetime | None = None) -> int:
        """Delete the rows older than the retention; returns how many went."""
        moment = _utc(now)
        cutoff = moment - timedelta(days=self.retention_days)
        with self._connect() as db:
            deleted = db.execute("DELETE FROM questions WHERE asked_at < ?", (_iso(cutoff),))
        self._last_purge = moment
        return deleted.rowcount

    # -- reading -------------------------------------------------------------------------------

    def top_missed(
        self, limit: int = 10, days: int = 30, now: datetime | None = None
    ) -> list[MissedGroup]:
        """The most frequent missed questions of the last `days` days, near-duplicates grouped
        (rapidfuzz token_set_ratio on case-folded text), most frequent first."""
        since = _utc(now) - timedelta(days=days)
        with self._connect() as db:
            rows = db.execute(
                "SELECT text, language, intent, asked_at FROM questions "
                "WHERE answered = 0 AND text IS NOT NULL AND asked_at >= ? "
                "ORDER BY asked_at DESC LIMIT ?",
                (_iso(since), MAX_GROUPED_ROWS),
            ).fetchall()
        return group_missed(
            [(str(t), str(lang), str(i), _parse(str(at))) for t, lang, i, at in rows]
        )[:limit]

    def stats(self, days: int = 14, now: datetime | None = None) -> Stats:
        """Questions per day, by language and by intent, and the share answered."""
        moment = _utc(now)
        first_day = moment.date() - timedelta(days=days - 1)
        since = datetime.combine(first_day, datetime.min.time(), UTC)
        with self._connect() as db:
            rows = db.execute(
                "SELECT substr(asked_at, 1, 10), language, intent, answered FROM questions "
                "WHERE asked_at >= ?",
                (_iso(since),),
            ).fetchall()
        per_day: Counter[str] = Counter()
        missed_per_day: Counter[str] = Counter()
        languages: Counter[str] = Counter()
        intents: Counter[str] = Counter()
        smalltalk = 0
        for day, language, intent, answered in rows:
            per_day[day] += 1
            languages[language] += 1
            intents[intent] += 1
            if not answered:
                missed_per_day[day] += 1
            elif intent in NOT_MISSES:
                smalltalk += 1
        days_list = [first_day + timedelta(days=n) for n in range(days)]
        return Stats(
            days=days,
            questions=len(rows),
            missed=sum(missed_per_day.values()),
            smalltalk=smalltalk,
            per_day=tuple(
                DayCount(d, per_day[d.isoformat()], missed_per_day[d.isoformat()])
                for d in days_list
            ),
            by_language=dict(languages.most_common()),
            by_intent=dict(intents.most_common()),
        )


# -- helpers -----------------------------------------------------------------------------------

_SPACE = re.compile(r"\s+")


def _clean(text: str) -> str:
    """One line, trimmed, without phone numbers, e-mails, long numbers or @handles
    (bot.privacy), at most MAX_TEXT_CHARS."""
    return scrub(_SPACE.sub(" ", text).strip())[:MAX_TEXT_CHARS]


def _utc(moment: datetime | None) -> datetime:
    """Aware UTC, to the second; a naive datetime is taken to be UTC already."""
    if moment is None:
        moment = datetime.now(UTC)
    elif moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def _parse(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)
