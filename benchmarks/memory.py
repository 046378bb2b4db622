"""Memory under a long stream of people: the bot's RSS while it answers 100,000 messages from
20,000 users, with the per-user state it keeps (abuse-limit windows, conversations, the
conversation behind each reply) expiring or capped.

    python -m benchmarks.memory                              # 100,000 messages, 20,000 users
    python -m benchmarks.memory --messages 20000 --users 4000

The bot (build_application, real data, default abuse limits, INFO logging to a file) runs in a
child process whose RSS is sampled from /proc; the local Bot API fixture and the users run in
this one. The outgoing rate limiter is off, as in benchmarks/end_to_end.py: at Telegram's 30
messages a second the run would take an hour. Each user asks the questions of
tests/questions.yaml in turn; the users take turns, so each has asked about
messages / users times by the end, spread over the whole run. At most IN_FLIGHT messages wait
for their answer at once.

Reported: idle RSS (started, nothing asked yet), final RSS, their difference (goal <= 10 MB),
and the slope of RSS against messages answered over the last half of the run (goal: flat).
Not a test: loopback only, bounded in time; the numbers are printed, not asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import logging
import multiprocessing
import sys
import tempfile
import threading
import time
import tracemalloc
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.heap_split import heap_split  # noqa: E402
from bot import logs as bot_logs  # noqa: E402
from bot.answering import Answerer  # noqa: E402
from bot.catalog.question_set import load_question_set  # noqa: E402
from bot.config import Secret, Settings  # noqa: E402
from bot.paths import DEFAULT_DATA_DIR  # noqa: E402
from bot.telegram.app import build_application  # noqa: E402
from tests.botapi.server import JSON, BotApiServer  # noqa: E402
from tests.e2e.conftest import running  # noqa: E402

QUESTIONS = ROOT / "tests" / "questions.yaml"
IN_FLIGHT = 200
FIRST_USER = 1_000_000
SAMPLE_EVERY = 1_000
"""Messages between two RSS samples."""
SETTLE_SECONDS = 2.0
STALL_SECONDS = 60.0
"""No answer for this long ends the run (reported), rather than waiting forever."""


# --------------------------------------------------------------------------- child: the bot


def run_bot(
    token: str, base_url: str, state: str, conn: Connection, trace: int, settings: dict[str, Any]
) -> None:
    """The bot as `python -m bot run` builds it (fixed data, rate limiter off). With `trace`,
    where the memory allocated during the run was allocated (tracemalloc, `trace` frames deep)
    goes to stderr."""
    logging.basicConfig(
        filename=Path(state) / "bot.log", level=logging.INFO, format=bot_logs.FORMAT, force=True
    )
    bot_logs.configure("INFO", (token,))

    async def main() -> None:
        answerer = Answerer.from_directory(DEFAULT_DATA_DIR)
        app = build_application(
            Settings(
                token=Secret(token), api_base_url=base_url, state_dir=Path(state), **settings
            ),
            answerer,
        )
        app.bot._rate_limiter = None  # see the module docstring
        async with running(app):
            if trace:
                tracemalloc.start(trace)
                before = tracemalloc.take_snapshot()
            conn.send("ready")
            halfway = None
            while (
                command := await asyncio.get_running_loop().run_in_executor(None, conn.recv)
            ) != "stop":
                if command == "split":  # --split: where the memory sits now, by allocator
                    conn.send(heap_split())
                elif trace:  # "halfway": what grows over the last half is what does not stop
                    halfway = tracemalloc.take_snapshot()
            if trace:
                gc.collect()
                end = tracemalloc.take_snapshot()
                for title, start in (("since idle", before), ("over the last half", halfway)):
                    if start is None:
                        continue
                    print(f"--- grown {title}:")
                    for stat in end.compare_to(start, "traceback")[:20]:
                        print(f"{stat.size_diff / 1e6:+.2f} MB in {stat.count_diff:+d} blocks")
                        for line in stat.traceback.format()[-6:]:
                            print("    ", line)

    asyncio.run(main())
    conn.send("stopped")


# --------------------------------------------------------------------------- parent: Telegram


class CountingServer(BotApiServer):
    """The fixture, counting the bot's sendMessage calls as they come."""

    def __init__(self) -> None:
        super().__init__()
        self.sent = 0
        self.answered = threading.Condition()

    def _api_sendmessage(self, params: JSON) -> JSON:
        result = super()._api_sendmessage(params)
        with self.answered:
            self.sent += 1
            self.answered.notify_all()
        return result


def rss_mb(pid: int) -> float:
    """VmRSS: the memory the process holds now, in MB (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def slope_per_10k(samples: list[tuple[int, float]]) -> float:
    """Least-squares slope of RSS (MB) against messages answered, per 10,000 messages."""
    if len(samples) < 2:
        return 0.0
    xs = [float(x) for x, _ in samples]
    ys = [y for _, y in samples]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    if spread == 0:
        return 0.0
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread
    return slope * 10_000


def soak(
    messages: int,
    users: int,
    trace: int = 0,
    settings: dict[str, Any] | None = None,
    split: bool = False,
) -> dict[str, Any]:
    questions = [c.question for c in load_question_set(QUESTIONS) if c.question.strip()]
    context = multiprocessing.get_context("spawn")
    with CountingServer() as api, tempfile.TemporaryDirectory() as state:
        api.__class__ = CountingServer  # __enter__ is typed as the base class
        parent, child = context.Pipe()
        process = context.Process(
            target=run_bot,
            args=(api.token, api.base_url, state, child, trace, settings or {}),
            daemon=True,
        )
        process.start()
        assert process.pid is not None
        try:
            if not parent.poll(60):
                raise RuntimeError("the bot did not start within a minute")
            parent.recv()
            time.sleep(SETTLE_SECONDS)
            idle = rss_mb(process.pid)
            samples: list[tuple[int, float]] = [(0, idle)]
            splits: list[tuple[int, dict[str, float]]] = []

            def take_split() -> None:
                if split:
                    parent.send("split")
                    splits.append((api.sent, parent.recv()))

            take_split()
            people = [api.user(FIRST_USER + u, f"U{u}", "en") for u in range(users)]
            started = time.monotonic()
            stalled = False
            for n in range(messages):
                with api.answered:
                    if not api.answered.wait_for(
                        lambda n=n: n - api.sent < IN_FLIGHT, timeout=STALL_SECONDS
                    ):
                        stalled = True
                        break
                api.send_text(people[n % users], questions[(n // users * 7 + n) % len(questions)])
                if n == messages // 2:
                    parent.send("halfway")
                if n % SAMPLE_EVERY == 0 and n:
                    samples.append((api.sent, rss_mb(process.pid)))
                    if n % (SAMPLE_EVERY * 10) == 0:
                        take_split()
            with api.answered:
                api.answered.wait_for(lambda: api.sent >= messages, timeout=STALL_SECONDS)
            seconds = time.monotonic() - started
            time.sleep(SETTLE_SECONDS)
            final = rss_mb(process.pid)
            samples.append((api.sent, final))
            take_split()
        finally:
            parent.send("stop")
            process.join(timeout=60)
            if process.is_alive():
                process.terminate()
        last_half = [(x, y) for x, y in samples if x >= api.sent / 2]
        return {
            "messages": messages,
            "users": users,
            "answered": api.sent,
            "stalled": stalled,
            "seconds": round(seconds, 1),
            "replies_per_s": round(api.sent / seconds, 1) if seconds else 0.0,
            "idle_rss_mb": round(idle, 1),
            "final_rss_mb": round(final, 1),
            "growth_mb": round(final - idle, 1),
            "peak_sampled_rss_mb": round(max(y for _, y in samples), 1),
            "last_half_slope_mb_per_10k_messages": round(slope_per_10k(last_half), 3),
            "samples": [(x, round(y, 1)) for x, y in samples],
            **({"split_idle": splits[0][1], "split_final": splits[-1][1]} if splits else {}),
            **({"splits": splits} if splits else {}),
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=20_000)
    parser.add_argument("--json", type=Path, help="write every figure (and the samples) here")
    parser.add_argument(
        "--trace",
        type=int,
        nargs="?",
        const=8,
        default=0,
        metavar="FRAMES",
        help="print where the bot's memory grew (tracemalloc, FRAMES deep: 8; 1 is much faster)",
    )
    parser.add_argument(
        "--conversation-minutes",
        type=float,
        help="the bot's CONVERSATION_MINUTES (0: none kept, to measure their share apart)",
    )
    parser.add_argument(
        "--split",
        action="store_true",
        help="also where the bot's memory sits (pymalloc, glibc's heap, SQLite) at idle, "
        "every 10,000 messages and at the end (benchmarks/heap_split.py)",
    )
    args = parser.parse_args(argv)
    settings: dict[str, Any] = {}
    if args.conversation_minutes is not None:
        settings["conversation_minutes"] = args.conversation_minutes
    result = soak(args.messages, args.users, args.trace, settings, args.split)
    if args.json is not None:
        args.json.write_text(json.dumps(result, indent=1))
    summary = {k: v for k, v in result.items() if k not in ("samples", "splits")}
    print(json.dumps(summary, indent=1))
    verdict = "met" if result["growth_mb"] <= 10 else "missed"
    print(
        f"RSS idle {result['idle_rss_mb']} MB, final {result['final_rss_mb']} MB: "
        f"+{result['growth_mb']} MB (goal <= +10 MB: {verdict}); last half "
        f"{result['last_half_slope_mb_per_10k_messages']:+.3f} MB per 10,000 messages"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
