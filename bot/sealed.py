"""Pickles of the bot's own values kept on disk and read back only when they are intact.

Both caches of built data (the whole Answerer, bot/compiled.py; each event file's validated
events, bot/catalog/event_cache.py) are a pickle behind a header: magic word, format version,
payload length, blake2b of the payload. The header catches a file cut short, corrupted or written
by other code before a byte is unpickled; the unpickler resolves only the project's own classes
and a few built-in containers, so even a file that passes the checksum cannot name arbitrary
functions. A file that fails any check raises ValueError or pickle.UnpicklingError: the caller
then builds from data/ as if there were no cache.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import logging
import os
import pickle
import struct
import sys
import tempfile
from collections.abc import Callable
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

HEADER = struct.Struct("<8sIQ32s")  # magic, format, payload length, blake2b-256 of the payload

# What the unpickler may resolve besides the project's own classes: the containers and
# factories the bot's tables are made of. Nothing that runs code of its own choosing.
_ALLOWED_GLOBALS = {
    ("builtins", "set"),
    ("builtins", "frozenset"),
    ("builtins", "list"),
    ("builtins", "dict"),
    ("builtins", "tuple"),
    ("builtins", "int"),
    ("builtins", "float"),
    ("builtins", "str"),
    ("builtins", "object"),
    ("collections", "defaultdict"),
    ("collections", "Counter"),
    ("collections", "OrderedDict"),
    ("copyreg", "_reconstructor"),
    ("re", "_compile"),
    ("datetime", "date"),
    ("array", "array"),
    ("array", "_array_reconstructor"),
}

_CHUNK = 1 << 20
_PACKAGE = Path(__file__).resolve().parent

_Value = TypeVar("_Value")

log = logging.getLogger(__name__)


Reducer = Callable[[object], Any]
"""A pickler's `reducer_override`: how to write some objects (NotImplemented: as usual). It is
not called for the built-in containers, strings and numbers, only for other objects."""


def write_sealed(
    path: Path, value: object, magic: bytes, version: int, reducer: Reducer | None = None
) -> None:
    """Keep `value` in `path`, whole or not at all (written aside, then renamed).

    The pickle goes to the file as it is made, a frame at a time, through a writer that
    hashes it on the way; the header, which holds its length and hash, is written last, at the
    start of the file. So the payload is never held whole in memory, and a thread writing a
    big file (the compiled data, after a reload) lets the others run between frames: a pickle
    made in one call would hold the interpreter for the whole second it takes.

    Raises:
        OSError, pickle.PicklingError, RecursionError: the caller logs them and carries on.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, staging = tempfile.mkstemp(prefix=".", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(bytes(HEADER.size))
            hashing = _HashingWriter(file)
            pickler = (
                pickle.Pickler(hashing, protocol=pickle.HIGHEST_PROTOCOL)
                if reducer is None
                else _OverridingPickler(hashing, reducer)
            )
            pickler.dump(value)
            file.seek(0)
            file.write(HEADER.pack(magic, version, hashing.size, hashing.digest.digest()[:32]))
        os.replace(staging, path)
    except BaseException:
        Path(staging).unlink(missing_ok=True)
        raise


class _OverridingPickler(pickle.Pickler):
    """A pickler that asks `reducer` first (see Reducer)."""

    def __init__(self, file: _HashingWriter, reducer: Reducer) -> None:
        self._reducer = reducer
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)

    def reducer_override(self, obj: object) -> Any:
        return self._reducer(obj)


class _HashingWriter:
    """Passes each frame of a pickle on to the file, hashing and counting it."""

    def __init__(self, file: BinaryIO) -> None:
        self.file = file
        self.digest = hashlib.blake2b()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        self.size += len(data)
        return self.file.write(data)


def read_sealed(file: BinaryIO, magic: bytes, version: int, kind: type[_Value]) -> _Value:
    """The value in a sealed file, checked whole (in chunks) before it is unpickled from the
    file itself: the payload is never held whole next to the objects it becomes.

    Raises:
        ValueError, pickle.UnpicklingError (or whatever a damaged pickle raises): not a file to
            trust; the caller builds from data/.
    """
    header = file.read(HEADER.size)
    if len(header) < HEADER.size:
        raise ValueError("shorter than its header")
    found_magic, found_version, length, checksum = HEADER.unpack(header)
    if found_magic != magic or found_version != version:
        raise ValueError("not a file of this kind and version")
    digest = hashlib.blake2b()
    size = 0
    while chunk := file.read(_CHUNK):
        digest.update(chunk)
        size += len(chunk)
    if size != length:
        raise ValueError(f"{size} bytes where the header says {length}")
    if digest.digest()[:32] != checksum:
        raise ValueError("checksum mismatch")
    file.seek(HEADER.size)
    value = _RestrictedUnpickler(file).load()
    if not isinstance(value, kind):
        raise ValueError(f"holds a {type(value).__name__}, not a {kind.__name__}")
    return value


def read_sealed_path(
    path: Path, magic: bytes, version: int, kind: type[_Value], what: str, instead: str
) -> _Value | None:
    """The value in `path`, or None when there is none or it cannot be trusted (logged as
    "ignoring <what> <path> (why); <instead>"). A file read is marked recently used, so the
    clearing of old files keeps it."""
    try:
        file = path.open("rb")
    except OSError:
        return None
    try:
        with file:
            value = read_sealed(file, magic, version, kind)
    except Exception as error:  # whatever a damaged file does, the caller builds instead
        log.warning("ignoring %s %s (%s); %s", what, path, error, instead)
        return None
    with contextlib.suppress(OSError):
        os.utime(path)
    return value


@lru_cache(maxsize=1)
def code_version() -> str:
    """A hash of the bot's own source and the Python running it: a compiled file from other
    code, whose classes may differ, gets another name and is never read."""
    digest = hashlib.blake2b(digest_size=20)
    digest.update(f"{sys.version} {pickle.HIGHEST_PROTOCOL}".encode())
    for path in sorted(_PACKAGE.rglob("*.py")):
        digest.update(path.relative_to(_PACKAGE).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


class _RestrictedUnpickler(pickle.Unpickler):
    """Resolves only the project's classes and a few containers (see _ALLOWED_GLOBALS)."""

    def find_class(self, module: str, name: str) -> object:
        if (module, name) == ("builtins", "getattr"):  # how Enum members are pickled
            return _safe_attribute
        if (module, name) in _ALLOWED_GLOBALS:
            return super().find_class(module, name)
        if module == "bot" or module.startswith("bot."):
            found = super().find_class(module, name)
            if isinstance(found, type):
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a sealed file")


def _safe_attribute(owner: object, name: str) -> object:
    """getattr for Enum members and the clock (`date.today`) only: what the bot's values hold."""
    if isinstance(owner, type) and issubclass(owner, Enum) and name in owner.__members__:
        return owner.__members__[name]
    if owner is datetime.date and name == "today":
        return datetime.date.today
    raise pickle.UnpicklingError(f"{owner!r}.{name} is not allowed in a sealed file")
