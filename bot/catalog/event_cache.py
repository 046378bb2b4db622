"""Each data/events/*.yaml file's validated events, kept per version of that file, so a reload
after a curator edited one month's file reads and validates that file only.

At 100,000 events in 328 files, parsing and validating every file is most of a rebuild (about
four fifths; see docs/benchmarks.md). What one file yields depends only on its own bytes, on
what its events may point to (the lexicon's ids and places, the seed, the topics) and on the
code: the cache key is a hash of all of these and of the name the curator sees, so an entry is
never used for other bytes, other references or other code, and its problems name the right
file. What spans files (an id or an alias used in two of them) is checked afresh at every load
over all the events, cached or not.

Each entry is a sealed pickle (bot/sealed.py: checksummed header, restricted unpickler). An entry
that is missing, damaged, foreign or unreadable is simply not used: that file is read from data/
again. Nothing here raises on a bad cache; a folder that cannot be written only costs speed.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import struct
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bot.catalog.model import Event
from bot.catalog.problems import Problem
from bot.sealed import code_version, read_sealed_path, write_sealed

log = logging.getLogger(__name__)

MAGIC = b"KGBEVTS\0"
FORMAT = 2
SUFFIX = ".events"
SPARE = 400
"""Entries kept beyond those of the last load (other files' versions: the last good copy of
data/, a revert); the least recently used go first."""


@dataclass(frozen=True)
class ReadEvent:
    """An event as its file gave it: valid on its own, with the line of its id and its aliases'
    lines, for the checks across files (an id or an alias used twice)."""

    event: Event
    id_line: int
    aliases: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class FileEvents:
    """What one event file yields: its valid events, in file order, and its own problems.

    Kept by columns (the events; their id lines; the aliases of the few that have any) rather
    than as one `ReadEvent` each: a process keeps every file's part between reloads
    (`Memory`), and 100,000 small objects more would cost megabytes for nothing."""

    events: tuple[Event, ...]
    id_lines: array[int]
    aliases: dict[int, tuple[tuple[str, int], ...]]  # position in `events` -> its aliases
    problems: tuple[Problem, ...]

    @classmethod
    def of(cls, reads: Iterable[ReadEvent], problems: Iterable[Problem] = ()) -> FileEvents:
        reads = tuple(reads)
        return cls(
            tuple(read.event for read in reads),
            array("I", (read.id_line for read in reads)),
            {n: read.aliases for n, read in enumerate(reads) if read.aliases},
            tuple(problems),
        )


Stat = tuple[int, int, int, int]
"""A file's size, inode, mtime and ctime (ns): any write changes the ctime, which no tool can
set back, so the same stat means the same bytes (as bot/compiled.py's stamp relies on)."""


def stat_of(path: Path) -> Stat:
    """Raises OSError when the file cannot be looked at."""
    found = os.stat(path)
    return (found.st_size, found.st_ino, found.st_mtime_ns, found.st_ctime_ns)


Remembered = tuple[bytes, Stat, "FileEvents"]
"""An event file's part with the context it was read in (EventCache.context) and its stat."""


class Memory:
    """Each event file's part from the last load, in this process, by the file's stat: a reload
    after one file was edited neither reads, hashes nor unpickles the others. Only the files
    of the last load are kept (their events are the catalog's own objects: no copy)."""

    def __init__(self) -> None:
        self._parts: dict[str, Remembered] = {}
        self._next: dict[str, Remembered] = {}

    def parts(self) -> dict[str, Remembered]:
        """What the last load read, by the name the curator sees (kept with a compiled file)."""
        return dict(self._parts)

    def restore(self, parts: dict[str, Remembered]) -> None:
        """Take up what the load of a compiled file read (the process loaded that file)."""
        self._parts, self._next = dict(parts), {}

    def recall(self, display: str, context: bytes, stat: Stat) -> FileEvents | None:
        """The part read last time, when the file has this stat and was read in this context."""
        found = self._parts.get(display)
        if found is None or found[0] != context or found[1] != stat:
            return None
        self._next[display] = found
        return found[2]

    def remember(self, display: str, context: bytes, stat: Stat, part: FileEvents) -> None:
        self._next[display] = (context, stat, part)

    def loaded(self) -> None:
        """A load is over: keep what it used, drop the rest."""
        self._parts, self._next = self._next, {}


class EventCache:
    """The entries under `folder` for one context (the references events may point to).

    Args:
        folder: where the entries are kept; None keeps nothing (every file is read).
        context: a text standing for everything besides a file's bytes that its events depend
            on (see `_Loader.event_context`).
    """

    def __init__(self, folder: Path | None, context: str) -> None:
        self.folder = folder
        self.context = self._context = hashlib.blake2b(
            f"{code_version()}\0{context}".encode(), digest_size=20
        ).digest()
        self._used: set[str] = set()

    def key(self, display: str, content: bytes) -> str:
        """The entry's name for a file shown as `display` holding `content`."""
        digest = hashlib.blake2b(self._context, digest_size=20)
        name = display.encode()
        digest.update(struct.pack("<Q", len(name)))
        digest.update(name)
        digest.update(content)
        return digest.hexdigest()

    def get(self, key: str) -> FileEvents | None:
        """The entry, or None when there is none to trust."""
        if self.folder is None:
            return None
        found = read_sealed_path(
            self.folder / f"{key}{SUFFIX}",
            MAGIC,
            FORMAT,
            FileEvents,
            "the cached events",
            "reading the file again",
        )
        if found is not None:
            self._used.add(key)
        return found

    def put(self, key: str, part: FileEvents) -> None:
        """Keep an entry; a failure is logged, never raised."""
        if self.folder is None:
            return
        try:
            write_sealed(self.folder / f"{key}{SUFFIX}", part, MAGIC, FORMAT)
        except (OSError, pickle.PicklingError, RecursionError) as error:
            log.info("could not keep the events of a file in %s: %s", self.folder, error)
            return
        self._used.add(key)

    def clear_old(self) -> None:
        """Remove the least recently used entries beyond those of this load and SPARE more."""
        if self.folder is None:
            return
        try:
            entries = [p for p in self.folder.glob(f"*{SUFFIX}") if p.stem not in self._used]
            if len(entries) <= SPARE:
                return
            entries.sort(key=lambda p: p.stat().st_mtime, reverse=True)
            for old in entries[SPARE:]:
                old.unlink(missing_ok=True)
        except OSError as error:
            log.info("could not clear old cached events in %s: %s", self.folder, error)
