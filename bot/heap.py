"""Memory the process freed, handed back to the system after building an engine.

Building the engine from data/ (parsing YAML, counting words, pickling it for the cache), or
reading it back, makes and frees hundreds of megabytes of short-lived objects at 100,000
events. The C library keeps what is freed in its heap for later, so the process's resident size
stayed well above what it holds (at 100,000 events, read back from the cache: 98 MB, 81 MB
with the free memory handed back; after a fresh build before the catalog was pickled by
columns: 153 MB, 121 MB). glibc's malloc_trim returns the free pages; elsewhere (musl, macOS)
this does nothing.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import os
from collections.abc import Callable


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's malloc_trim, looked up once (the bot calls it on every quiet spell)."""
    with contextlib.suppress(AttributeError, OSError, ValueError):
        if os.confstr("CS_GNU_LIBC_VERSION"):
            trim: Callable[[int], int] = ctypes.CDLL("libc.so.6").malloc_trim
            return trim
    return None


def give_back_freed_memory() -> None:
    """Return the C heap's free pages to the system (glibc only; a few milliseconds)."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
