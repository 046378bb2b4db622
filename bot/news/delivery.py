"""The courier: takes due rows from the outbox, paces them, hands them to the adapter's
transport, and records each outcome before taking the next decision.

The transport (the Telegram adapter) only performs one send and says how it went; every
decision (when, again or not, unsubscribe or not) is made here, so it is tested without
Telegram and with a fake clock.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum

from bot.news.pacing import Clock, Pacer
from bot.news.store import NewsStore, OutboxItem

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
"""A send that failed this many times for passing reasons (network, 5xx) is given up."""
BACKOFF_SECONDS = (2.0, 10.0, 60.0, 300.0)


class Outcome(StrEnum):
    SENT = "sent"  # Telegram confirmed
    BLOCKED = "blocked"  # 403: the user blocked the bot, or the bot left the group
    FLOOD = "flood"  # 429: wait retry_after, then again
    RETRY = "retry"  # network trouble or 5xx: again later
    REFUSED = "refused"  # 400: chat not found and the like; again would not help


@dataclass(frozen=True)
class Delivery:
    outcome: Outcome
    retry_after: float = 0.0


Transport = Callable[[OutboxItem], Awaitable[Delivery]]


@dataclass
class Tally:
    sent: int = 0
    blocked: int = 0
    retried: int = 0
    refused: int = 0


class Courier:
    """Delivers the outbox. One courier per process; `run_until_idle` may be called again and
    again (after each reload, from a periodic job) and never sends one row twice."""

    def __init__(
        self,
        store: NewsStore,
        transport: Transport,
        clock: Clock,
        pacer: Pacer | None = None,
        *,
        in_flight: int = 4,
        grace_seconds: float = 10.0,
    ) -> None:
        self.store = store
        self.transport = transport
        self.clock = clock
        self.pacer = pacer or Pacer()
        self.in_flight = in_flight
        self.grace_seconds = grace_seconds
        self.tally = Tally()
        self._flying: dict[int, asyncio.Task[None]] = {}
        self._lock = asyncio.Lock()

    async def run_until_idle(self, *, wait_for_retries: float = 60.0) -> Tally:
        """Send everything due now (and what comes due within `wait_for_retries` seconds,
        such as a 429's retry), then return. Serialised: a second caller waits its turn."""
        async with self._lock:
            try:
                await self._drain(wait_for_retries)
            except asyncio.CancelledError:
                # A clean stop (SIGINT, SIGTERM): let the sends already on the wire finish and
                # be recorded, so a restart does not send them again. A kill -9 skips this.
                if self._flying and self.grace_seconds > 0:
                    await asyncio.wait(list(self._flying.values()), timeout=self.grace_seconds)
                raise
        return self.tally

    async def _drain(self, wait_for_retries: float) -> None:
        queue: deque[OutboxItem] = deque()
        while True:
            now = self.clock.now()
            if not queue:
                queue.extend(self.store.due(now, skip=self._flying))
            if not queue:
                if self._flying:
                    await asyncio.wait(
                        list(self._flying.values()), return_when=asyncio.FIRST_COMPLETED
                    )
                    continue
                upcoming = self.store.next_due()
                if upcoming is None or upcoming - now > wait_for_retries:
                    return
                await self.clock.sleep(upcoming - now)
                continue
            item = self._pick(queue, now)
            at = self.pacer.earliest(item.chat, now)
            if at > now:
                await self.clock.sleep(at - now)
            while len(self._flying) >= self.in_flight:
                await asyncio.wait(
                    list(self._flying.values()), return_when=asyncio.FIRST_COMPLETED
                )
            if not self.store.start_sending(item):
                continue  # gone meanwhile: the chat blocked the bot or asked to be forgotten
            self.pacer.took(item.chat, self.clock.now())
            task = asyncio.create_task(self._send(item))
            self._flying[item.id] = task
            task.add_done_callback(self._landed(item.id))

    def _landed(self, row: int) -> Callable[[asyncio.Task[None]], None]:
        def forget(_: asyncio.Task[None]) -> None:
            self._flying.pop(row, None)

        return forget

    def _pick(self, queue: deque[OutboxItem], now: float, window: int = 64) -> OutboxItem:
        """The oldest item whose chat may receive now; the oldest of all when none may, so
        one busy chat never holds up the others."""
        for index, item in enumerate(queue):
            if index >= window:
                break
            if self.pacer.chat_ready(item.chat, now):
                del queue[index]
                return item
        return queue.popleft()

    async def _send(self, item: OutboxItem) -> None:
        try:
            delivery = await self.transport(item)
        except Exception:  # a transport bug must not stop the courier: try again later
            log.exception("sending announcement %d failed", item.id)
            delivery = Delivery(Outcome.RETRY)
        now = self.clock.now()
        outcome = delivery.outcome
        if outcome is Outcome.SENT:
            self.store.confirm(item)
            self.tally.sent += 1
        elif outcome is Outcome.BLOCKED:
            self.store.blocked(item)
            self.tally.blocked += 1
        elif outcome is Outcome.FLOOD:  # not the chat's fault: does not count as an attempt
            until = now + max(delivery.retry_after, 1.0)
            self.pacer.pause(until)
            self.store.retry_later(item, until, attempt_counts=False)
            self.tally.retried += 1
        elif outcome is Outcome.REFUSED or item.attempts + 1 >= MAX_ATTEMPTS:
            self.store.give_up(item)
            self.tally.refused += 1
        else:
            backoff = BACKOFF_SECONDS[min(item.attempts, len(BACKOFF_SECONDS) - 1)]
            self.store.retry_later(item, now + backoff)
            self.tally.retried += 1
