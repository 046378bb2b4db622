"""Subscriptions and the durable outbox, in one SQLite file under BOT_STATE_DIR.

Why one file and one transaction: an announcement is queued in the same transaction that
records the catalog version it announces, so a crash either leaves both (the rows go out after
the restart) or neither (the next reload finds the change again). A row leaves the outbox only
when Telegram confirmed the send (or the chat blocked the bot), so nothing is lost; a change is
queued exactly once per chat (UNIQUE chat, event, change), so nothing a chat received is queued
again. The one send that may repeat is the one in flight when the process died: Telegram may
have delivered it without the bot hearing back. Such rows are marked `sending` first, and
`recover()` counts them at the next start.

What is kept about a chat: its id, language, filters and the date it subscribed; pending
announcements (chat, event, kind of change, language) until they are delivered. Nothing else.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from bot.catalog.model import LANGUAGES, Catalog, Event
from bot.news.changes import Change, ChangeKind, detect_changes, version_of
from bot.news.filters import Filter

log = logging.getLogger(__name__)

FILE_NAME = "news.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS subscriptions (
    chat_id INTEGER NOT NULL,
    language TEXT NOT NULL,
    filter TEXT NOT NULL,
    since TEXT NOT NULL,
    PRIMARY KEY (chat_id, filter)
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS announced (event_id TEXT PRIMARY KEY, status TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS reminded (event_id TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS broadcasts (
    id INTEGER PRIMARY KEY,
    event_id TEXT NOT NULL,
    change TEXT NOT NULL,
    created REAL NOT NULL,
    total INTEGER NOT NULL DEFAULT 0,
    sent INTEGER NOT NULL DEFAULT 0,
    blocked INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY,
    broadcast INTEGER NOT NULL,
    chat TEXT NOT NULL,
    event_id TEXT NOT NULL,
    change TEXT NOT NULL,
    language TEXT NOT NULL,
    due REAL NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    UNIQUE (chat, event_id, change)
);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox (state, due, id);
"""


@dataclass(frozen=True)
class OutboxItem:
    """One message to send: a change of one event, to one chat, in one language."""

    id: int
    chat: str  # a chat id as text, or an @channel name
    event_id: str
    change: ChangeKind
    language: str
    attempts: int = 0

    @property
    def chat_id(self) -> int | str:
        """What the Bot API takes as chat_id."""
        return int(self.chat) if self.chat.lstrip("-").isdigit() else self.chat


@dataclass(frozen=True)
class Progress:
    """One broadcast as admins see it in /stats."""

    event_id: str
    change: ChangeKind
    total: int
    sent: int
    blocked: int
    failed: int
    pending: int


@dataclass(frozen=True)
class Forgotten:
    subscriptions: int
    pending: int


@dataclass(frozen=True)
class Channel:
    """Where every announcement is also posted, and in which language."""

    chat: str
    language: str


class NewsStore:
    """The subscriptions and the outbox. Thread-safe; each method is one transaction."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._lock = threading.Lock()
        self._db.execute("PRAGMA journal_mode=WAL")
        # WAL + NORMAL: a commit survives the process being killed (kill -9); after a power cut the
        # last commits may be lost, which can repeat a send but never loses one (rows are only
        # ever deleted once sent).
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    @classmethod
    def in_state_dir(cls, state_dir: Path) -> NewsStore:
        return cls(state_dir / FILE_NAME)

    def close(self) -> None:
        # Under the lock: a catalog being recorded in a worker thread (asyncio.to_thread goes on
        # after its task is cancelled at shutdown) finishes first. Closing the connection under
        # a running statement crashed the process (a segmentation fault in sqlite3).
        with self._lock:
            self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # -- subscriptions -------------------------------------------------------------------------

    def subscribe(self, chat_id: int, language: str, wanted: Filter, today: date) -> bool:
        """Add a subscription; False when the chat already had exactly this one."""
        if language not in LANGUAGES:
            raise ValueError(f"unsupported language {language!r}")
        with self._transaction() as db:
            added = db.execute(
                "INSERT OR IGNORE INTO subscriptions VALUES (?, ?, ?, ?)",
                (chat_id, language, wanted.key, today.isoformat()),
            ).rowcount
            db.execute(
                "UPDATE subscriptions SET language = ? WHERE chat_id = ?", (language, chat_id)
            )
        return added == 1

    def unsubscribe(self, chat_id: int) -> int:
        """Remove every subscription of the chat; how many there were."""
        with self._transaction() as db:
            return db.execute("DELETE FROM subscriptions WHERE chat_id = ?", (chat_id,)).rowcount

    def subscriptions(self, chat_id: int) -> tuple[Filter, ...]:
        with self._lock:
            rows = self._db.execute(
                "SELECT filter FROM subscriptions WHERE chat_id = ? ORDER BY filter", (chat_id,)
            ).fetchall()
        return tuple(Filter.parse(key) for (key,) in rows)

    def set_language(self, chat_id: int, language: str) -> None:
        """The chat chose another language: its announcements follow."""
        with self._transaction() as db:
            db.execute(
                "UPDATE subscriptions SET language = ? WHERE chat_id = ?", (language, chat_id)
            )

    def subscriber_count(self) -> int:
        with self._lock:
            (count,) = self._db.execute(
                "SELECT COUNT(DISTINCT chat_id) FROM subscriptions"
            ).fetchone()
        return int(count)

    def forget(self, chat_id: int) -> Forgotten:
        """Erase everything tied to the chat here: subscriptions and unsent announcements."""
        with self._transaction() as db:
            subscriptions = db.execute(
                "DELETE FROM subscriptions WHERE chat_id = ?", (chat_id,)
            ).rowcount
            pending = self._delete_rows(db, str(chat_id), counter=None)
        return Forgotten(subscriptions, pending)

    # -- queuing -------------------------------------------------------------------------------

    def record_catalog(
        self, catalog: Catalog, *, now: float, channel: Channel | None = None
    ) -> tuple[Change, ...]:
        """Compare the catalog with the version last recorded; queue what is worth announcing.

        The first catalog ever recorded is the baseline and announces nothing (a new bot must
        not announce the whole record). One transaction: the new version and its outbox rows
        are written together or not at all.
        """
        with self._transaction() as db:
            before = dict(db.execute("SELECT event_id, status FROM announced").fetchall())
            baseline = db.execute("SELECT 1 FROM meta WHERE key = 'baseline'").fetchone()
            after = version_of(catalog)
            changes = detect_changes(before, after) if baseline else ()
            db.executemany(
                "INSERT INTO announced VALUES (?, ?) "
                "ON CONFLICT (event_id) DO UPDATE SET status = excluded.status",
                after.items(),
            )
            if not baseline:
                db.execute("INSERT INTO meta VALUES ('baseline', ?)", (str(now),))
            for change in changes:
                event = catalog.event(change.event_id)
                assert event is not None
                self._queue(db, event, change.kind, now, channel)
        if changes:
            log.info("queued announcements for %d change(s)", len(changes))
        return changes

    def plan_reminders(self, catalog: Catalog, today: date, *, now: float) -> tuple[str, ...]:
        """Queue the reminders for events that begin tomorrow (known day only), once each."""
        tomorrow = today + timedelta(days=1)
        due = [
            event
            for event in catalog.events
            if event.start.day is not None
            and date(event.start.year, event.start.month, event.start.day) == tomorrow
        ]
        planned: list[str] = []
        with self._transaction() as db:
            for event in due:
                if db.execute("INSERT OR IGNORE INTO reminded VALUES (?)", (event.id,)).rowcount:
                    self._queue(db, event, ChangeKind.REMINDER, now, channel=None)
                    planned.append(event.id)
        return tuple(planned)

    def _queue(
        self,
        db: sqlite3.Connection,
        event: Event,
        kind: ChangeKind,
        now: float,
        channel: Channel | None,
    ) -> None:
        languages: dict[int, str] = {}
        matching: set[int] = set()
        for chat_id, language, key in db.execute(
            "SELECT chat_id, language, filter FROM subscriptions"
        ):
            languages[chat_id] = language
            if chat_id not in matching and Filter.parse(key).matches(event):
                matching.add(chat_id)
        rows: list[tuple[str, str]] = [
            (str(chat_id), languages[chat_id]) for chat_id in sorted(matching)
        ]
        if channel is not None and kind is not ChangeKind.REMINDER:
            rows.append((channel.chat, channel.language))
        broadcast = db.execute(
            "INSERT INTO broadcasts (event_id, change, created) VALUES (?, ?, ?)",
            (event.id, kind.value, now),
        ).lastrowid
        inserted = 0
        for chat, language in rows:
            inserted += db.execute(
                "INSERT OR IGNORE INTO outbox (broadcast, chat, event_id, change, language, due)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (broadcast, chat, event.id, kind.value, language, now),
            ).rowcount
        db.execute("UPDATE broadcasts SET total = ? WHERE id = ?", (inserted, broadcast))

    # -- delivering ----------------------------------------------------------------------------

    def recover(self) -> tuple[OutboxItem, ...]:
        """At start-up: rows left `sending` by a crash go back to pending (sent again: Telegram
        may or may not have delivered them; losing one is worse than a rare repeat)."""
        with self._transaction() as db:
            rows = db.execute(_SELECT + " WHERE state = 'sending' ORDER BY id").fetchall()
            db.execute("UPDATE outbox SET state = 'pending' WHERE state = 'sending'")
        if rows:
            log.warning("%d announcement(s) were in flight at the last stop; resending", len(rows))
        return tuple(_item(row) for row in rows)

    def due(self, now: float, limit: int = 500, skip: Iterable[int] = ()) -> list[OutboxItem]:
        """Pending rows whose time has come, oldest first."""
        skipped = set(skip)
        with self._lock:
            rows = self._db.execute(
                _SELECT + " WHERE state = 'pending' AND due <= ? ORDER BY id LIMIT ?",
                (now, limit + len(skipped)),
            ).fetchall()
        return [item for item in map(_item, rows) if item.id not in skipped][:limit]

    def next_due(self) -> float | None:
        with self._lock:
            (when,) = self._db.execute(
                "SELECT MIN(due) FROM outbox WHERE state = 'pending'"
            ).fetchone()
        return None if when is None else float(when)

    def pending_count(self) -> int:
        with self._lock:
            (count,) = self._db.execute("SELECT COUNT(*) FROM outbox").fetchone()
        return int(count)

    def start_sending(self, item: OutboxItem) -> bool:
        """Mark the row in flight just before the send; False when it is gone meanwhile (the
        chat blocked the bot or used /forget)."""
        with self._transaction() as db:
            return (
                db.execute(
                    "UPDATE outbox SET state = 'sending', attempts = attempts + 1 "
                    "WHERE id = ? AND state = 'pending'",
                    (item.id,),
                ).rowcount
                == 1
            )

    def confirm(self, item: OutboxItem) -> None:
        """Telegram confirmed the send: the row leaves the outbox, the broadcast counts it."""
        self._finish(item, "sent")

    def give_up(self, item: OutboxItem) -> None:
        """A send Telegram refuses for good (chat not found, too many attempts)."""
        self._finish(item, "failed")

    def _finish(self, item: OutboxItem, counter: str) -> None:
        with self._transaction() as db:
            broadcast = db.execute(
                "DELETE FROM outbox WHERE id = ? RETURNING broadcast", (item.id,)
            ).fetchone()
            if broadcast is not None:
                db.execute(
                    f"UPDATE broadcasts SET {counter} = {counter} + 1 WHERE id = ?", broadcast
                )

    def retry_later(self, item: OutboxItem, due: float, *, attempt_counts: bool = True) -> None:
        """Back to pending, not before `due`; a flood wait does not use up an attempt."""
        undo = 0 if attempt_counts else 1
        with self._transaction() as db:
            db.execute(
                "UPDATE outbox SET state = 'pending', due = ?, attempts = attempts - ? "
                "WHERE id = ?",
                (due, undo, item.id),
            )

    def blocked(self, item: OutboxItem) -> None:
        """The chat blocked the bot (403): unsubscribe it and drop what was queued for it."""
        with self._transaction() as db:
            if item.chat.lstrip("-").isdigit():
                db.execute("DELETE FROM subscriptions WHERE chat_id = ?", (int(item.chat),))
            self._delete_rows(db, item.chat, counter="blocked")
        log.info("a chat blocked the bot; unsubscribed it")

    def migrate(self, old_chat: int, new_chat: int) -> None:
        """A group became a supergroup (Telegram gives it a new id): its subscriptions and
        queued rows follow, so the retry reaches it."""
        with self._transaction() as db:
            db.execute(
                "UPDATE OR IGNORE subscriptions SET chat_id = ? WHERE chat_id = ?",
                (new_chat, old_chat),
            )
            db.execute("DELETE FROM subscriptions WHERE chat_id = ?", (old_chat,))
            db.execute(
                "UPDATE OR IGNORE outbox SET chat = ? WHERE chat = ?",
                (str(new_chat), str(old_chat)),
            )
            db.execute("DELETE FROM outbox WHERE chat = ?", (str(old_chat),))

    @staticmethod
    def _delete_rows(db: sqlite3.Connection, chat: str, counter: str | None) -> int:
        rows = db.execute(
            "DELETE FROM outbox WHERE chat = ? RETURNING broadcast", (chat,)
        ).fetchall()
        for (broadcast,) in rows:
            if counter is None:  # forgotten: the broadcast no longer counts the chat at all
                db.execute("UPDATE broadcasts SET total = total - 1 WHERE id = ?", (broadcast,))
            else:
                db.execute(
                    f"UPDATE broadcasts SET {counter} = {counter} + 1 WHERE id = ?",
                    (broadcast,),
                )
        return len(rows)

    # -- admins --------------------------------------------------------------------------------

    def progress(self, limit: int = 5) -> tuple[Progress, ...]:
        """The newest broadcasts, newest first, with how far each has got."""
        with self._lock:
            rows = self._db.execute(
                "SELECT b.event_id, b.change, b.total, b.sent, b.blocked, b.failed,"
                " (SELECT COUNT(*) FROM outbox o WHERE o.broadcast = b.id)"
                " FROM broadcasts b ORDER BY b.id DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return tuple(
            Progress(event, ChangeKind(change), total, sent, blocked, failed, pending)
            for event, change, total, sent, blocked, failed, pending in rows
        )


_SELECT = "SELECT id, chat, event_id, change, language, attempts FROM outbox"


def _item(row: tuple[int, str, str, str, str, int]) -> OutboxItem:
    row_id, chat, event_id, change, language, attempts = row
    return OutboxItem(row_id, chat, event_id, ChangeKind(change), language, attempts)
