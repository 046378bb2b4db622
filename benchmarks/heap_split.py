"""Where a process's memory sits, by allocator: for benchmarks/memory.py's `--split`.

RSS alone cannot tell live objects from an allocator's high-water mark. This reads, in the
process itself: pymalloc's arenas (the 1 MiB blocks Python's small objects live in) and the
bytes its live blocks take; glibc's heap (mallinfo2: its size, what is in use, what is free but
kept); and SQLite's own allocations. Linux with glibc only; a part it cannot read is left out.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import re
import sys
import tempfile


class _MallInfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena",
            "ordblks",
            "smblks",
            "hblks",
            "hblkhd",
            "usmblks",
            "fsmblks",
            "uordblks",
            "fordblks",
            "keepcost",
        )
    ]


def _pymalloc() -> dict[str, float]:
    """pymalloc's own figures, from sys._debugmallocstats (written to the C stderr)."""
    with tempfile.TemporaryFile(mode="w+") as out:
        sys.stderr.flush()
        saved = os.dup(2)
        os.dup2(out.fileno(), 2)
        try:
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        out.seek(0)
        text = out.read()

    def figure(label: str) -> int | None:
        found = re.search(re.escape(label) + r"\s*=\s*([\d,]+)", text)
        return int(found.group(1).replace(",", "")) if found else None

    arenas = figure("# arenas allocated current")
    used = figure("# bytes in allocated blocks")
    split: dict[str, float] = {}
    if arenas is not None:
        split["pymalloc_arenas_mb"] = arenas * (1 << 20) / 1e6
    if used is not None:
        split["pymalloc_live_mb"] = used / 1e6
    return split


def _glibc() -> dict[str, float]:
    with contextlib.suppress(AttributeError, OSError):
        mallinfo2 = ctypes.CDLL("libc.so.6").mallinfo2
        mallinfo2.restype = _MallInfo2
        info = mallinfo2()
        return {
            "glibc_heap_mb": info.arena / 1e6,
            "glibc_in_use_mb": info.uordblks / 1e6,
            "glibc_free_kept_mb": info.fordblks / 1e6,
            "glibc_mmapped_mb": info.hblkhd / 1e6,
        }
    return {}


def _sqlite() -> dict[str, float]:
    with contextlib.suppress(AttributeError, OSError):
        used = ctypes.CDLL("libsqlite3.so.0").sqlite3_memory_used
        used.restype = ctypes.c_int64
        return {"sqlite_mb": used() / 1e6}
    return {}


def heap_split() -> dict[str, float]:
    """The figures above (MB), rounded to 0.01; empty where the platform has none."""
    split = {**_pymalloc(), **_glibc(), **_sqlite()}
    return {name: round(value, 2) for name, value in split.items()}
