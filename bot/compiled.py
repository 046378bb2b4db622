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
from collections.abc import Iterator
from pathlib import Path

from bot.answering import Answerer
from bot.catalog import load_catalog
from bot.heap import give_back_freed_memory
from bot.sealed import HEADER, code_version, read_sealed_path, write_sealed

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

IGNORED_SUFFIXES = ("~", ".swp", ".swx", ".tmp", ".part", ".bak")
"""Editors' swap and backup files: not data, not part of the key (as for reloading)."""


def load_answerer(data_dir: Path, cache_dir: Path | None) -> Answerer:
    """The Answerer for data/: the compiled one when there is one for exactly these files and
    this code, else built from data/ (and compiled for next time).

    Raises:
        DataError: data/ is broken (the cache is never consulted for broken data: only data that
            loaded clean is ever compiled).
    """
    if cache_dir is None:
        return Answerer.from_directory(data_dir)
    stamp = stamp_key(data_dir)
    key = _remembered_key(cache_dir, stamp) or data_key(data_dir)
    path = cache_dir / f"{key}{SUFFIX}"
    cached = read_compiled(path)
    if cached is not None:
        _remember_key(cache_dir, stamp, key)
        return cached
    with _collector_paused():  # only the event files edited since are read (event_cache.py)
        answerer = Answerer(load_catalog(data_dir, cache_dir / EVENTS_SUBFOLDER))
    if stamp_key(data_dir) == stamp:  # not edited meanwhile (a stat each, see stamp_key)
        write_compiled(path, answerer)
        _remember_key(cache_dir, stamp, key)
    give_back_freed_memory()  # what building and pickling used and freed (bot/heap.py)
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


def data_key(data_dir: Path) -> str:
    """A hash of the code and of every data file (relative path and bytes), as a file name."""
    digest = hashlib.blake2b(digest_size=20)
    digest.update(code_version().encode())
    for relative, path in _data_files(data_dir):
        try:
            content = path.read_bytes()
        except OSError:  # vanished meanwhile: the key then differs from any later one
            continue
        digest.update(relative.encode())
        digest.update(struct.pack("<Q", len(content)))
        digest.update(content)
    return digest.hexdigest()


def read_compiled(path: Path) -> Answerer | None:
    """The Answerer in a compiled file, or None when it is missing or cannot be trusted."""
    with _collector_paused():
        answerer = read_sealed_path(
            path, MAGIC, FORMAT, Answerer, "the compiled data", "building from data/"
        )
    give_back_freed_memory()  # what unpickling used and freed (bot/heap.py)
    return answerer


def write_compiled(path: Path, answerer: Answerer) -> None:
    """Keep the Answerer in `path`, whole or not at all; a failure is logged, never raised."""
    try:
        write_sealed(path, answerer, MAGIC, FORMAT)
        _clear_old(path.parent, path, SUFFIX, KEEP)
    except (OSError, pickle.PicklingError, RecursionError) as error:
        log.warning("could not keep the compiled data in %s: %s", path.parent, error)


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
