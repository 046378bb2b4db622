"""The inbox: every update is kept on disk before Telegram hears it arrived, until answered.

Telegram forgets an update once the bot confirms it (the next getUpdates' offset); an update
that was confirmed but only held in memory is lost for good when the process stops or crashes.
So each update is written here first, marked done when its handlers have run, and on start the
ones not done are answered first. An update older than `stale_after` by then is not answered
(a reply an hour late to "hello" helps nobody) but counted. A re-delivered update (same
update_id) is recognised and dropped: at most once into the bot, at least once answered.

SQLite from the standard library, one file under BOT_STATE_DIR (WAL: a commit survives a
crash of the process). Done rows are kept a day, long enough to recognise any re-delivery.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

PENDING, DONE, STALE = 0, 1, 2
KEEP_DONE_SECONDS = 86_400.0
CACHE_KIB = 256

_SCHEMA = """
CREATE TABLE IF NOT EXISTS updates (
    update_id   INTEGER PRIMARY KEY,
    received_at REAL    NOT NULL,  -- time.time() when stored
    state       INTEGER NOT NULL,  -- 0 pending, 1 done, 2 stale (never answered)
    body        TEXT               -- the update's JSON; dropped once done
);
CREATE INDEX IF NOT EXISTS updates_state ON updates (state, update_id);
"""


@dataclass(frozen=True)
class Recovered:
    """What start-up found undone: the updates to answer first, and how many were too old."""

    updates: tuple[tuple[int, str], ...]
    stale: int


class Inbox:
    """The inbox file; safe from PTB's threads and coroutines (one connection under a lock)."""

    def __init__(
        self, path: Path, stale_after: float, clock: Callable[[], float] = time.time
    ) -> None:
        self.path = path
        self.stale_after = stale_after
        self._clock = clock
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, timeout=5, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        # Rows are appended and found by key: a small page cache does (SQLite's default of
        # 2 MB filled up as a day of done rows piled up).
        self._db.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        with self._lock, self._db:
            self._db.executescript(_SCHEMA)
            (self._pending,) = self._db.execute(
                "SELECT count(*) FROM updates WHERE state = ?", (PENDING,)
            ).fetchone()
        self.stale_total = 0

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @property
    def pending(self) -> int:
        """Updates stored and not yet done (fetched ahead, queued or being answered)."""
        return int(self._pending)

    def add(self, updates: Iterable[tuple[int, str]]) -> list[int]:
        """Store (update_id, JSON) pairs in one commit; returns the ids that were new (the
        others are re-deliveries of stored updates). Raises sqlite3.Error when it cannot
        store: the caller must then not confirm them."""
        now = self._clock()
        new: list[int] = []
        with self._lock, self._db:
            for update_id, body in updates:
                cursor = self._db.execute(
                    "INSERT OR IGNORE INTO updates VALUES (?, ?, ?, ?)",
                    (update_id, now, PENDING, body),
                )
                if cursor.rowcount:
                    new.append(update_id)
            self._pending += len(new)
        return new

    def done(self, update_id: int) -> None:
        """Mark an update answered (its text is dropped). Unknown ids are ignored."""
        self.done_all((update_id,))

    def done_all(self, update_ids: Iterable[int]) -> None:
        """Mark several updates answered in one commit (a commit per update cost more than
        the update's own bookkeeping under load). Unknown ids are ignored."""
        with self._lock, self._db:
            cursor = self._db.executemany(
                "UPDATE updates SET state = ?, body = NULL WHERE update_id = ? AND state = ?",
                ((DONE, update_id, PENDING) for update_id in update_ids),
            )
            self._pending -= cursor.rowcount

    def recover(self) -> Recovered:
        """The undone updates, oldest first; those older than `stale_after` are marked stale
        and only counted. Also forgets done rows older than a day."""
        cutoff = self._clock() - self.stale_after
        with self._lock, self._db:
            stale = self._db.execute(
                "UPDATE updates SET state = ?, body = NULL WHERE state = ? AND received_at < ?",
                (STALE, PENDING, cutoff),
            ).rowcount
            rows = self._db.execute(
                "SELECT update_id, body FROM updates WHERE state = ? ORDER BY update_id",
                (PENDING,),
            ).fetchall()
            self._db.execute(
                "DELETE FROM updates WHERE state != ? AND received_at < ?",
                (PENDING, self._clock() - KEEP_DONE_SECONDS),
            )
            self._pending = len(rows)
        self.stale_total += stale
        return Recovered(tuple((int(i), str(b)) for i, b in rows), stale)

    def oldest_pending_age(self) -> float | None:
        """Seconds the oldest undone update has waited, or None when none waits."""
        with self._lock:
            row = self._db.execute(
                "SELECT min(received_at) FROM updates WHERE state = ?", (PENDING,)
            ).fetchone()
        return None if row[0] is None else self._clock() - float(row[0])

    def counts(self) -> dict[str, int]:
        """Rows by state, for /stats and the soak benchmark."""
        with self._lock:
            rows = self._db.execute("SELECT state, count(*) FROM updates GROUP BY state")
            by_state = dict(rows.fetchall())
        return {
            "pending": by_state.get(PENDING, 0),
            "done": by_state.get(DONE, 0),
            "stale": by_state.get(STALE, 0),
        }
