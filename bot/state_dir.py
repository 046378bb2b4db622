"""BOT_STATE_DIR holds the missed questions, the /lang choices and the inbox: readable by the
bot's own user only (files 0600, folders 0700), whatever the umask of the host was."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

log = logging.getLogger(__name__)

FILE_MODE = 0o600
DIR_MODE = 0o700
PRIVATE_UMASK = 0o077
"""Every file the process creates from here on is born private (SQLite's -wal and -shm too)."""


def make_private(state_dir: Path) -> list[str]:
    """Create `state_dir` 0700, tighten what is already in it, and make new files private.

    Returns the problems met (a read-only mount, a file owned by someone else): the bot runs
    all the same, and the caller reports them.
    """
    os.umask(PRIVATE_UMASK)
    problems: list[str] = []
    try:
        state_dir.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    except OSError as exc:
        return [f"cannot create {state_dir}: {exc.strerror or exc}"]
    for path in [state_dir, *state_dir.rglob("*")]:
        try:
            mode = path.lstat().st_mode
            if stat.S_ISLNK(mode):
                continue
            wanted = DIR_MODE if stat.S_ISDIR(mode) else FILE_MODE
            if stat.S_IMODE(mode) != wanted:
                path.chmod(wanted)
        except OSError as exc:
            problems.append(f"cannot make {path} private: {exc.strerror or exc}")
    for problem in problems[:3]:
        log.warning("%s", problem)
    return problems
