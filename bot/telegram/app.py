"""Building and running the Telegram Application: the only wiring between PTB and the core."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import sys
import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
    TypeHandler,
    filters,
)

from bot.answering import Answer, Answerer, supported_language
from bot.config import Settings
from bot.health import HEARTBEAT_SECONDS, write_heartbeat
from bot.missed import MissedLog
from bot.reloading import DataReloader, ReloadStatus
from bot.telegram.admin import Admin, only_admins
from bot.telegram.commands import set_command_menus
from bot.telegram.handlers import Handlers
from bot.telegram.limits import AbuseGuard
from bot.telegram.resilience import PatientRateLimiter, PerChatUpdateProcessor, RedactToken
from bot.user_prefs import UserPrefs

log = logging.getLogger(__name__)
updates_log = logging.getLogger("bot.updates")

BotApp = Application[
    ExtBot[int],
    CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]],
    dict[Any, Any],
    dict[Any, Any],
    dict[Any, Any],
    Any,
]

POLL_TIMEOUT_SECONDS = 30
NOISY_LOGGERS = ("httpx", "httpcore", "telegram", "apscheduler", "tornado.access")
WATCH_SECONDS = 10.0
"""How often data/ is checked for changes between updates (each update checks too)."""
MISSED_FILE = "missed.sqlite3"
FALLBACK_DIR = "last-good-data"


@dataclass
class Trace:
    """What one update did, for its log line and the missed-question log."""

    started: float
    kind: str
    language: str
    answerer: Answerer
    question: Answer | None = None


_TRACE: ContextVar[Trace | None] = ContextVar("bot_update_trace", default=None)
"""The update being handled in this task (PTB runs each update in its own task)."""


class LiveData:
    """The Answerer every handler reads: the reloader's, pinned for the length of one update
    so an update never sees half old and half new data."""

    def __init__(self, source: Answerer | DataReloader) -> None:
        self.reloader = source if isinstance(source, DataReloader) else None
        self._fixed = source if isinstance(source, Answerer) else None

    def latest(self) -> Answerer:
        if self.reloader is not None:
            return self.reloader.current
        assert self._fixed is not None
        return self._fixed

    def current(self) -> Answerer:
        trace = _TRACE.get()
        return trace.answerer if trace is not None else self.latest()


class TracingUpdateProcessor(PerChatUpdateProcessor):
    """Around every update: check data/ for changes, pin the data, then one log line
    (`update kind=text intent=list lang=ru events=3 ms=1.2`) and the missed-question record."""

    def __init__(
        self,
        data: LiveData,
        missed: MissedLog | None,
        on_reload: Callable[[Any], Awaitable[None]],
    ) -> None:
        super().__init__()
        self.data = data
        self.missed = missed
        self.on_reload = on_reload

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        started = time.perf_counter()
        if self.data.reloader is not None and self.data.reloader.maybe_changed():
            try:
                result = await self.data.reloader.check_async(wait=True)
                if result.notify:
                    await self.on_reload(result)
            except Exception:  # never lose an update over the check: answer from what we have
                log.exception("checking data/ for changes failed")
        trace = Trace(started, _kind(update), _user_language(update), self.data.latest())
        token = _TRACE.set(trace)
        try:
            await super().do_process_update(update, coroutine)
        finally:
            _TRACE.reset(token)
            await self._finish(update, trace)

    async def _finish(self, update: object, trace: Trace) -> None:
        answer = trace.question
        milliseconds = (time.perf_counter() - trace.started) * 1000
        if answer is None:
            updates_log.info(
                "update kind=%s intent=- lang=%s events=- ms=%.1f",
                trace.kind,
                trace.language,
                milliseconds,
            )
        else:
            updates_log.info(
                "update kind=%s intent=%s lang=%s events=%d ms=%.1f",
                trace.kind,
                answer.intent.value,
                answer.language,
                len(answer.event_ids),
                milliseconds,
            )
        if updates_log.isEnabledFor(logging.DEBUG):
            updates_log.debug("update text=%r", _text_of(update))
        if answer is not None and self.missed is not None:
            await asyncio.to_thread(self.missed.record_answer, answer)


def on_question(answer: Answer) -> None:
    """Handlers call this for every typed question: kept for the update's log line."""
    trace = _TRACE.get()
    if trace is not None:
        trace.question = answer


def _kind(update: object) -> str:
    if not isinstance(update, Update):
        return "other"
    if update.callback_query is not None:
        return "button"
    if update.inline_query is not None:
        return "inline"
    message = update.effective_message
    if message is not None and message.text:
        return "command" if message.text.startswith("/") else "text"
    if message is not None and message.effective_attachment is not None:
        return "caption" if message.caption else "media"
    return "other"


def _user_language(update: object) -> str:
    user = update.effective_user if isinstance(update, Update) else None
    return supported_language(user.language_code if user else None)


def _text_of(update: object) -> str:
    if not isinstance(update, Update):
        return ""
    if update.inline_query is not None:
        return update.inline_query.query
    if update.callback_query is not None:
        return update.callback_query.data or ""
    message = update.effective_message
    return message.text or message.caption or "" if message is not None else ""


def open_missed_log(settings: Settings) -> MissedLog | None:
    """The missed-question log under BOT_STATE_DIR; None (and a warning) when it cannot be
    opened: the bot answers all the same."""
    try:
        return MissedLog(settings.state_dir / MISSED_FILE, settings.missed_retention_days)
    except (OSError, sqlite3.Error) as exc:
        log.warning("the missed-question log is off: %s", exc)
        return None


def file_url_for(base_url: str) -> str:
    """The file endpoint next to a base_url: http://host/bot -> http://host/file/bot."""
    root, _, _ = base_url.rstrip("/").rpartition("/")
    return f"{root}/file/bot"


def build_application(
    settings: Settings,
    data: Answerer | DataReloader,
    *,
    watch_seconds: float = WATCH_SECONDS,
) -> BotApp:
    """The Application with every handler registered, in order; nothing runs until started.

    `data` is a DataReloader for live data (`python -m bot run`), or a fixed Answerer. With a
    reloader, data/ is checked before every update and every `watch_seconds`, and the admins
    hear of broken edits. In webhook mode (settings.mode) there is no Updater: bot.telegram.
    webhook feeds the update queue.

    Raises:
        ValueError: when settings carry no token.
    """
    if settings.token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    token = settings.token.reveal()
    live = LiveData(data)
    missed = open_missed_log(settings)
    admin = Admin(settings.admin_ids, live.reloader, missed)
    handlers = Handlers(
        live.latest(),
        UserPrefs(settings.state_dir),
        token=token,
        current=live.current,
        on_question=on_question,
    )
    tasks: set[asyncio.Task[None]] = set()

    async def report_later(result: Any) -> None:
        """Tell the admins without holding up the update that found the change."""
        task = asyncio.create_task(admin.report(application.bot, result))
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    async def post_init(application: BotApp) -> None:
        application.bot_data["heartbeat"] = asyncio.create_task(heartbeat(settings.state_dir))
        if live.reloader is not None:
            application.bot_data["watch"] = asyncio.create_task(
                watch(live.reloader, admin, application, watch_seconds)
            )
            if live.reloader.initial.status is ReloadStatus.INVALID:
                await admin.report(application.bot, live.reloader.initial)
        catalog = live.latest().catalog
        try:
            await set_command_menus(application.bot, catalog)
        except TelegramError as exc:  # menus are a nicety: never refuse to start over them
            log.warning("could not set the command menus: %s", exc.message)
        await admin.set_menus(application.bot, catalog)

    async def post_shutdown(application: BotApp) -> None:
        for name in ("watch", "heartbeat"):
            task = application.bot_data.pop(name, None)
            if isinstance(task, asyncio.Task):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)

    builder = (
        Application.builder()
        .token(token)
        .rate_limiter(PatientRateLimiter())
        .concurrent_updates(TracingUpdateProcessor(live, missed, report_later))
        .post_init(post_init)
        .post_shutdown(post_shutdown)
    )
    if settings.mode == "webhook":
        builder = builder.updater(None)
    if settings.api_base_url:
        builder = builder.base_url(settings.api_base_url).base_file_url(
            file_url_for(settings.api_base_url)
        )
    application: BotApp = builder.build()
    application.bot_data["handlers"] = handlers
    application.bot_data["admin"] = admin
    application.bot_data["live"] = live

    # 0. Before everything (group -1): the abuse limits, which stop an update over them.
    guard = AbuseGuard(settings.limits, lambda user: handlers.words(handlers.language_of(user)))
    application.bot_data["limits"] = guard
    application.add_handler(TypeHandler(Update, guard.check), group=-1)
    # Order matters: PTB runs the first matching handler of a group and stops.
    # 1. Buttons and inline queries are their own update types; they never compete with text.
    # 2. Known commands come before any text handler, so "/events" is never read as a question;
    #    CommandHandler also ignores "/events@other_bot" in groups.
    # 3. Group text is answered only when it mentions or replies to the bot (checked inside),
    #    so ordinary chatter stays unanswered; private text always gets an answer.
    # 4. Admin commands answer only ADMIN_IDS in private chats; for anyone else the filter
    #    fails and the update falls through to (5), so to them the commands do not exist.
    # 5. An unknown /command in a private chat gets the welcome instead of silence.
    admins = only_admins(settings.admin_ids)
    application.add_handler(CallbackQueryHandler(handlers.button))
    application.add_handler(InlineQueryHandler(handlers.inline))
    application.add_handler(CommandHandler("start", handlers.start))
    application.add_handler(CommandHandler("help", handlers.help))
    application.add_handler(CommandHandler("events", handlers.events))
    application.add_handler(CommandHandler("lang", handlers.lang))
    application.add_handler(CommandHandler("fact", handlers.fact))
    application.add_handler(CommandHandler("quiz", handlers.quiz))
    application.add_handler(CommandHandler("ask", handlers.ask))
    application.add_handler(CommandHandler("missed", admin.missed, filters=admins))
    application.add_handler(CommandHandler("stats", admin.stats, filters=admins))
    application.add_handler(CommandHandler("reload", admin.reload, filters=admins))
    application.add_handler(
        MessageHandler(
            filters.ChatType.GROUPS & ((filters.TEXT & ~filters.COMMAND) | filters.CAPTION),
            handlers.group_text,
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
    # 6. Photos, videos and files in a private chat: the caption is the question; voice notes,
    #    stickers and other media get a short "please type" note. Service messages have no
    #    attachment, so they stay unanswered.
    application.add_handler(
        MessageHandler(
            filters.ChatType.PRIVATE & ~filters.TEXT & filters.ATTACHMENT, handlers.private_media
        )
    )
    application.add_error_handler(handlers.on_error)
    return application


async def watch(reloader: DataReloader, admin: Admin, application: BotApp, seconds: float) -> None:
    """Check data/ every `seconds` even when nobody writes, so the admins hear of a broken
    edit at once, not at the next question."""
    while True:
        await asyncio.sleep(seconds)
        try:
            await admin.report(application.bot, await reloader.check_async())
        except Exception:  # the watcher must outlive any surprise; the log shows it
            log.exception("checking data/ for changes failed")


async def heartbeat(state_dir: Path) -> None:
    """Touch BOT_STATE_DIR/heartbeat while the event loop turns: Docker's health check."""
    while True:
        try:
            write_heartbeat(state_dir)
        except OSError as exc:
            log.warning("could not write the heartbeat: %s", exc)
        await asyncio.sleep(HEARTBEAT_SECONDS)


# A brief outage at start is waited out; a longer one ends the process with one line, and the
# container's restart policy tries again.
BOOTSTRAP_RETRIES = 3


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
    for handler in logging.getLogger().handlers:
        handler.addFilter(_network_trace_to_one_line)


def _network_trace_to_one_line(record: logging.LogRecord) -> bool:
    """PTB logs a 40-line httpx traceback when the Bot API cannot be reached at start; the
    cause fits on one line, and `run` then says what to check."""
    error = record.exc_info[1] if record.exc_info else None
    if isinstance(error, NetworkError):
        record.msg = f"{record.getMessage()} ({error.message})"
        record.args = None
        record.exc_info = None
        record.exc_text = None
    return True


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
    from bot.catalog import DataError  # here: a bad token fails before loading

    try:
        reloader = DataReloader(settings.data_dir, fallback_dir=settings.state_dir / FALLBACK_DIR)
    except DataError as exc:
        return fail(f"the data in {settings.data_dir} has problems:\n{exc}", 1)
    application = build_application(settings, reloader)
    where = settings.api_base_url or "api.telegram.org"
    try:
        if settings.mode == "webhook":
            from bot.telegram.webhook import serve

            try:
                asyncio.run(serve(application, settings, lambda: health_status(reloader)))
            except OSError as exc:  # the port is taken or the address is not this machine's
                listen = f"{settings.webhook_listen}:{settings.webhook_port}"
                return fail(f"cannot serve the webhook on {listen}: {exc}", 1)
        else:
            log.info("starting long polling against %s", where)
            application.run_polling(
                allowed_updates=Update.ALL_TYPES,
                timeout=POLL_TIMEOUT_SECONDS,
                close_loop=False,
                bootstrap_retries=BOOTSTRAP_RETRIES,
            )
    except InvalidToken:
        return fail("Telegram refused TELEGRAM_BOT_TOKEN — check it with @BotFather")
    except NetworkError as exc:
        return fail(f"cannot reach the Bot API at {where}: {exc.message}", 1)
    return 0


def health_status(reloader: DataReloader) -> str:
    """One line for /healthz: how many events answer and whether data/ is as saved."""
    events = len(reloader.current.catalog.events)
    problems = reloader.problems
    if problems:
        return f"events={events} data=invalid problems={len(problems)} (answering from older data)"
    return f"events={events} data=ok"
