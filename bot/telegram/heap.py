"""Give the C heap's freed pages back to the system now and then.

glibc's `free` returns memory to the system only from the top of its heap; pages freed in the
middle (the buffers and objects of a burst of updates, long since answered) stay in the
process's RSS until something calls `malloc_trim`, which hands every whole free page back
(`madvise`). Nothing is moved and nothing live is touched, so it is safe at any time; it costs
a walk over the heap's free lists (well under a millisecond for this bot's heap).

Elsewhere (musl, macOS, Windows) there is no `malloc_trim` and this does nothing.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import logging
from collections.abc import Callable

log = logging.getLogger(__name__)


def _find_malloc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        trim = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):  # no libc by that name, or not glibc
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


_malloc_trim = _find_malloc_trim()


def give_back_freed_memory() -> bool:
    """Return the C heap's whole free pages to the system; True when there was a way to."""
    if _malloc_trim is None:
        return False
    _malloc_trim(0)
    return True


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
        if self.idle() and give_back_freed_memory():
            self.given_back += 1
