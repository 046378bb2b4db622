"""Safe data reloads: curators edit data/ while the bot runs, and nothing they save can stop it.

`DataReloader` holds the current `Answerer`. `maybe_changed()` is what runs before every answer:
it looks at the files (one `stat` each) at most once a second, so a busy bot does not stat data/
thousands of times a second, and an edit is still live within a second. `check()` (one `stat` per
file) runs when that says so, or from a periodic job: when the files changed and have settled,
it loads and validates the new data in full and swaps the Answerer only when the data is clean.
Broken data leaves the previous Answerer in place and returns the `file:line` problems, flagged
for the admins once per distinct broken state. After every clean load a copy of data/ can be kept
(`fallback_dir`) so that a restart with broken data still starts, from the last good copy. Each
version of data/ is built once and kept compiled (`compiled_dir`, bot/compiled.py); after an
edit of event files only, the Answerer answering is updated for the events that changed
(bot/incremental.py) rather than built again.

Pure: no Telegram, no environment; the adapter decides where messages go.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from bot.answering import Answerer
from bot.catalog import DataError, Problem
from bot.compiled import Compiler

log = logging.getLogger(__name__)

Fingerprint = tuple[tuple[str, int, int], ...]
"""(relative path, mtime in ns, size) of every file under data/, sorted: what `check` compares."""

POLL_SECONDS = 1.0
"""`maybe_changed` looks at the files at most this often; in between it repeats its last word."""

SETTLE_SECONDS = 1.0
"""A change younger than this may be a file still being written; wait for the next check."""

_IGNORED_SUFFIXES = ("~", ".swp", ".swx", ".tmp", ".part", ".bak")


class ReloadStatus(StrEnum):
    UNCHANGED = "unchanged"  # nothing to do (or a change that has not settled yet)
    RELOADED = "reloaded"  # new data is live
    INVALID = "invalid"  # new data is broken; the previous data is still answering


@dataclass(frozen=True)
class ReloadResult:
    """What a check or a forced reload did.

    `problems` are `file:line: message` lines, ready to show a curator.
    `notify` is True when the admins should hear about it: the first time a given broken state
    is seen, and when data that was broken loads clean again. `events` counts the events of the
    data now answering.
    """

    status: ReloadStatus
    problems: tuple[str, ...] = ()
    notify: bool = False
    events: int = 0
    from_fallback: bool = False

    @property
    def ok(self) -> bool:
        return self.status is not ReloadStatus.INVALID


class DataReloader:
    """The Answerer currently answering, and the machinery that replaces it safely.

    Args:
        data_dir: the curators' data/ folder.
        fallback_dir: where a copy of the last data that loaded clean is kept (under
            BOT_STATE_DIR); None keeps no copy.
        settle_seconds: how old the newest change must be before it is loaded, so a file
            being saved is not read half-written (a change seen unchanged on two checks in a
            row is loaded whatever its age).
        clock: seconds since the epoch, comparable with file mtimes (tests pass their own).
        poll_seconds: how often at most `maybe_changed` looks at the files (0: every call).
        monotonic: the clock `poll_seconds` is measured on (tests pass their own).
        compiled_dir: where the built data is kept per version of data/ (bot/compiled.py), so
            a start or reload of data already seen loads in a fraction of a second; None
            builds every time.

    Raises:
        DataError: at construction only, when data/ is broken and there is no good fallback
            copy: there is no previous data to keep answering from.
    """

    def __init__(
        self,
        data_dir: Path,
        *,
        fallback_dir: Path | None = None,
        settle_seconds: float = SETTLE_SECONDS,
        clock: Callable[[], float] = time.time,
        poll_seconds: float = POLL_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
        compiled_dir: Path | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.fallback_dir = fallback_dir
        self.settle_seconds = settle_seconds
        self._clock = clock
        self.poll_seconds = poll_seconds
        self._monotonic = monotonic
        self._next_poll = monotonic() + poll_seconds  # the files were just looked at
        self._maybe_changed = False  # what the last look said
        self.compiled_dir = compiled_dir
        self._compiler = Compiler(compiled_dir)
        self._lock = threading.Lock()
        self._seen: Fingerprint | None = None  # the files as the last check saw them
        self._loaded: Fingerprint | None = None  # the files as they were when last loaded
        self._reported: tuple[str, ...] | None = None  # the broken state admins were told of
        fingerprint = self.fingerprint()
        answerer, problems = _load(self._compiler, data_dir)
        self._loaded = self._seen = fingerprint
        if answerer is not None:
            self._answerer = answerer
            self._compiler.keep()
            self._snapshot(fingerprint)
            self.initial = ReloadResult(ReloadStatus.RELOADED, events=_count(answerer))
            return
        fallback = self._load_fallback()
        if fallback is None:
            raise DataError(problems)
        lines = tuple(str(problem) for problem in problems)
        self._answerer = fallback
        self._compiler.keep()
        self._reported = lines
        self.initial = ReloadResult(
            ReloadStatus.INVALID, lines, True, _count(fallback), from_fallback=True
        )
        log.warning("data/ is broken; answering from the last good copy %s", fallback_dir)

    @property
    def current(self) -> Answerer:
        """The Answerer to use for this update; read it once per update, not per call."""
        return self._answerer

    @property
    def problems(self) -> tuple[str, ...]:
        """The problems of the newest data when it is broken (the bot answers from older data);
        empty when the data answering is the newest."""
        return self._reported or ()

    def check(self, *, wait: bool = False) -> ReloadResult:
        """Reload when data/ changed and the change has settled; cheap when nothing changed.

        Never raises on bad data. When another thread is already loading, returns UNCHANGED
        at once rather than loading twice; with `wait`, it waits for that load to end first,
        so `current` afterwards is the newest data (what an answer wants; a watcher does not).
        """
        if not self._lock.acquire(blocking=wait):
            return self._unchanged()
        try:
            fingerprint = self.fingerprint()
            previous, self._seen = self._seen, fingerprint
            if fingerprint == self._loaded:
                return self._unchanged()
            if fingerprint != previous and not self._settled(fingerprint):
                return self._unchanged()
            return self._swap(fingerprint, forced=False)
        finally:
            self._maybe_changed = self._seen != self._loaded  # a change not loaded yet: look again
            self._lock.release()

    def maybe_changed(self) -> bool:
        """Whether data/ may differ from what is loaded; no lock, no thread.

        Looks at the files (a stat each) at most once per `poll_seconds` and repeats its last
        answer in between: the per-update check then costs a clock read, nearly always, and
        an edit is noticed by the first update a second after it at most. True until a check
        has loaded (or rejected) the change.
        """
        now = self._monotonic()
        if now < self._next_poll:
            return self._maybe_changed
        self._next_poll = now + self.poll_seconds
        self._maybe_changed = self.fingerprint() != self._loaded
        return self._maybe_changed

    async def check_async(self, *, wait: bool = False) -> ReloadResult:
        """`check` in a worker thread, so a long load does not stall the event loop."""
        return await asyncio.to_thread(self.check, wait=wait)

    def reload(self) -> ReloadResult:
        """Load data/ now whatever the files look like (the admins' /reload); never raises."""
        with self._lock:
            fingerprint = self.fingerprint()
            self._seen = fingerprint
            try:
                return self._swap(fingerprint, forced=True)
            finally:
                self._maybe_changed = self._seen != self._loaded

    def wait_compiled(self) -> None:
        """Until the compiled file of the last build is written: it is written after the swap,
        in a thread, so that the new data answers at once (tests and benchmarks wait)."""
        self._compiler.wait()

    def fingerprint(self) -> Fingerprint:
        """Every file under data/ with its mtime and size; files vanishing meanwhile skipped."""
        return _fingerprint(self.data_dir)

    # -- inside the lock -----------------------------------------------------------------------

    def _settled(self, fingerprint: Fingerprint) -> bool:
        newest = max((mtime for _, mtime, _ in fingerprint), default=0) / 1e9
        return self._clock() - newest >= self.settle_seconds

    def _swap(self, fingerprint: Fingerprint, *, forced: bool) -> ReloadResult:
        answerer, problems = _load(self._compiler, self.data_dir)
        if self.fingerprint() != fingerprint and not forced:
            # Saved again while we read: what we read may mix two versions. Next check.
            self._seen = None
            return self._unchanged()
        self._loaded = fingerprint
        if answerer is None:
            lines = tuple(str(problem) for problem in problems)
            notify = forced or lines != self._reported
            self._reported = lines
            log.warning("data/ has %d problem(s); keeping the previous data", len(lines))
            return ReloadResult(ReloadStatus.INVALID, lines, notify, _count(self._answerer))
        was_broken = self._reported is not None
        self._answerer = answerer  # one reference assignment: readers see old or new, whole
        self._compiler.keep()  # the compiled file for next time, written in a thread
        self._reported = None
        self._snapshot(fingerprint)
        log.info("data/ reloaded: %d events", _count(answerer))
        return ReloadResult(ReloadStatus.RELOADED, (), forced or was_broken, _count(answerer))

    def _unchanged(self) -> ReloadResult:
        return ReloadResult(ReloadStatus.UNCHANGED, events=_count(self._answerer))

    def _snapshot(self, fingerprint: Fingerprint) -> None:
        """Copy data/ to the fallback folder, replacing the old copy only once the new is whole."""
        if self.fallback_dir is None:
            return
        target = self.fallback_dir
        if _fingerprint(target) == fingerprint:  # already a copy of this data (copies keep
            return  # mtimes): 170 MB at 100,000 events need not be copied at every start
        staging = target.with_name(f"{target.name}.new")
        retired = target.with_name(f"{target.name}.old")
        try:
            shutil.rmtree(staging, ignore_errors=True)
            shutil.copytree(
                self.data_dir,
                staging,
                ignore=shutil.ignore_patterns(".*", *_ignored_globs()),
                copy_function=_CopyOrLink(self.data_dir, target),
            )
            if self.fingerprint() != fingerprint:  # edited during the copy: keep the old copy
                shutil.rmtree(staging, ignore_errors=True)
                return
            shutil.rmtree(retired, ignore_errors=True)
            if target.exists():
                target.rename(retired)
            staging.rename(target)
            shutil.rmtree(retired, ignore_errors=True)
        except OSError as error:  # a full or read-only state volume must not stop answering
            log.warning("could not keep a copy of the good data in %s: %s", target, error)

    def _load_fallback(self) -> Answerer | None:
        if self.fallback_dir is None or not self.fallback_dir.is_dir():
            return None
        answerer, _ = _load(self._compiler, self.fallback_dir)
        if answerer is None:
            log.warning("the last good copy %s does not load either", self.fallback_dir)
        return answerer


def _load(compiler: Compiler, data_dir: Path) -> tuple[Answerer | None, tuple[Problem, ...]]:
    """An Answerer for data/, or None and the problems; nothing a curator saves escapes as an
    exception (a file deleted or cut short mid-read included)."""
    where = data_dir.name or str(data_dir)
    try:
        return compiler.load(data_dir), ()
    except DataError as error:
        problems = tuple(error.problems)
        return None, problems or (Problem(where, 1, "the data could not be loaded"),)
    except (OSError, ValueError, RecursionError, MemoryError) as error:
        log.warning("loading %s failed: %r", data_dir, error)
        message = f"the files could not be read ({error}) — save again, or try /reload"
        return None, (Problem(where, 1, message),)
    except Exception as error:  # a loader bug must not take the bot down either
        log.exception("loading %s failed unexpectedly", data_dir)
        message = (
            f"the data could not be loaded ({type(error).__name__}) — run "
            "`python -m bot check-data` to see why"
        )
        return None, (Problem(where, 1, message),)


def _fingerprint(root: Path) -> Fingerprint:
    """Every file under `root` with its mtime and size; files vanishing meanwhile skipped."""
    entries: list[tuple[str, int, int]] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            if name.startswith(".") or name.endswith(_IGNORED_SUFFIXES):
                continue
            path = Path(folder, name)
            try:
                stat = path.stat()
            except OSError:
                continue
            entries.append((path.relative_to(root).as_posix(), stat.st_mtime_ns, stat.st_size))
    return tuple(sorted(entries))


class _CopyOrLink:
    """Copies a data file into the new good copy, or, when the old good copy holds it as it
    is (same size and mtime: copies keep mtimes), links the old copy's file instead. After an
    edit of one file of 328 (100,000 events), one file is copied, not 170 MB. Safe because no
    one writes into the good copy: its files only ever get linked, never changed."""

    def __init__(self, data_dir: Path, old_copy: Path) -> None:
        self.data_dir = data_dir
        self.old_copy = old_copy

    def __call__(self, source: str, target: str) -> object:
        try:
            old = self.old_copy / Path(source).relative_to(self.data_dir)
            have, want = old.stat(), os.stat(source)
            if (have.st_size, have.st_mtime_ns) == (want.st_size, want.st_mtime_ns):
                os.link(old, target)
                return target
        except (OSError, ValueError):
            pass
        return shutil.copy2(source, target)


def _ignored_globs() -> list[str]:
    return [f"*{suffix}" for suffix in _IGNORED_SUFFIXES]


def _count(answerer: Answerer) -> int:
    return len(answerer.catalog.events)
