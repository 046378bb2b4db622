"""Give the C heap's freed pages back when the bot goes quiet after a burst of updates.

glibc's `free` returns memory to the system only from the top of its heap; pages freed in the
middle (the buffers and objects of a burst of updates, long since answered) stay in the
process's RSS until `malloc_trim` hands every whole free page back (bot/heap.py; elsewhere it
does nothing). Nothing is moved and nothing live is touched, so it is safe at any time; it
costs a walk over the heap's free lists (tens of microseconds for this bot's heap).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from bot.heap import give_back_freed_memory

QUIET_SECONDS = 1.0
"""How long the bot must have had nothing to do before the freed memory is given back: a
burst's buffers go back once it is over, not between two of its updates."""


class GiveBackWhenQuiet:
    """Calls give_back_freed_memory once the bot has been idle QUIET_SECONDS (no update running
    or waiting), at most once per quiet spell. `idle()` says whether the bot is idle now."""

    def __init__(self, idle: Callable[[], bool], delay: float = QUIET_SECONDS) -> None:
        self.idle = idle
        self.delay = delay
        self.given_back = 0
        self._pending: asyncio.TimerHandle | None = None

    def quiet(self) -> None:
        """The last update in hand has finished (called from the event loop)."""
        if self._pending is None:
            self._pending = asyncio.get_running_loop().call_later(self.delay, self._check)

    def _check(self) -> None:
        self._pending = None
        if self.idle():
            give_back_freed_memory()
            self.given_back += 1
