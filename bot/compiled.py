"""The built Answerer of one version of data/, kept on disk so a start or a reload of the same
data loads it in a fraction of a second instead of rebuilding it.

Building means reading and validating every YAML file, then folding every text of every event
into the vocabulary, the letter model and the text index: seconds at 10,000 events. None of it
changes until data/ or the code does, so the result is kept in BOT_STATE_DIR/compiled/, named by
a hash of the code and of every data file's path and bytes. Any change to either gives another
name, so a stale file is never read: it is simply not found, and the data is built again. (So
that a start need not read 200 MB to hash them, the hash is remembered per stat of the files,
see `stamp_key`.)

The file is a pickle behind a header (magic word, format version, payload length, blake2b of the
payload). pickle, because the Answerer is a graph of the project's own dataclasses and
dictionaries that pickle writes and reads whole with no conversion code to keep in step with
them; the header, because a file cut short, corrupted, or written by other code is then detected
before a byte is unpickled; and a restricted unpickler that resolves only the project's own
classes and a few built-in containers, so even a file that passes the checksum cannot name
arbitrary functions. Whatever goes wrong with the file (unreadable, foreign, truncated, a
read-only folder), the data is built from data/ as if there were no cache: never a crash, never
an answer from other data.

A running bot loads data/ again after each edit; `Compiler` is what one process keeps between
those loads: the event files' parts and the files' hashes by stat, and the last Answerer, which
bot/incremental.py updates when only events changed. The compiled file is then written after
the swap, in a thread.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import logging
import os
import pickle
import re
import struct
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bot.answering import Answerer
from bot.catalog import load_catalog
from bot.catalog.event_cache import Memory, Remembered, Stat, stat_of
from bot.catalog.model import Catalog, Event, EventAt
from bot.heap import give_back_freed_memory
from bot.incremental import updated
from bot.sealed import HEADER, Reducer, code_version, read_sealed_path, write_sealed

log = logging.getLogger(__name__)

FORMAT = 1
"""Bumped when the header changes; the code hash covers every change to the classes pickled."""

MAGIC = b"KGBEIDX\0"
_HEADER = HEADER  # magic, format, payload length, blake2b-256 (bot/sealed.py)
SUFFIX = ".idx"
STAMP_SUFFIX = ".stamp"  # holds the content key of the files as a stat saw them
EVENTS_SUBFOLDER = "events"
"""Where each event file's validated events are kept (bot/catalog/event_cache.py)."""
_HEX_KEY = re.compile(r"[0-9a-f]{40}")
KEEP = 3
"""Compiled files kept: the current data's and the last few (a fallback copy, a revert)."""
KEEP_STAMPS = 10  # a few bytes each: data/ and its last good copy, each after a few edits

WRITE_ATTEMPTS = 5
"""The Answerer is pickled while it answers (in a thread, after the swap): an answer that adds
to one of its memos (stems, the words naming an event) meanwhile spoils that attempt."""

IGNORED_SUFFIXES = ("~", ".swp", ".swx", ".tmp", ".part", ".bak")
"""Editors' swap and backup files: not data, not part of the key (as for reloading)."""


def load_answerer(data_dir: Path, cache_dir: Path | None) -> Answerer:
    """The Answerer for data/: the compiled one when there is one for exactly these files and
    this code, else built from data/ (and compiled, before returning, for next time).

    Raises:
        DataError: data/ is broken (the cache is never consulted for broken data: only data that
            loaded clean is ever compiled).
    """
    if cache_dir is None:
        return Answerer.from_directory(data_dir)
    compiler = Compiler(cache_dir)
    answerer = compiler.load(data_dir)
    compiler.keep()
    compiler.wait()
    return answerer


@dataclass
class Compiled:
    """What a compiled file holds: the Answerer, and each event file's part as the build read it
    (by the file's stat, see event_cache.Memory), so that a process started from this file
    and then told that one file changed rebuilds from this Answerer, not from nothing."""

    answerer: Answerer
    files: dict[str, Remembered] = field(default_factory=dict)
    digests: dict[str, tuple[Stat, bytes]] = field(default_factory=dict)  # see data_key


class Compiler:
    """The builds of data/ one process makes (at start, then at each reload).

    Each load looks for the compiled file of exactly these files first. Failing that, it reads
    only the event files written since the last load (the others' parts are remembered, by
    stat), and when nothing but events changed, it updates the last Answerer for the events
    that differ (bot/incremental.py) instead of building one. The compiled file for next time
    is written once the caller has put the new Answerer to work (`keep`), in a thread of its
    own: the new data answers at once, and a crash before the file is whole only means
    building again at the next start.

    Args:
        cache_dir: BOT_STATE_DIR/compiled; None keeps nothing on disk.
    """

    def __init__(self, cache_dir: Path | None) -> None:
        self.cache_dir = cache_dir
        self._memory = Memory()
        self._digests: dict[str, tuple[Stat, bytes]] = {}  # relative path -> stat, blake2b
        self._previous: Answerer | None = None
        self._stamp = ""  # the files `_previous` was loaded from (stamp_key), when known
        self._writer: threading.Thread | None = None
        self._writing = threading.Lock()  # one compiled file written at a time
        self._unwritten: tuple[Path, Compiled, str, str] | None = None

    def load(self, data_dir: Path) -> Answerer:
        """The Answerer for data/ as it is now.

        Raises:
            DataError: data/ is broken.
        """
        cache_dir = self.cache_dir
        self._unwritten = None  # a build the caller did not keep: its file is not wanted
        if cache_dir is None:
            return self._build(data_dir, None)
        stamp = stamp_key(data_dir)
        if stamp == self._stamp and self._previous is not None:  # the very files of the last
            return self._previous  # load (same stats, same bytes): its Answerer as it is
        key = _remembered_key(cache_dir, stamp) or data_key(data_dir, self._digests)
        path = cache_dir / f"{key}{SUFFIX}"
        cached = read_compiled(path)
        if cached is not None:
            _remember_key(cache_dir, stamp, key)
            self._memory.restore(cached.files)
            self._digests = dict(cached.digests)
            self._previous, self._stamp = cached.answerer, stamp
            return cached.answerer
        answerer = self._build(data_dir, cache_dir / EVENTS_SUBFOLDER)
        if stamp_key(data_dir) == stamp:  # not edited meanwhile (a stat each, see stamp_key)
            compiled = Compiled(answerer, self._memory.parts(), dict(self._digests))
            self._unwritten = (path, compiled, stamp, key)
            self._stamp = stamp
        return answerer

    def _updated(self, catalog: Catalog) -> Answerer | None:
        """The last Answerer updated for `catalog`, or None: none yet, more than events
        changed, or (logged) a failure there, which a fresh build then stands in for."""
        if self._previous is None:
            return None
        try:
            return updated(self._previous, catalog)
        except Exception:  # a bug there must cost a fresh build, not the reload
            log.exception("updating the last data failed; building it afresh")
            return None

    def keep(self) -> None:
        """Write the compiled file of the last build, in a thread (not before: pickling holds
        the interpreter most of the time it takes, and the swap must not wait for it)."""
        unwritten, self._unwritten = self._unwritten, None
        if unwritten is None:
            return
        path, compiled, stamp, key = unwritten

        def write() -> None:
            with self._writing:
                write_compiled(path, compiled)
                _remember_key(path.parent, stamp, key)
            # what building and pickling used and freed, handed back (bot/heap.py)
            give_back_freed_memory()

        self._writer = threading.Thread(target=write, name="compile", daemon=False)
        self._writer.start()

    def wait(self) -> None:
        """Until the compiled file of the last build is written (tests; a command that exits
        would wait for it anyway: the thread is not a daemon, a file is never left half)."""
        writer = self._writer
        if writer is not None:
            writer.join()

    def _build(self, data_dir: Path, events_cache: Path | None) -> Answerer:
        with _collector_paused():  # only the event files edited since are read (event_cache.py)
            catalog = load_catalog(data_dir, events_cache, self._memory)
            answerer = self._updated(catalog) or Answerer(catalog)
        self._previous, self._stamp = answerer, ""
        return answerer


def stamp_key(data_dir: Path) -> str:
    """A hash of the code and of every data file's path, size, inode, mtime and ctime: a stat
    each, no reading. Any write to a file changes its ctime, which no tool can set back, so the
    same stamp means the same bytes as when it was seen; it stands for the content hash, which
    reads every byte (a fifth of a second for 200 MB of YAML), only once per version of data/.
    A copy or a checkout gives new stamps: the bytes are hashed again, to the same key."""
    digest = hashlib.blake2b(digest_size=20)
    digest.update(code_version().encode())
    digest.update(str(data_dir.resolve()).encode())
    for relative, path in _data_files(data_dir):
        try:
            stat = path.stat()
        except OSError:
            continue
        digest.update(relative.encode())
        digest.update(
            struct.pack("<QQqq", stat.st_size, stat.st_ino, stat.st_mtime_ns, stat.st_ctime_ns)
        )
    return digest.hexdigest()


def _remembered_key(cache_dir: Path, stamp: str) -> str | None:
    """The content key last computed for these exact files, if it was kept."""
    try:
        key = (cache_dir / f"{stamp}{STAMP_SUFFIX}").read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return key if _HEX_KEY.fullmatch(key) else None


def _remember_key(cache_dir: Path, stamp: str, key: str) -> None:
    target = cache_dir / f"{stamp}{STAMP_SUFFIX}"
    if _remembered_key(cache_dir, stamp) == key:
        return
    try:
        staging = target.with_name(f".{target.name}.part")
        staging.write_text(key, encoding="ascii")
        os.replace(staging, target)
        _clear_old(cache_dir, target, STAMP_SUFFIX, KEEP_STAMPS)
    except OSError as error:
        log.info("could not keep the data stamp in %s: %s", cache_dir, error)


def data_key(data_dir: Path, digests: dict[str, tuple[Stat, bytes]] | None = None) -> str:
    """A hash of the code and of every data file (relative path and bytes), as a file name.

    `digests` remembers each file's hash by its stat (see event_cache.Stat) between calls, so
    that after one file was edited only that file is read again; updated in place."""
    digest = hashlib.blake2b(digest_size=20)
    digest.update(code_version().encode())
    seen: dict[str, tuple[Stat, bytes]] = {}
    for relative, path in _data_files(data_dir):
        try:
            stat = stat_of(path)  # before reading: a write after it gives a stat not kept
            known = digests.get(relative) if digests is not None else None
            if known is not None and known[0] == stat:
                content_digest = known[1]
            else:
                content = path.read_bytes()
                content_digest = hashlib.blake2b(content).digest()
        except OSError:  # vanished meanwhile: the key then differs from any later one
            continue
        seen[relative] = (stat, content_digest)
        digest.update(relative.encode())
        digest.update(struct.pack("<Q", len(content_digest)))
        digest.update(content_digest)
    if digests is not None:
        digests.clear()
        digests.update(seen)
    return digest.hexdigest()


def read_compiled(path: Path) -> Compiled | None:
    """What a compiled file holds, or None when it is missing or cannot be trusted."""
    with _collector_paused():
        compiled = read_sealed_path(
            path, MAGIC, FORMAT, Compiled, "the compiled data", "building from data/"
        )
    give_back_freed_memory()  # what unpickling used and freed (bot/heap.py)
    return compiled


def write_compiled(path: Path, compiled: Compiled | Answerer) -> None:
    """Keep the Answerer (and its files' parts) in `path`, whole or not at all; a failure is
    logged, never raised."""
    if isinstance(compiled, Answerer):
        compiled = Compiled(compiled)
    try:
        for attempt in range(WRITE_ATTEMPTS):
            try:
                write_sealed(path, compiled, MAGIC, FORMAT, _shared_events(compiled))
                break
            except RuntimeError as error:  # a memo filled by an answer while it was pickled
                if attempt == WRITE_ATTEMPTS - 1:
                    raise OSError(f"changed while written, {WRITE_ATTEMPTS} times") from error
        _clear_old(path.parent, path, SUFFIX, KEEP)
    except (OSError, pickle.PicklingError, RecursionError) as error:
        log.warning("could not keep the compiled data in %s: %s", path.parent, error)


def _shared_events(compiled: Compiled) -> Reducer:
    """The catalog's events written once (by field, Catalog.__getstate__), and every other
    reference to them (the files' parts) as the catalog and a rank: read back, the files' parts
    hold the catalog's own events, as in the process that wrote them, which the next reload
    relies on (bot/incremental.py matches events by identity); written as objects of their
    own, they would also be read back as a second copy of every event."""
    catalog = compiled.answerer.catalog

    def reduce(obj: object) -> object:
        if type(obj) is Event:
            return EventAt.reduction(catalog, obj) or NotImplemented
        return NotImplemented

    return reduce


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while millions of objects are made: it would walk them
    all again and again as they pile up (reading 30,000 compiled events: 0.45 s -> 0.2 s). On
    again afterwards, whatever happens.

    The new objects are then moved to the oldest generation (freeze, then unfreeze: a list
    splice, no walk), where a full collection alone looks at them; left in the youngest, the
    first allocation after would walk them all (0.3 s at 100,000 events) to promote them. They
    hold no cycles (dropping an Answerer frees it by reference counting), so nothing waits on
    that full collection to be freed."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        if was_enabled:
            gc.enable()


def _data_files(data_dir: Path) -> list[tuple[str, Path]]:
    """Every data file under data/, by relative path (hidden and editors' files left out)."""
    found: list[tuple[str, Path]] = []
    for folder, dirs, files in os.walk(data_dir):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if name.startswith(".") or name.endswith(IGNORED_SUFFIXES):
                continue
            path = Path(folder, name)
            found.append((path.relative_to(data_dir).as_posix(), path))
    return sorted(found)


def _clear_old(folder: Path, keep: Path, suffix: str, count: int) -> None:
    """Remove all but the KEEP most recently used files of the kind (compiled data, stamps)."""
    try:
        compiled = sorted(
            (p for p in folder.glob(f"*{suffix}") if p != keep),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
        for old in compiled[count - 1 :]:
            old.unlink(missing_ok=True)
    except OSError as error:
        log.info("could not clear old compiled data in %s: %s", folder, error)
