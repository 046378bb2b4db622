"""The container's health check: is the running bot alive, not merely is the data valid.

The running bot touches BOT_STATE_DIR/heartbeat every HEARTBEAT_SECONDS (a repeating job);
`python -m bot.health` exits 0 when that file is younger than MAX_AGE_SECONDS, 1 otherwise.
A process stuck in a loop or an event loop that stopped turning stops the heartbeat, and Docker
marks the container unhealthy. Webhook mode uses the same file.
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


def heartbeat_path(state_dir: Path) -> Path:
    return state_dir / HEARTBEAT_FILE


def write_heartbeat(state_dir: Path, now: float | None = None) -> None:
    """Record that the bot is alive now; atomic, so the check never reads half a file."""
    state_dir.mkdir(parents=True, exist_ok=True)
    moment = time.time() if now is None else now
    target = heartbeat_path(state_dir)
    temporary = target.with_name(f".{HEARTBEAT_FILE}.{os.getpid()}")
    temporary.write_text(f"{moment:.0f} pid={os.getpid()}\n", encoding="ascii")
    os.utime(temporary, (moment, moment))
    os.replace(temporary, target)


def heartbeat_age(state_dir: Path, now: float | None = None) -> float | None:
    """Seconds since the last heartbeat, or None when there is none."""
    try:
        written = heartbeat_path(state_dir).stat().st_mtime
    except OSError:
        return None
    return (time.time() if now is None else now) - written


def check(state_dir: Path, max_age: float = MAX_AGE_SECONDS, now: float | None = None) -> str:
    """Empty when healthy; otherwise what is wrong, in one line."""
    age = heartbeat_age(state_dir, now)
    if age is None:
        return f"no heartbeat at {heartbeat_path(state_dir)} — is the bot running?"
    if age > max_age:
        return f"the last heartbeat is {age:.0f} s old (more than {max_age:.0f} s)"
    return ""


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
    print("healthy")
    return 0


if __name__ == "__main__":
    sys.exit(main())
