"""Typed questions on their way to the missed-question log, written a batch at a time.

Each question used to be written on its own: a thread hop (asyncio.to_thread) and a commit per
update, which under load cost more than the log line. Here the questions of the last half
second go in one commit, in one hop. The admins' /missed and /stats write what waits first, so
they always count every question asked before them; a stop writes the rest.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from bot.answering import Answer
from bot.missed import MissedLog

log = logging.getLogger(__name__)

WRITE_AFTER_SECONDS = 0.5
"""How long a question may wait for others to be written with it."""
MAX_WAITING = 500
"""Written at once when this many wait (a flood must not pile up in memory)."""


class QuestionLog:
    """The missed-question log's writer for the Telegram adapter (see the module docstring)."""

    def __init__(
        self,
        missed: MissedLog,
        *,
        delay: float = WRITE_AFTER_SECONDS,
        max_waiting: int = MAX_WAITING,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.missed = missed
        self.delay = delay
        self.max_waiting = max_waiting
        self._now = now
        self._waiting: list[tuple[Answer, datetime]] = []
        self._timer: asyncio.TimerHandle | None = None
        self._writes: set[asyncio.Task[None]] = set()

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    def add(self, answer: Answer) -> None:
        """Count this typed question (written within `delay` seconds)."""
        self._waiting.append((answer, self._now()))
        if len(self._waiting) >= self.max_waiting:
            self._write_soon()
        elif self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(self.delay, self._write_soon)

    async def flush(self) -> None:
        """Write everything that waits, and wait for the writes already under way."""
        self._write_soon()
        if self._writes:
            await asyncio.gather(*self._writes, return_exceptions=True)

    def _write_soon(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        batch, self._waiting = self._waiting, []
        if not batch:
            return
        task = asyncio.get_running_loop().create_task(self._write(batch))
        self._writes.add(task)
        task.add_done_callback(self._writes.discard)

    async def _write(self, batch: list[tuple[Answer, datetime]]) -> None:
        try:
            await asyncio.to_thread(self.missed.record_answers, batch)
        except Exception:  # record_answers logs its own errors; this is the unexpected
            log.exception("could not write %d question(s) to the missed log", len(batch))
