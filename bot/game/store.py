"""Quiz rounds in SQLite (in BOT_STATE_DIR): a round, its polls and its answers outlive a restart.

One active round per chat and forum topic. The adapter tells the store what it sent (a poll's
id) and what came back (a poll answer); the store decides what counts: only a player's first
answer to a poll of an active round; an answer for an unknown poll or a finished round is
ignored quietly. Times are passed in, never read from a clock here, so a test can replay them.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from bot.game.questions import GameQuestion
from bot.game.scoreboard import Scoreboard, rank

SCHEMA = """
CREATE TABLE IF NOT EXISTS rounds (
    id INTEGER PRIMARY KEY,
    chat_id INTEGER NOT NULL,
    thread_id INTEGER NOT NULL DEFAULT 0,
    host_id INTEGER NOT NULL,
    language TEXT NOT NULL,
    questions TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT -1,
    status TEXT NOT NULL DEFAULT 'active',
    started_at REAL NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS one_active_round
    ON rounds (chat_id, thread_id) WHERE status = 'active';
CREATE TABLE IF NOT EXISTS polls (
    poll_id TEXT PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES rounds (id),
    position INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    sent_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS answers (
    round_id INTEGER NOT NULL REFERENCES rounds (id),
    position INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    correct INTEGER NOT NULL,
    seconds REAL NOT NULL,
    PRIMARY KEY (round_id, position, user_id)
);
"""


STALE_ROUND_SECONDS = 2 * 3600
"""A round whose last question was asked this long ago no longer blocks a new /quiz."""


class MovedOn(Exception):
    """The round is no longer at the question a "Next" tap was for."""


class RoundStatus(StrEnum):
    ACTIVE = "active"
    FINISHED = "finished"  # every question was asked and the scoreboard shown
    STOPPED = "stopped"  # /quiz stop


class AnswerOutcome(StrEnum):
    COUNTED = "counted"
    REPEATED = "repeated"  # the player already answered this poll: the first answer stands
    UNKNOWN = "unknown"  # no round of ours sent this poll
    CLOSED = "closed"  # the poll's round is over


@dataclass(frozen=True)
class Round:
    """A round as stored: where it is played, by whom, and how far it got."""

    id: int
    chat_id: int
    thread_id: int  # 0 outside forum topics
    host_id: int
    language: str
    questions: tuple[GameQuestion, ...]
    position: int  # index of the question last sent; -1 before the first
    status: RoundStatus

    @property
    def has_next(self) -> bool:
        return self.position + 1 < len(self.questions)


@dataclass(frozen=True)
class Answered:
    """What became of one poll answer, and the round it belongs to (None when unknown)."""

    outcome: AnswerOutcome
    round: Round | None = None
    correct: bool = False


class GameStore:
    """The rounds of every chat, in one SQLite file."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        self._db.close()

    def forget_before(self, cutoff: float) -> int:
        """Delete rounds started before `cutoff` with their polls and answers (players' ids
        and names are kept no longer than a scoreboard needs them); returns how many."""
        old = [
            int(row[0])
            for row in self._db.execute("SELECT id FROM rounds WHERE started_at < ?", (cutoff,))
        ]
        for table in ("answers", "polls"):
            self._db.executemany(f"DELETE FROM {table} WHERE round_id = ?", [(i,) for i in old])
        self._db.executemany("DELETE FROM rounds WHERE id = ?", [(i,) for i in old])
        return len(old)

    def forget_player(self, user_id: int) -> int:
        """/forget: the player's answers leave every scoreboard, and rounds they hosted no
        longer name them; returns how many answers there were."""
        answers = self._db.execute("DELETE FROM answers WHERE user_id = ?", (user_id,)).rowcount
        self._db.execute("UPDATE rounds SET host_id = 0 WHERE host_id = ?", (user_id,))
        return answers

    def start(
        self,
        chat_id: int,
        thread_id: int | None,
        host_id: int,
        language: str,
        questions: Sequence[GameQuestion],
        now: float,
    ) -> Round | None:
        """A new active round, or None when this chat (topic) already has one.

        A round with no question asked for STALE_ROUND_SECONDS (a host who left) is closed
        first, so a chat is never locked out of playing.
        """
        self._close_stale(chat_id, thread_id, now)
        payload = json.dumps([q.to_json() for q in questions], ensure_ascii=False)
        try:
            cursor = self._db.execute(
                "INSERT INTO rounds (chat_id, thread_id, host_id, language, questions, "
                "started_at) VALUES (?, ?, ?, ?, ?, ?)",
                (chat_id, thread_id or 0, host_id, language, payload, now),
            )
        except sqlite3.IntegrityError:
            return None
        assert cursor.lastrowid is not None
        return self.get(cursor.lastrowid)

    def _close_stale(self, chat_id: int, thread_id: int | None, now: float) -> None:
        row = self._db.execute(
            "SELECT rounds.id, MAX(rounds.started_at, COALESCE(MAX(polls.sent_at), 0)) "
            "FROM rounds LEFT JOIN polls ON polls.round_id = rounds.id "
            "WHERE chat_id = ? AND thread_id = ? AND status = 'active' GROUP BY rounds.id",
            (chat_id, thread_id or 0),
        ).fetchone()
        if row is not None and now - float(row[1]) > STALE_ROUND_SECONDS:
            self.finish(int(row[0]), RoundStatus.STOPPED)

    def get(self, round_id: int) -> Round | None:
        row = self._db.execute(
            "SELECT id, chat_id, thread_id, host_id, language, questions, position, status "
            "FROM rounds WHERE id = ?",
            (round_id,),
        ).fetchone()
        return _round(row) if row else None

    def active(self, chat_id: int, thread_id: int | None) -> Round | None:
        """The chat's (topic's) active round, if any."""
        row = self._db.execute(
            "SELECT id FROM rounds WHERE chat_id = ? AND thread_id = ? AND status = 'active'",
            (chat_id, thread_id or 0),
        ).fetchone()
        return self.get(int(row[0])) if row else None

    def active_rounds(self) -> tuple[Round, ...]:
        """Every round still going: what a restarted bot picks up."""
        rows = self._db.execute("SELECT id FROM rounds WHERE status = 'active'").fetchall()
        return tuple(r for r in (self.get(int(row[0])) for row in rows) if r is not None)

    def advance(
        self, round_id: int, from_position: int | None = None
    ) -> tuple[int, GameQuestion] | None:
        """Move to the next question and return it with its index; None when none is left.

        With `from_position`, only from that question: a second tap on the same "Next" button
        (or two hosts at once) raises MovedOn instead of skipping a question.
        """
        current = self.get(round_id)
        if current is None or current.status is not RoundStatus.ACTIVE:
            return None
        expected = current.position if from_position is None else from_position
        if current.position != expected:
            raise MovedOn(round_id)
        if not current.has_next:
            return None
        position = current.position + 1
        cursor = self._db.execute(
            "UPDATE rounds SET position = ? WHERE id = ? AND position = ? AND status = 'active'",
            (position, round_id, expected),
        )
        if cursor.rowcount == 0:
            raise MovedOn(round_id)
        return position, current.questions[position]

    def poll_sent(
        self, round_id: int, position: int, poll_id: str, message_id: int, now: float
    ) -> None:
        """Remember which poll asks which question, and when it was asked (for the speed)."""
        self._db.execute(
            "INSERT OR REPLACE INTO polls (poll_id, round_id, position, message_id, sent_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (poll_id, round_id, position, message_id, now),
        )

    def answer(
        self, poll_id: str, user_id: int, name: str, option_ids: Sequence[int], now: float
    ) -> Answered:
        """Count a player's answer to a poll: the first one only, and only in an active round."""
        row = self._db.execute(
            "SELECT round_id, position, sent_at FROM polls WHERE poll_id = ?", (poll_id,)
        ).fetchone()
        if row is None:
            return Answered(AnswerOutcome.UNKNOWN)
        round_id, position, sent_at = int(row[0]), int(row[1]), float(row[2])
        current = self.get(round_id)
        if current is None:
            return Answered(AnswerOutcome.UNKNOWN)
        if current.status is not RoundStatus.ACTIVE or not option_ids:
            # An empty option list is a retracted vote; quiz polls allow none, so ignore it.
            return Answered(AnswerOutcome.CLOSED, current)
        correct = current.questions[position].correct in option_ids
        cursor = self._db.execute(
            "INSERT OR IGNORE INTO answers (round_id, position, user_id, name, correct, seconds) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (round_id, position, user_id, name, int(correct), max(0.0, now - sent_at)),
        )
        if cursor.rowcount == 0:
            return Answered(AnswerOutcome.REPEATED, current)
        return Answered(AnswerOutcome.COUNTED, current, correct)

    def answers_to(self, round_id: int, position: int) -> int:
        """How many players answered one question."""
        row = self._db.execute(
            "SELECT COUNT(*) FROM answers WHERE round_id = ? AND position = ?",
            (round_id, position),
        ).fetchone()
        return int(row[0])

    def finish(
        self, round_id: int, status: RoundStatus = RoundStatus.FINISHED
    ) -> Scoreboard | None:
        """End the round (later answers are ignored) and return its scoreboard; None when it
        was already over, so that a scoreboard is announced once."""
        cursor = self._db.execute(
            "UPDATE rounds SET status = ? WHERE id = ? AND status = 'active'",
            (status.value, round_id),
        )
        if cursor.rowcount == 0:
            return None
        return self.scoreboard(round_id)

    def current_poll(self, round_id: int) -> int | None:
        """The message id of the poll asking the current question (to close it early)."""
        row = self._db.execute(
            "SELECT polls.message_id FROM polls JOIN rounds ON rounds.id = polls.round_id "
            "WHERE rounds.id = ? AND polls.position = rounds.position",
            (round_id,),
        ).fetchone()
        return int(row[0]) if row else None

    def scoreboard(self, round_id: int) -> Scoreboard:
        rows = self._db.execute(
            "SELECT user_id, name, SUM(correct), SUM(CASE WHEN correct THEN seconds ELSE 0 END), "
            "COUNT(*) FROM answers WHERE round_id = ? GROUP BY user_id",
            (round_id,),
        ).fetchall()
        current = self.get(round_id)
        asked = current.position + 1 if current else 0
        return rank(
            [(int(r[0]), str(r[1]), int(r[2]), float(r[3]), int(r[4])) for r in rows], asked
        )


def _round(row: tuple[object, ...]) -> Round:
    questions = json.loads(str(row[5]))
    return Round(
        id=int(str(row[0])),
        chat_id=int(str(row[1])),
        thread_id=int(str(row[2])),
        host_id=int(str(row[3])),
        language=str(row[4]),
        questions=tuple(GameQuestion.from_json(q) for q in questions),
        position=int(str(row[6])),
        status=RoundStatus(str(row[7])),
    )
