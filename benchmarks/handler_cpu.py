"""CPU per reply of the handlers alone: the real Application (bot or echo bot), each update
handed to `process_update`, every Bot API call answered at once in-process. No polling, no
network, no second process: steadier than benchmarks/end_to_end.py's figures, to steer by
between its runs. CPU time still rises when the machine is busy (the cores are shared): compare
runs made back to back. The same 20 users x 50 questions of tests/questions.yaml, interleaved.

    python -m benchmarks.handler_cpu            # the bot, 7 passes (the fastest and median)
    python -m benchmarks.handler_cpu --echo     # the echo bot

What it leaves out is the same for both: the long poll and its parse, the inbox, the HTTP
requests. The replies digest covers every text and keyboard sent, in order.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import html
import itertools
import json
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from telegram import Update  # noqa: E402
from telegram.request import BaseRequest, RequestData  # noqa: E402

from benchmarks.end_to_end import QUESTIONS, _log_like_run, bot_builder, echo_builder  # noqa: E402
from bot.answering import Answerer  # noqa: E402
from bot.catalog.question_set import load_question_set  # noqa: E402
from bot.paths import DEFAULT_DATA_DIR  # noqa: E402

USERS = 20
PER_USER = 50
BOT_USER = {"id": 999, "is_bot": True, "first_name": "Bot", "username": "kgbebot"}
_TAG = re.compile(r"<[^>]+>")


class CannedApi(BaseRequest):
    """Telegram answering in-process: getMe, sendMessage (the message as Telegram returns it,
    its keyboard included), True for anything else."""

    def __init__(self) -> None:
        self.message_ids = itertools.count(10_000)
        self.sent: list[str] = []

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        endpoint = url.rsplit("/", 1)[1]
        params = request_data.parameters if request_data is not None else {}
        result: Any = True
        if endpoint == "getMe":
            result = BOT_USER
        elif endpoint == "sendMessage":
            text = str(params["text"])
            markup = params.get("reply_markup")
            result = {
                "message_id": next(self.message_ids),
                "from": BOT_USER,
                "date": 1_700_000_000,
                "chat": {"id": int(str(params["chat_id"])), "type": "private", "first_name": "U"},
                "text": html.unescape(_TAG.sub("", text)),
            }
            if markup is not None:
                result["reply_markup"] = json.loads(markup) if isinstance(markup, str) else markup
            self.sent.append(f"{text}\x00{json.dumps(result.get('reply_markup'), sort_keys=True)}")
        return 200, json.dumps({"ok": True, "result": result}).encode()


def _updates(questions: Sequence[str], first_user: int, first_id: int) -> list[dict[str, Any]]:
    """One question of each user in turn, as the users of the end-to-end benchmark ask."""
    updates = []
    for k in range(PER_USER):
        for u in range(USERS):
            user = first_user + u
            number = first_id + len(updates)
            chat = {"id": user, "type": "private", "first_name": "U"}
            sender = {"id": user, "is_bot": False, "first_name": "U", "language_code": "en"}
            text = questions[(u * 7 + k) % len(questions)]
            message = {"message_id": number, "date": 1_700_000_000, "chat": chat}
            message |= {"from": sender, "text": text}
            updates.append({"update_id": number, "message": message})
    return updates


async def measure(echo: bool, passes: int) -> dict[str, Any]:
    questions = [c.question for c in load_question_set(QUESTIONS) if c.question.strip()]
    answerer = Answerer.from_directory(DEFAULT_DATA_DIR)
    build = echo_builder() if echo else bot_builder(answerer)
    with tempfile.TemporaryDirectory() as folder:
        _log_like_run(Path(folder))
        app = build("123:benchmark", "http://127.0.0.1:9/bot", Path(folder))
        api = CannedApi()
        app.bot._request = (api, api)
        await app.initialize()
        if app.post_init is not None:
            await app.post_init(app)
        per_reply: list[float] = []
        digests = set()
        for number in range(passes):  # fresh users each pass: the same conversations again
            raw = _updates(questions, 500_000 + number * 1000, 1 + number * USERS * PER_USER)
            api.sent.clear()
            cpu = time.process_time()
            for update in raw:
                await app.process_update(Update.de_json(update, app.bot))
            per_reply.append((time.process_time() - cpu) / len(raw) * 1000)
            digests.add(hashlib.sha256("\x01".join(api.sent).encode()).hexdigest()[:16])
        await app.shutdown()
    return {
        "contender": "echo" if echo else "bot",
        "fastest_ms": round(min(per_reply), 3),
        "median_ms": round(statistics.median(per_reply), 3),
        "passes_ms": [round(x, 3) for x in per_reply],
        "replies_digest": sorted(digests),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--echo", action="store_true", help="the echo bot instead of the bot")
    parser.add_argument("--passes", type=int, default=7)
    args = parser.parse_args(argv)
    result = asyncio.run(measure(args.echo, args.passes))
    print(
        f"{result['contender']}: {result['fastest_ms']:.3f} ms CPU per reply at the fastest, "
        f"{result['median_ms']:.3f} median, over {args.passes} passes of "
        f"{USERS * PER_USER} replies; replies digest {', '.join(result['replies_digest'])}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
