"""Soak: the real bot (`python -m bot run`) against the local Bot API fixture for a few
minutes, with a steady stream of private questions, a flooding group, and a SIGKILL and a
restart in the middle. Reports what matters: answered, lost, answered twice, stale, and the
bot's peak memory (RSS).

    python benchmarks/soak.py              # 3 minutes
    python benchmarks/soak.py --seconds 30

Not a test: loopback only, bounded in time; the numbers are printed, not asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.botapi import BotApiServer  # noqa: E402
from tests.e2e.test_run import start_bot  # noqa: E402

PRIVATE_PER_SECOND = 20
GROUP_MENTIONS_PER_SECOND = 20
FIRST_USER = 50_000


def launch(api: BotApiServer, state: Path) -> subprocess.Popen[str]:
    """The bot, its log in files (tests/e2e/processes.py: a full pipe would stall it)."""
    return start_bot(api, state, api.token)


def stop(process: subprocess.Popen[str], sig: signal.Signals, timeout: float) -> None:
    process.send_signal(sig)
    process.wait(timeout=timeout)


def peak_rss_mb(pid: int) -> float:
    """VmHWM: the most memory the process ever held, in MB (Linux)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text(encoding="ascii").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


async def soak(seconds: float) -> dict[str, float]:
    with BotApiServer() as api, tempfile.TemporaryDirectory() as folder:
        state = Path(folder) / "state"
        group = api.group_chat()
        asked: list[int] = []
        process = launch(api, state)
        await api.wait_for(lambda: api.commands, timeout=30, what="the bot to start")
        peaks: list[float] = []
        started = time.monotonic()
        killed = False
        user = FIRST_USER
        while time.monotonic() - started < seconds:
            for _ in range(PRIVATE_PER_SECOND):
                api.send_text(api.user(user, f"U{user}"), "films")
                asked.append(user)
                user += 1
            for n in range(GROUP_MENTIONS_PER_SECOND):
                member = api.user(90_000 + n, f"G{n}")
                api.send_text(member, f"@{api.username} concerts", chat=group)
            peaks.append(peak_rss_mb(process.pid))
            if not killed and time.monotonic() - started > seconds / 2:
                await asyncio.to_thread(stop, process, signal.SIGKILL, 10)
                process = launch(api, state)
                killed = True
            await asyncio.sleep(1)
        chats = set(asked)

        def answers() -> Counter[int]:
            return Counter(
                int(c.params["chat_id"])
                for c in api.calls_to("sendMessage")
                if c.ok and int(c.params.get("chat_id", 0)) in chats
            )

        deadline = time.monotonic() + 120
        while len(answers()) < len(chats) and time.monotonic() < deadline:
            peaks.append(peak_rss_mb(process.pid))
            await asyncio.sleep(1)
        await asyncio.to_thread(stop, process, signal.SIGTERM, 40)
        counts = answers()
        stale = pending = 0
        inbox = state / "inbox.sqlite3"
        if inbox.is_file():
            with sqlite3.connect(inbox) as db:
                rows = dict(db.execute("SELECT state, count(*) FROM updates GROUP BY state"))
                pending, stale = rows.get(0, 0), rows.get(2, 0)
        return {
            "seconds": round(time.monotonic() - started, 1),
            "asked": len(chats),
            "answered": len(counts),
            "still_in_inbox": pending,  # not lost: answered at the next start
            "lost": len(chats) - len(counts) - stale - pending,
            "answered_twice": sum(n - 1 for n in counts.values()),
            "stale": stale,
            "peak_rss_mb": round(max(peaks or [0.0]), 1),
        }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=180.0)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(soak(args.seconds)), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
