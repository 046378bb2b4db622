"""Whether the bot is making progress: the heartbeat (Docker's health check) beats only then.

The heartbeat used to be touched while the event loop turned, so a scheduler whose updates no
longer finished, or a polling loop that no longer came back from Telegram, still looked
healthy. Now a beat needs both: the scheduler finished an update since the last beat or had
nothing to do, and (while polling) a getUpdates came back recently. A long poll returns within
its timeout even when nobody writes, so silence is not mistaken for a wedge.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol


class Scheduler(Protocol):
    @property
    def completed(self) -> int: ...

    @property
    def running(self) -> int: ...

    @property
    def waiting(self) -> int: ...


class Liveness:
    """`check()` -> "" when progressing, else why not (one line, for the log)."""

    def __init__(
        self,
        scheduler: Scheduler,
        last_poll: Callable[[], float | None],
        polling: Callable[[], bool],
        poll_stall_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._scheduler = scheduler
        self._last_poll = last_poll
        self._polling = polling
        self._stall = poll_stall_seconds
        self._clock = clock
        self._seen = scheduler.completed
        self._started = clock()

    def check(self) -> str:
        scheduler = self._scheduler
        moved = scheduler.completed != self._seen
        idle = scheduler.running == 0 and scheduler.waiting == 0
        self._seen = scheduler.completed
        if not (moved or idle):
            return (
                f"no update finished since the last beat ({scheduler.running} running, "
                f"{scheduler.waiting} waiting)"
            )
        if self._polling():
            last = self._last_poll()
            since = self._clock() - (self._started if last is None else last)
            if since > self._stall:
                return f"polling has not come back from Telegram for {since:.0f} s"
        return ""
