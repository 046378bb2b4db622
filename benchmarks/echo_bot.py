"""The yardstick for the end-to-end benchmark: the least a python-telegram-bot v22 bot can do.

One Application built with PTB's defaults, one handler that sends each text back. Whatever the
real bot costs beyond this (parsing the question, answering, rendering, the inbox, the limits,
the log line) is what benchmarks/end_to_end.py puts a number on. Updates are handled one at a
time (PTB's default): PTB's ceiling as most echo bots run it. `concurrent=True` lets PTB run
them at once, as the real bot does with its own update processor.

    python -m benchmarks.echo_bot TOKEN BASE_URL    # run it by hand against a fixture server
"""

from __future__ import annotations

import sys
from typing import Any

from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

EchoApp = Application[Any, Any, Any, Any, Any, Any]


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the text back to the chat it came from."""
    message = update.effective_message
    if message is not None and message.text:
        await message.reply_text(message.text)


def build_echo_application(token: str, base_url: str, *, concurrent: bool = False) -> EchoApp:
    """The echo bot against `base_url` (a Bot API, real or the local fixture)."""
    application = (
        Application.builder()
        .token(token)
        .base_url(base_url)
        .concurrent_updates(concurrent)
        .build()
    )
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    return application


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m benchmarks.echo_bot TOKEN BASE_URL", file=sys.stderr)
        return 2
    build_echo_application(argv[0], argv[1]).run_polling(allowed_updates=Update.ALL_TYPES)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
