"""When the next message may go: below Telegram's limits, whatever the queue looks like.

Telegram allows about 30 messages a second per bot and about one a second per chat; we aim a
little lower (25/s by default) so that network jitter never crosses the line. A 429 answer
("retry after N") pauses every send for N seconds: the flood wait applies to the whole bot.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Protocol


class Clock(Protocol):
    """Seconds since the epoch and a way to wait: the real one, or a test's."""

    def now(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def now(self) -> float:
        return time.time()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(seconds, 0.0))


class FakeClock:
    """Time that passes only when someone sleeps: pacing is tested without waiting."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.time = start

    def now(self) -> float:
        return self.time

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(0)  # what was started before the sleep starts at the time it was
        self.time += max(seconds, 0.0)
        await asyncio.sleep(0)


@dataclass
class Pacer:
    """Spaces the sends: `per_second` overall, `chat_seconds` apart within one chat."""

    per_second: float = 25.0
    chat_seconds: float = 1.0
    _next_any: float = 0.0
    _next_in_chat: dict[str, float] = field(default_factory=dict)
    _paused_until: float = 0.0

    def earliest(self, chat: str, now: float) -> float:
        """The first moment a message to `chat` may go."""
        return max(now, self._next_any, self._paused_until, self._next_in_chat.get(chat, 0.0))

    def chat_ready(self, chat: str, now: float) -> bool:
        """Whether the chat's own spacing allows a send at `now` (the overall pace aside)."""
        return self._next_in_chat.get(chat, 0.0) <= max(now, self._next_any)

    def took(self, chat: str, at: float) -> None:
        """A message to `chat` left at `at`."""
        # a microsecond over the spacing, so float rounding never fits one more into a second
        self._next_any = max(self._next_any, at + 1.0 / self.per_second + 1e-6)
        self._next_in_chat[chat] = at + self.chat_seconds
        if len(self._next_in_chat) > 50_000:  # forget chats whose spacing has long passed
            self._next_in_chat = {c: t for c, t in self._next_in_chat.items() if t > at}

    def pause(self, until: float) -> None:
        """Telegram said 429: nothing goes before `until`."""
        self._paused_until = max(self._paused_until, until)
