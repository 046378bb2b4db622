"""Replies per second and reply latency through the real Application and the local Bot API.

The bot is built with bot.telegram.app.build_application and started as tests/e2e/conftest.py
starts it (initialize, post_init, polling, start), against tests.botapi.BotApiServer, with the
outgoing rate limiter removed: it exists to cap throughput at Telegram's 30 messages/s, so with
it on this would measure the cap, not the bot.

"Telegram" (the fixture server) and the simulated users run in a child process, the bot in this
one, as in production where the Bot API is another machine. In one process they would share a
GIL, and the 5 ms switch interval alone cut the 20-user figure by a third in a trial run.
Latency is measured in the child: from pushing the user's update to the bot's sendMessage
arriving, so it includes the bot's long-poll pick-up, PTB's parsing, the core and the HTTP call.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import tempfile
import threading
import time
from collections.abc import Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from benchmarks.stats import summary_ms
from bot.answering import Answerer
from bot.config import Limits, Secret, Settings
from bot.telegram.app import build_application
from tests.botapi.server import JSON, BotApiServer
from tests.e2e.conftest import running

REPLY_TIMEOUT_SECONDS = 10.0


# --------------------------------------------------------------------------- child: Telegram


class TimedServer(BotApiServer):
    """The fixture, waking the waiting user the moment the bot's sendMessage reaches it.

    Polling the message list (as tests do, every 20 ms) would add up to 20 ms per reply.
    """

    def __init__(self) -> None:
        super().__init__()
        self.waiting: dict[int, tuple[threading.Event, list[float]]] = {}

    def expect_reply(self, chat_id: int) -> tuple[threading.Event, list[float]]:
        slot: tuple[threading.Event, list[float]] = (threading.Event(), [])
        with self._cond:
            self.waiting[chat_id] = slot
        return slot

    def _api_sendmessage(self, params: JSON) -> JSON:
        result = super()._api_sendmessage(params)
        arrived = time.perf_counter()
        with self._cond:
            slot = self.waiting.pop(int(result["chat"]["id"]), None)
        if slot is not None:
            slot[1].append(arrived)
            slot[0].set()
        return result


def _user(
    api: TimedServer, user_id: int, questions: Sequence[str], latencies: list[float]
) -> None:
    """One person asking one question after another, each after the previous reply."""
    user = api.user(user_id, f"User{user_id}", "en")
    for question in questions:
        done, arrived = api.expect_reply(user_id)
        sent = time.perf_counter()
        api.send_text(user, question)
        if done.wait(REPLY_TIMEOUT_SECONDS):
            latencies.append(arrived[0] - sent)  # list.append is atomic under the GIL


def _run_users(
    api: TimedServer, first_id: int, users: int, per_user: int, questions: Sequence[str]
) -> dict[str, Any]:
    latencies: list[float] = []
    threads = [
        threading.Thread(
            target=_user,
            args=(
                api,
                first_id + u,
                [questions[(u * 7 + k) % len(questions)] for k in range(per_user)],
                latencies,
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
    return {
        "users": users,
        "questions_per_user": per_user,
        "replies": len(latencies),
        "lost": users * per_user - len(latencies),
        "seconds": round(elapsed, 3),
        "replies_per_s": round(len(latencies) / elapsed, 1) if elapsed else 0.0,
        **summary_ms(latencies),
        "server_cpu_share": round(cpu / elapsed, 2) if elapsed else 0.0,
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


# --------------------------------------------------------------------------- parent: the bot


async def _drive(
    conn: Connection,
    answerer: Answerer,
    scenarios: Sequence[tuple[str, int, int]],
    questions: Sequence[str],
) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    server = conn.recv()
    with tempfile.TemporaryDirectory() as state:
        settings = Settings(
            token=Secret(server["token"]),
            api_base_url=server["base_url"],
            state_dir=Path(state),
            # Incoming abuse limits off: one user asking 300 questions in a row is the point here.
            limits=Limits(user_messages=0, group_answers=0, inline_queries=0, message_chars=0),
        )
        app = build_application(settings, answerer)
        # Rate limiter off (see the module docstring). ExtBot has no public setter; a Settings
        # switch in bot/telegram/app.py would be the clean way.
        app.bot._rate_limiter = None
        results: dict[str, Any] = {}
        # Started and stopped as the e2e tests do it; stopped before the server goes, since
        # stopping polls getUpdates once more.
        try:
            async with running(app):
                first_id = 500_000
                for name, users, per_user in scenarios:
                    for count in (1, per_user):  # a warm-up question per user, then the timed run
                        cpu = time.process_time()
                        conn.send(("run", (first_id, users, count, questions)))
                        result = await loop.run_in_executor(None, conn.recv)
                        cpu = time.process_time() - cpu
                        # CPU seconds per wall second: near 1.0 means the bot's one thread (GIL)
                        # is saturated and is the limit, not the fixture.
                        result["bot_cpu_share"] = round(cpu / result["seconds"], 2)
                        results[name] = result
                    first_id += 1000
        finally:
            conn.send(("stop", ()))
            results["refused_by_server"] = await loop.run_in_executor(None, conn.recv)
        return results


def measure_end_to_end(
    answerer: Answerer, questions: Sequence[str], *, single: int, concurrent_each: int
) -> dict[str, Any]:
    """One user asking `single` questions in a row; then 20 users asking `concurrent_each`."""
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    process = context.Process(target=serve, args=(child,), daemon=True)
    process.start()
    try:
        return asyncio.run(
            _drive(
                parent,
                answerer,
                [("one_user", 1, single), ("twenty_users", 20, concurrent_each)],
                questions,
            )
        )
    finally:
        process.join(timeout=10)
        if process.is_alive():
            process.terminate()
