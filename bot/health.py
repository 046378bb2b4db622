"""The container's health check: is the running bot alive, not merely is the data valid.

The running bot touches BOT_STATE_DIR/heartbeat every HEARTBEAT_SECONDS (a repeating job);
`python -m bot.health` exits 0 when that file is younger than MAX_AGE_SECONDS, 1 otherwise.
A process stuck in a loop or an event loop that stopped turning stops the heartbeat, and Docker
marks the container unhealthy. Webhook mode uses the same file.

The heartbeat also lists what is degraded (the states /stats reports). Those the operator must
act on make the check fail although the bot is alive: questions may be lost (the inbox is off)
or wait (a backlog), or nothing can be saved (the state folder is read-only). The others (the
missed log off, answering from the last good data) are printed beside "healthy".
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

HEARTBEAT_FILE = "heartbeat"
HEARTBEAT_SECONDS = 30.0
"""How often the running bot should write the heartbeat."""
MAX_AGE_SECONDS = 120.0
"""Four missed beats: a slow disk or a long reload is not a death."""

DEGRADED = {
    "inbox_off": "the inbox is off: updates are confirmed to Telegram before they are stored",
    "backlog": "updates have waited more than a minute for their answer",
    "state_readonly": "BOT_STATE_DIR is read-only: choices, the inbox and the log are not saved",
    "missed_off": "the missed-question log is off (its file cannot be opened)",
    "old_data": "answering from the last good copy of data/ (check-data names the problems)",
}
"""Each degraded state the heartbeat can list, as the health check words it."""
MUST_ACT = frozenset({"inbox_off", "backlog", "state_readonly"})
"""Degraded states that make the check fail: the operator must act on them."""


def heartbeat_path(state_dir: Path) -> Path:
    return state_dir / HEARTBEAT_FILE


def write_heartbeat(
    state_dir: Path, now: float | None = None, degraded: Sequence[str] = ()
) -> None:
    """Record that the bot is alive now, and what is degraded (names from DEGRADED); atomic,
    so the check never reads half a file."""
    state_dir.mkdir(parents=True, exist_ok=True)
    moment = time.time() if now is None else now
    target = heartbeat_path(state_dir)
    temporary = target.with_name(f".{HEARTBEAT_FILE}.{os.getpid()}")
    lines = [f"{moment:.0f} pid={os.getpid()}", *(f"degraded {name}" for name in degraded)]
    temporary.write_text("\n".join(lines) + "\n", encoding="ascii")
    os.utime(temporary, (moment, moment))
    os.replace(temporary, target)


def heartbeat_age(state_dir: Path, now: float | None = None) -> float | None:
    """Seconds since the last heartbeat, or None when there is none."""
    try:
        written = heartbeat_path(state_dir).stat().st_mtime
    except OSError:
        return None
    return (time.time() if now is None else now) - written


def degraded_states(state_dir: Path) -> list[str]:
    """The degraded states the last heartbeat listed (unknown names kept, as written)."""
    try:
        text = heartbeat_path(state_dir).read_text(encoding="ascii", errors="replace")
    except OSError:
        return []
    return [line.split(" ", 1)[1] for line in text.splitlines() if line.startswith("degraded ")]


def describe(name: str) -> str:
    return DEGRADED.get(name, name)


def check(state_dir: Path, max_age: float = MAX_AGE_SECONDS, now: float | None = None) -> str:
    """Empty when healthy; otherwise what is wrong, in one line."""
    age = heartbeat_age(state_dir, now)
    if age is None:
        return f"no heartbeat at {heartbeat_path(state_dir)} — is the bot running?"
    if age > max_age:
        stale = f"the last heartbeat is {age:.0f} s old (more than {max_age:.0f} s)"
        if not os.access(state_dir, os.W_OK):
            return f"{stale}: {DEGRADED['state_readonly']}"
        return stale
    urgent = [describe(name) for name in degraded_states(state_dir) if name in MUST_ACT]
    return "; ".join(urgent)


def notices(state_dir: Path) -> list[str]:
    """Degraded states that leave the bot healthy, worded for the operator."""
    return [describe(name) for name in degraded_states(state_dir) if name not in MUST_ACT]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot.health", description="exit 0 when the running bot is alive"
    )
    parser.add_argument("--state-dir", type=Path, help="default: BOT_STATE_DIR")
    parser.add_argument("--max-age", type=float, default=MAX_AGE_SECONDS, help="seconds")
    args = parser.parse_args(argv)
    state_dir: Path | None = args.state_dir
    if state_dir is None:
        from bot.config import Settings

        state_dir = Settings.from_env().state_dir
    problem = check(state_dir, args.max_age)
    if problem:
        print(f"unhealthy: {problem}", file=sys.stderr)
        return 1
    minor = notices(state_dir)
    print("healthy" + "".join(f"; degraded: {notice}" for notice in minor))
    return 0


if __name__ == "__main__":
    sys.exit(main())
