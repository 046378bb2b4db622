"""Fair scheduling: one busy chat cannot starve the others.

PTB hands every update to the update processor at once, each in its own task. The processor
used to take one of 64 slots first and only then wait for its chat's turn, so a group of 50
people mentioning the bot filled every slot with updates waiting on that one group, and private
chats waited up to half a minute.

Here a slot is taken only by an update that can run now. Each chat has its own queue (its
updates keep their order, one at a time); chats with work wait in a round-robin line; at most
`max_concurrent_updates` updates run at once, each of a different chat. After an update the
chat goes to the back of the line, so a private question waits behind at most its own chat's
backlog and one turn of each other busy chat — never behind a group's whole backlog.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

log = logging.getLogger(__name__)

WORKERS = 64
"""Updates running at once (each waits mostly on the network, so many are cheap)."""
ADMITTED = 1_000_000
"""PTB's admission bound: high, as waiting in a chat's queue costs no worker."""

ChatKey = int | None


def _new_future() -> asyncio.Future[None]:
    return asyncio.get_running_loop().create_future()


@dataclass
class _Job:
    update: object
    coroutine: Awaitable[Any]
    done: asyncio.Future[None] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


def chat_key(update: object) -> ChatKey:
    """Whose queue an update joins: its chat, else its user (inline queries), else None."""
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    return None


class FairUpdateProcessor(BaseUpdateProcessor):
    """Per-chat queues served round-robin by a bounded pool (see the module docstring)."""

    def __init__(
        self, workers: int = WORKERS, finished: Callable[[object], None] | None = None
    ) -> None:
        # PTB's own semaphore (taken before do_process_update) only admits updates into the
        # queues; the bound that matters is `workers`, applied to runnable updates.
        super().__init__(ADMITTED)
        self.workers = workers
        self.finished = finished
        """Told of each update whose handlers have all run (the inbox marks it done)."""
        self._leave: Callable[[], bool] = lambda: False
        self.left = 0
        self.completed = 0
        """Updates run to the end since start: the heartbeat beats only when this moves or
        nothing waits (bot/telegram/liveness.py)."""
        self._queues: dict[ChatKey, deque[_Job]] = {}
        self._line: deque[ChatKey] = deque()  # chats with work and nothing running
        self._running = 0
        self._tasks: set[asyncio.Task[None]] = set()
        self._anonymous = 0
        self.on_quiet: Callable[[], None] | None = None
        """Told each time the last update in hand finishes (bot/telegram/heap.py)."""

    # -- what PTB calls ----------------------------------------------------------------------

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Queue the update behind its chat's earlier ones; return once it has run."""
        key = chat_key(update)
        if key is None:  # no chat and no user: a queue of its own, so it never waits on one
            self._anonymous -= 1
            key = _ANONYMOUS_BASE + self._anonymous
        job = _Job(update, coroutine)
        queue = self._queues.get(key)
        if queue is None:
            self._queues[key] = deque([job])
            self._line.append(key)
        else:
            queue.append(job)
        self._start_ready()
        await job.done

    async def run_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run one update, in its turn (a subclass may add what must happen before each)."""
        await coroutine

    async def initialize(self) -> None:
        """Nothing to set up: slots are taken per update."""

    async def shutdown(self) -> None:
        """Wait for the updates in hand (PTB stops feeding new ones before this)."""
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        if self.left:
            log.info("left %d update(s) unanswered in the inbox for the next start", self.left)

    def leave_unstarted_when(self, stopping: Callable[[], bool]) -> None:
        """Once `stopping()` is true, updates not yet started are left unrun (not finished):
        with an inbox they wait there for the next start, so a stop takes only as long as
        the updates already running, whatever the backlog."""
        self._leave = stopping

    # -- figures for health and /stats -------------------------------------------------------

    @property
    def running(self) -> int:
        return self._running

    @property
    def waiting(self) -> int:
        """Updates queued and not yet started."""
        return sum(len(queue) for queue in self._queues.values()) - self._running

    @property
    def waiting_chats(self) -> int:
        return len(self._line)

    # -- the pool ----------------------------------------------------------------------------

    def _start_ready(self) -> None:
        while self._line and self._running < self.workers:
            key = self._line.popleft()
            self._running += 1
            task = asyncio.create_task(self._run_head(key))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _run_head(self, key: ChatKey) -> None:
        queue = self._queues[key]
        job = queue[0]
        try:
            if self._leave():
                self.left += 1
                close = getattr(job.coroutine, "close", None)
                if close is not None:
                    close()  # never started: nothing to undo
                job.done.set_result(None)
                return
            await self.run_update(job.update, job.coroutine)
        except BaseException as exc:  # PTB's process_update catches handler errors itself
            if not job.done.done():
                job.done.set_exception(exc)
            if not isinstance(exc, Exception):
                raise
        else:
            self.completed += 1
            if self.finished is not None:
                self.finished(job.update)
            if not job.done.done():
                job.done.set_result(None)
        finally:
            queue.popleft()
            self._running -= 1
            if queue:
                self._line.append(key)  # to the back: the other chats' turn first
            else:
                del self._queues[key]
            self._start_ready()
            if not self._running and self.on_quiet is not None:
                self.on_quiet()


_ANONYMOUS_BASE = -(2**62)
"""Keys for updates without chat or user: far from every Telegram id."""
