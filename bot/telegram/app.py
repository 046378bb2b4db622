"""Building and running the Telegram Application: the only wiring between PTB and the core."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from telegram import Update
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    Application,
    CallbackContext,
    CallbackQueryHandler,
    CommandHandler,
    ExtBot,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot.answering import Answerer
from bot.config import Settings
from bot.health import HEARTBEAT_SECONDS, write_heartbeat
from bot.telegram.commands import set_command_menus
from bot.telegram.handlers import Handlers
from bot.telegram.resilience import PatientRateLimiter, PerChatUpdateProcessor, RedactToken
from bot.user_prefs import UserPrefs

log = logging.getLogger(__name__)

BotApp = Application[
    ExtBot[int],
    CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]],
    dict[Any, Any],
    dict[Any, Any],
    dict[Any, Any],
    Any,
]

POLL_TIMEOUT_SECONDS = 30
NOISY_LOGGERS = ("httpx", "httpcore", "telegram", "apscheduler")


def file_url_for(base_url: str) -> str:
    """The file endpoint next to a base_url: http://host/bot -> http://host/file/bot."""
    root, _, _ = base_url.rstrip("/").rpartition("/")
    return f"{root}/file/bot"


def build_application(settings: Settings, answerer: Answerer) -> BotApp:
    """The Application with every handler registered, in order; nothing runs until started.

    Raises:
        ValueError: when settings carry no token.
    """
    if settings.token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    token = settings.token.reveal()
    handlers = Handlers(answerer, UserPrefs(settings.state_dir), token=token)

    async def post_init(application: BotApp) -> None:
        application.bot_data["heartbeat"] = asyncio.create_task(heartbeat(settings.state_dir))
        try:
            await set_command_menus(application.bot, answerer.catalog)
        except TelegramError as exc:  # menus are a nicety: never refuse to start over them
            log.warning("could not set the command menus: %s", exc.message)

    async def post_shutdown(application: BotApp) -> None:
        task = application.bot_data.pop("heartbeat", None)
        if isinstance(task, asyncio.Task):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    builder = (
        Application.builder()
        .token(token)
        .rate_limiter(PatientRateLimiter())
        .concurrent_updates(PerChatUpdateProcessor())
        .post_init(post_init)
        .post_shutdown(post_shutdown)
    )
    if settings.api_base_url:
        builder = builder.base_url(settings.api_base_url).base_file_url(
            file_url_for(settings.api_base_url)
        )
    application: BotApp = builder.build()
    application.bot_data["handlers"] = handlers

    # Order matters: PTB runs the first matching handler of a group and stops.
    # 1. Buttons and inline queries are their own update types; they never compete with text.
    # 2. Known commands come before any text handler, so "/events" is never read as a question;
    #    CommandHandler also ignores "/events@other_bot" in groups.
    # 3. Group text is answered only when it mentions or replies to the bot (checked inside),
    #    so ordinary chatter stays unanswered; private text always gets an answer.
    # 4. Last, an unknown /command in a private chat gets the welcome instead of silence.
    application.add_handler(CallbackQueryHandler(handlers.button))
    application.add_handler(InlineQueryHandler(handlers.inline))
    application.add_handler(CommandHandler("start", handlers.start))
    application.add_handler(CommandHandler("help", handlers.help))
    application.add_handler(CommandHandler("events", handlers.events))
    application.add_handler(CommandHandler("lang", handlers.lang))
    application.add_handler(CommandHandler("fact", handlers.fact))
    application.add_handler(CommandHandler("quiz", handlers.quiz))
    application.add_handler(CommandHandler("ask", handlers.ask))
    application.add_handler(
        MessageHandler(
            filters.ChatType.GROUPS & filters.TEXT & ~filters.COMMAND, handlers.group_text
        )
    )
    application.add_handler(
        MessageHandler(
            filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND, handlers.private_text
        )
    )
    application.add_handler(
        MessageHandler(filters.ChatType.PRIVATE & filters.COMMAND, handlers.unknown_command)
    )
    application.add_error_handler(handlers.on_error)
    return application


async def heartbeat(state_dir: Path) -> None:
    """Touch BOT_STATE_DIR/heartbeat while the event loop turns: Docker's health check."""
    while True:
        try:
            write_heartbeat(state_dir)
        except OSError as exc:
            log.warning("could not write the heartbeat: %s", exc)
        await asyncio.sleep(HEARTBEAT_SECONDS)


def configure_logging(token: str | None) -> None:
    """INFO for the bot, WARNING for libraries (httpx logs URLs, which hold the token)."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    if token:
        redact = RedactToken(token)
        for handler in logging.getLogger().handlers:
            handler.addFilter(redact)


def fail(message: str, code: int = 2) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code


def run(settings: Settings) -> int:
    """Long-poll Telegram (or serve a webhook with BOT_MODE=webhook) until stopped (Ctrl+C,
    SIGTERM); returns the process exit code.

    A missing or malformed token, or one Telegram refuses, is one line on stderr and exit 2.
    """
    if settings.problems:
        return fail(settings.problems[0])
    if settings.token is None:
        return fail(
            "TELEGRAM_BOT_TOKEN is not set — get a token from @BotFather and put it in .env "
            "(see .env.example)"
        )
    configure_logging(settings.token.reveal())
    from bot.catalog import DataError, load_catalog  # here: a bad token fails before loading

    try:
        answerer = Answerer(load_catalog(settings.data_dir))
    except DataError as exc:
        return fail(f"the data in {settings.data_dir} has problems:\n{exc}", 1)
    application = build_application(settings, answerer)
    where = settings.api_base_url or "api.telegram.org"
    try:
        if settings.mode == "webhook" and settings.webhook_url:
            log.info(
                "listening for webhook updates on %s:%d",
                settings.webhook_listen,
                settings.webhook_port,
            )
            application.run_webhook(
                listen=settings.webhook_listen,
                port=settings.webhook_port,
                url_path=urlsplit(settings.webhook_url).path.lstrip("/"),
                webhook_url=settings.webhook_url,
                secret_token=settings.webhook_secret.reveal() if settings.webhook_secret else None,
                allowed_updates=Update.ALL_TYPES,
                close_loop=False,
            )
        else:
            log.info("starting long polling against %s", where)
            application.run_polling(
                allowed_updates=Update.ALL_TYPES, timeout=POLL_TIMEOUT_SECONDS, close_loop=False
            )
    except InvalidToken:
        return fail("Telegram refused TELEGRAM_BOT_TOKEN — check it with @BotFather")
    except NetworkError as exc:
        return fail(f"cannot reach the Bot API at {where}: {exc.message}", 1)
    return 0
