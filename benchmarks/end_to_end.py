"""Replies per second, reply latency and CPU per reply through the real Application and the
local Bot API, side by side with a bare python-telegram-bot echo bot (benchmarks/echo_bot.py).

The bot is built with bot.telegram.app.build_application and started as tests/e2e/conftest.py
starts it (initialize, post_init, polling, start), against tests.botapi.BotApiServer, with the
outgoing rate limiter removed: it exists to cap throughput at Telegram's 30 messages/s, so with
it on this would measure the cap, not the bot. It logs as `python -m bot run` does (one INFO
line per update, redacted), to a file.

"Telegram" (the fixture server) and the simulated users run in a child process, the bot in this
one, as in production where the Bot API is another machine. In one process they would share a
GIL, and the 5 ms switch interval alone cut the 20-user figure by a third in a trial run.
Latency is measured in the child: from pushing the user's update to the bot's sendMessage
arriving, so it includes the bot's long-poll pick-up, PTB's parsing, the core and the HTTP call.
CPU per reply is this process's CPU time (all threads) over the timed run, per reply.

    python -m benchmarks.end_to_end                 # 5 interleaved rounds, bot vs echo bot
    python -m benchmarks.end_to_end --rounds 3 --profile /tmp/bot.prof

Each round starts a fresh fixture for each contender; the order alternates round by round, and
the medians are compared, since the two cores are shared and any single run is noisy; the
ratio within each round (median and range) is printed beside them. The
checksum covers every reply's text and buttons per user in order: it must not change when the
bot gets faster.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import dataclasses
import hashlib
import json
import logging
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.echo_bot import build_echo_application  # noqa: E402
from benchmarks.stats import summary_ms  # noqa: E402
from bot import logs as bot_logs  # noqa: E402
from bot.answering import Answerer  # noqa: E402
from bot.catalog.question_set import load_question_set  # noqa: E402
from bot.config import Limits, Secret, Settings  # noqa: E402
from bot.paths import DEFAULT_DATA_DIR  # noqa: E402
from bot.telegram.app import BotApp, build_application  # noqa: E402
from tests.botapi.server import JSON, BotApiServer  # noqa: E402
from tests.e2e.conftest import running  # noqa: E402

REPLY_TIMEOUT_SECONDS = 10.0
QUESTIONS = ROOT / "tests" / "questions.yaml"


# --------------------------------------------------------------------------- child: Telegram


class TimedServer(BotApiServer):
    """The fixture, waking the waiting user the moment the bot's sendMessage reaches it.

    Polling the message list (as tests do, every 20 ms) would add up to 20 ms per reply.
    """

    def __init__(self) -> None:
        super().__init__()
        self.waiting: dict[int, tuple[threading.Event, list[Any]]] = {}

    def expect_reply(self, chat_id: int) -> tuple[threading.Event, list[Any]]:
        slot: tuple[threading.Event, list[Any]] = (threading.Event(), [])
        with self._cond:
            self.waiting[chat_id] = slot
        return slot

    def _api_sendmessage(self, params: JSON) -> JSON:
        result = super()._api_sendmessage(params)
        arrived = time.perf_counter()
        with self._cond:
            slot = self.waiting.pop(int(result["chat"]["id"]), None)
        if slot is not None:
            slot[1].extend((arrived, result))
            slot[0].set()
        return result


def _fingerprint(message: JSON) -> str:
    """What a person sees of a reply: its text and its buttons."""
    markup = json.dumps(message.get("reply_markup"), sort_keys=True, ensure_ascii=False)
    return f"{message.get('text', '')}\x00{markup}"


def _user(
    api: TimedServer,
    user_id: int,
    questions: Sequence[str],
    latencies: list[float],
    seen: list[str],
) -> None:
    """One person asking one question after another, each after the previous reply."""
    user = api.user(user_id, f"User{user_id}", "en")
    for question in questions:
        done, arrived = api.expect_reply(user_id)
        sent = time.perf_counter()
        api.send_text(user, question)
        if done.wait(REPLY_TIMEOUT_SECONDS):
            latencies.append(arrived[0] - sent)  # list.append is atomic under the GIL
            seen.append(_fingerprint(arrived[1]))
        else:
            seen.append("(no reply)")


def _run_users(
    api: TimedServer, first_id: int, users: int, per_user: int, questions: Sequence[str]
) -> dict[str, Any]:
    latencies: list[float] = []
    seen: list[list[str]] = [[] for _ in range(users)]
    threads = [
        threading.Thread(
            target=_user,
            args=(
                api,
                first_id + u,
                [questions[(u * 7 + k) % len(questions)] for k in range(per_user)],
                latencies,
                seen[u],
            ),
        )
        for u in range(users)
    ]
    start, cpu = time.perf_counter(), time.process_time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    checksum = hashlib.sha256("\x01".join("\x02".join(s) for s in seen).encode()).hexdigest()
    return {
        "users": users,
        "questions_per_user": per_user,
        "replies": len(latencies),
        "lost": users * per_user - len(latencies),
        "seconds": round(elapsed, 3),
        "replies_per_s": round(len(latencies) / elapsed, 1) if elapsed else 0.0,
        **summary_ms(latencies),
        "server_cpu_share": round(cpu / elapsed, 2) if elapsed else 0.0,
        "checksum": checksum[:16],
    }


def serve(conn: Connection) -> None:
    """The child process: the fixture server plus users, driven by commands from the parent."""
    api = TimedServer()
    with api:  # __enter__ is typed as the base class; keep the subclass's name
        conn.send({"token": api.token, "base_url": api.base_url})
        while True:
            command, args = conn.recv()
            if command == "stop":
                conn.send([f"{c.method}: {c.error}" for c in api.errors])
                return
            conn.send(_run_users(api, *args))


# --------------------------------------------------------------------------- parent: the bots

AnyApp = Any  # an Application of either contender; PTB's generics say nothing useful here
Build = Callable[[str, str, Path], AnyApp]
"""(token, base_url, state folder) -> an Application not yet started."""


class _FirstPicks(random.Random):
    """The bot's three example buttons after a dead end are a random three; with concurrent
    users the order of draws differs run to run, so here they are always the first three
    (the checksum must only move when a reply really changes)."""

    def sample(self, population: Sequence[Any], k: int, *, counts: Any = None) -> list[Any]:  # type: ignore[override]
        return list(population)[:k]


def bot_builder(answerer: Answerer) -> Build:
    """The real bot, abuse limits and outgoing rate limiter off (see the module docstring)."""

    def build(token: str, base_url: str, state: Path) -> BotApp:
        settings = Settings(
            token=Secret(token),
            api_base_url=base_url,
            state_dir=state,
            # Incoming abuse limits off: one user asking 300 questions in a row is the point here.
            limits=Limits(user_messages=0, group_answers=0, inline_queries=0, message_chars=0),
        )
        app = build_application(settings, answerer)
        # ExtBot has no public setter; a Settings switch in bot/telegram/app.py would be the
        # clean way.
        app.bot._rate_limiter = None
        services = app.bot_data.services
        app.bot_data.services = dataclasses.replace(services, rng=_FirstPicks())
        return app

    return build


def echo_builder(*, concurrent: bool = False) -> Build:
    def build(token: str, base_url: str, state: Path) -> AnyApp:
        return build_echo_application(token, base_url, concurrent=concurrent)

    return build


async def _drive(
    conn: Connection,
    build: Build,
    scenarios: Sequence[tuple[str, int, int]],
    questions: Sequence[str],
    profiler: cProfile.Profile | None = None,
) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    server = conn.recv()
    bot_logs.REDACTOR.add(server["token"])
    with tempfile.TemporaryDirectory() as state:
        app = build(server["token"], server["base_url"], Path(state))
        results: dict[str, Any] = {}
        # Started and stopped as the e2e tests do it; stopped before the server goes, since
        # stopping polls getUpdates once more.
        try:
            async with running(app):
                first_id = 500_000
                for name, users, per_user in scenarios:
                    for count in (1, per_user):  # a warm-up question per user, then the timed run
                        timed = count == per_user
                        if timed and profiler is not None:
                            profiler.enable()
                        cpu = time.process_time()
                        conn.send(("run", (first_id, users, count, questions)))
                        result = await loop.run_in_executor(None, conn.recv)
                        cpu = time.process_time() - cpu
                        if timed and profiler is not None:
                            profiler.disable()
                        # CPU seconds per wall second: near 1.0 means the bot's one thread (GIL)
                        # is saturated and is the limit, not the fixture.
                        result["bot_cpu_share"] = round(cpu / result["seconds"], 2)
                        replies = max(1, result["replies"])
                        result["bot_cpu_ms_per_reply"] = round(cpu / replies * 1000, 3)
                        results[name] = result
                    first_id += 1000
        finally:
            conn.send(("stop", ()))
            results["refused_by_server"] = await loop.run_in_executor(None, conn.recv)
        return results


def _measure(
    build: Build,
    scenarios: Sequence[tuple[str, int, int]],
    questions: Sequence[str],
    profiler: cProfile.Profile | None = None,
) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    process = context.Process(target=serve, args=(child,), daemon=True)
    process.start()
    try:
        return asyncio.run(_drive(parent, build, scenarios, questions, profiler))
    finally:
        process.join(timeout=10)
        if process.is_alive():
            process.terminate()


def measure_end_to_end(
    answerer: Answerer, questions: Sequence[str], *, single: int, concurrent_each: int
) -> dict[str, Any]:
    """One user asking `single` questions in a row; then 20 users asking `concurrent_each`."""
    return _measure(
        bot_builder(answerer),
        [("one_user", 1, single), ("twenty_users", 20, concurrent_each)],
        questions,
    )


def _log_like_run(folder: Path) -> None:
    """The bot's logging as `python -m bot run` sets it up, written to a file, not the screen."""
    logging.basicConfig(
        filename=folder / "bot.log", level=logging.INFO, format=bot_logs.FORMAT, force=True
    )
    bot_logs.configure("INFO")


def side_by_side(
    answerer: Answerer,
    questions: Sequence[str],
    *,
    rounds: int,
    users: int,
    per_user: int,
    profile: Path | None = None,
    report: Callable[[str], None] = print,
    only: str | None = None,
) -> dict[str, Any]:
    """`rounds` runs of each contender, interleaved (the order alternates), and their medians.
    `only` runs one of them (for a profiler attached from outside, such as py-spy)."""
    contenders: dict[str, Build] = {
        "bot": bot_builder(answerer),
        "echo": echo_builder(),
    }
    if only is not None:
        contenders = {only: contenders[only]}
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in contenders}
    # CPU time, as the figure it explains (wall time would count waiting for the other process)
    profiler = cProfile.Profile(time.process_time) if profile is not None else None
    load_before = os.getloadavg()
    for number in range(rounds):
        order = list(contenders) if number % 2 == 0 else list(reversed(contenders))
        for name in order:
            result = _measure(
                contenders[name],
                [("users", users, per_user)],
                questions,
                profiler if name == "bot" else None,
            )
            run = result["users"]
            run["refused_by_server"] = result["refused_by_server"]
            runs[name].append(run)
            report(
                f"round {number + 1} {name:>4}: {run['replies_per_s']:7.1f} replies/s, "
                f"{run['bot_cpu_ms_per_reply']:.3f} ms CPU/reply, p50 {run['p50_ms']:.1f} ms, "
                f"lost {run['lost']}, checksum {run['checksum']}"
            )
    if profiler is not None and profile is not None:
        profiler.dump_stats(profile)
    medians = {
        name: {
            "replies_per_s": statistics.median(r["replies_per_s"] for r in results),
            "cpu_ms_per_reply": statistics.median(r["bot_cpu_ms_per_reply"] for r in results),
            "p50_ms": statistics.median(r["p50_ms"] for r in results),
            "p99_ms": statistics.median(r["p99_ms"] for r in results),
            "checksums": sorted({r["checksum"] for r in results}),
            "lost": sum(r["lost"] for r in results),
            "refused_by_server": sorted({e for r in results for e in r["refused_by_server"]}),
        }
        for name, results in runs.items()
    }
    if only is not None:
        return {"medians": medians, "runs": runs}
    bot, echo = medians["bot"], medians["echo"]
    return {
        "users": users,
        "questions_per_user": per_user,
        "rounds": rounds,
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "medians": medians,
        "replies_ratio": round(bot["replies_per_s"] / echo["replies_per_s"], 3),
        "cpu_per_reply_ratio": round(bot["cpu_ms_per_reply"] / echo["cpu_ms_per_reply"], 3),
        "per_round": {
            "replies_ratio": _spread(runs, "replies_per_s"),
            "cpu_per_reply_ratio": _spread(runs, "bot_cpu_ms_per_reply"),
        },
        "runs": runs,
    }


def _spread(runs: dict[str, list[dict[str, Any]]], figure: str) -> dict[str, float]:
    """Bot over echo bot within each round (the two ran back to back, under much the same load
    from the rest of the machine): the median of those ratios and their range, beside the
    ratio of the medians. A wide range says the machine was busy, not that the bot changed."""
    ratios = [b[figure] / e[figure] for b, e in zip(runs["bot"], runs["echo"], strict=True)]
    return {
        "median": round(statistics.median(ratios), 3),
        "min": round(min(ratios), 3),
        "max": round(max(ratios), 3),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--per-user", type=int, default=50)
    parser.add_argument("--profile", type=Path, help="write the bot's cProfile stats here")
    parser.add_argument("--json", type=Path, help="write every figure here")
    parser.add_argument("--only", choices=("bot", "echo"), help="run one contender only")
    args = parser.parse_args(argv)
    questions = [c.question for c in load_question_set(QUESTIONS) if c.question.strip()]
    answerer = Answerer.from_directory(DEFAULT_DATA_DIR)
    with tempfile.TemporaryDirectory() as folder:
        _log_like_run(Path(folder))
        result = side_by_side(
            answerer,
            questions,
            rounds=args.rounds,
            users=args.users,
            per_user=args.per_user,
            profile=args.profile,
            only=args.only,
        )
    if args.only is not None:
        print(json.dumps(result["medians"], indent=1))
        return 0
    bot, echo = result["medians"]["bot"], result["medians"]["echo"]
    rate, cpu = result["per_round"]["replies_ratio"], result["per_round"]["cpu_per_reply_ratio"]
    print(
        f"\n{args.users} users x {args.per_user} questions, medians of {args.rounds} "
        f"interleaved rounds (load average before {result['load_average_before']}, "
        f"after {result['load_average_after']}):\n"
        f"  bot : {bot['replies_per_s']:7.1f} replies/s, {bot['cpu_ms_per_reply']:.3f} ms CPU "
        f"per reply, checksum(s) {', '.join(bot['checksums'])}\n"
        f"  echo: {echo['replies_per_s']:7.1f} replies/s, {echo['cpu_ms_per_reply']:.3f} ms CPU "
        f"per reply\n"
        f"  bot/echo replies/s {result['replies_ratio']:.0%} (goal >= 80%), CPU per reply "
        f"{result['cpu_per_reply_ratio']:.2f}x (goal <= 1.5x)\n"
        f"  per round: replies/s median {rate['median']:.0%} "
        f"({rate['min']:.0%}-{rate['max']:.0%}), CPU per reply median {cpu['median']:.2f}x "
        f"({cpu['min']:.2f}-{cpu['max']:.2f}x)"
    )
    if args.json is not None:
        args.json.write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
