"""Building and running the Telegram Application: the only wiring between PTB and the core.

`register` is the one place where handlers are added, in order, each with why it sits there.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from telegram import Update
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ExtBot,
    InlineQueryHandler,
    MessageHandler,
    PollAnswerHandler,
    TypeHandler,
    filters,
)
from telegram.request import HTTPXRequest

from bot import logs as bot_logs
from bot.answering import Answerer
from bot.config import COMPILED_DIR, Settings
from bot.health import HEARTBEAT_SECONDS, write_heartbeat
from bot.heap import give_back_freed_memory
from bot.inbox import Inbox
from bot.missed import MissedLog
from bot.reloading import DataReloader, ReloadResult, ReloadStatus
from bot.state_dir import make_private
from bot.telegram import (
    buttons,
    commands,
    errors,
    game,
    group,
    inline,
    news,
    qr_code,
    questions,
    records,
    timeline,
)
from bot.telegram.admin import Admin, only_admins
from bot.telegram.application import BotApplication
from bot.telegram.connections import TakingTurns
from bot.telegram.context import CONTEXT_TYPES, BotContext, BotData, Services
from bot.telegram.conversations import ConversationStore
from bot.telegram.evening import EveningKit
from bot.telegram.heap import GiveBackWhenQuiet
from bot.telegram.intake import DoneMarks, open_inbox, replay
from bot.telegram.languages import Languages
from bot.telegram.limits import AbuseGuard
from bot.telegram.live import FreshDataUpdateProcessor, LiveData
from bot.telegram.liveness import Liveness
from bot.telegram.menus import set_command_menus
from bot.telegram.news_feature import build_news
from bot.telegram.polling import PollingBot
from bot.telegram.question_log import QuestionLog
from bot.telegram.resilience import PatientRateLimiter
from bot.telegram.webhook import run_webhook
from bot.user_prefs import UserPrefs

log = logging.getLogger(__name__)

BotApp = Application[ExtBot[int], BotContext, dict[Any, Any], dict[Any, Any], BotData, Any]

POLL_TIMEOUT_SECONDS = 30
POLL_STALL_SECONDS = POLL_TIMEOUT_SECONDS + 60
"""A getUpdates returns within its timeout; this long without one means polling is wedged."""
READ_TIMEOUT_SECONDS = 5.0
"""httpx's and PTB's default: how long a reply may take (a long poll adds its own timeout)."""
CONVERSATIONS_FILE = "conversations.json"
"""Where the conversations wait out a restart (bot.telegram.conversations.ConversationStore)."""
WATCH_SECONDS = 10.0
"""How often data/ is checked for changes between updates (each update checks too)."""
MISSED_FILE = "missed.sqlite3"
FALLBACK_DIR = "last-good-data"

# Handler groups: PTB runs them in this order, and in each the first handler that matches.
LIMITS_GROUP = -1
HANDLERS_GROUP = 0
RECORD_GROUP = 1


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


def polling_bot(
    token: str,
    api_base_url: str | None,
    read_timeout: float = READ_TIMEOUT_SECONDS,
    inbox: Inbox | None = None,
) -> PollingBot:
    """The bot object, built as ApplicationBuilder would, but a PollingBot: one update that
    does not parse cannot wedge polling (bot/telegram/polling.py); and its requests take turns
    on a few connections, not 256 (bot/telegram/connections.py)."""
    base_url = api_base_url or "https://api.telegram.org/bot"
    return PollingBot(
        token=token,
        base_url=base_url,
        base_file_url=file_url_for(base_url),
        request=TakingTurns(read_timeout=read_timeout),
        get_updates_request=HTTPXRequest(connection_pool_size=1, read_timeout=read_timeout),
        rate_limiter=PatientRateLimiter(),
        inbox=inbox,
    )


def build_application(
    settings: Settings,
    data: Answerer | DataReloader,
    *,
    watch_seconds: float = WATCH_SECONDS,
    read_timeout: float = READ_TIMEOUT_SECONDS,
    clock: Callable[[], float] = time.monotonic,
) -> BotApp:
    """The Application with every handler registered, in order; nothing runs until started.

    `read_timeout` (seconds): how long one Bot API reply may take (tests make it short).
    `data` is a DataReloader for live data (`python -m bot run`), or a fixed Answerer. With a
    reloader, data/ is checked before every update and every `watch_seconds`, and the admins
    hear of broken edits. `clock` times the silence after which a conversation is forgotten
    (tests pass their own).

    Raises:
        ValueError: when settings carry no token.
    """
    if settings.token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    token = settings.token.reveal()
    live = LiveData(data)
    missed = open_missed_log(settings)
    inbox = open_inbox(settings.state_dir, settings.inbox_stale_seconds)
    languages = Languages(UserPrefs(settings.state_dir))
    admin = Admin(settings.admin_ids, live, languages, missed)
    subscriptions = build_news(settings, live)
    # A private chat's id is its user's id: a new /lang choice re-words their announcements.
    languages.on_choice(subscriptions.news.set_language)
    evening = EveningKit.from_settings(settings)
    tasks: set[asyncio.Task[None]] = set()

    async def report_later(result: ReloadResult) -> None:
        """Tell the admins without holding up the update that found the change."""
        task = asyncio.create_task(admin.report(application.bot, result))
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    async def post_init(application: BotApp) -> None:
        if inbox is not None:
            await replay(inbox, application)  # before polling fetches anything new
        liveness = Liveness(
            processor,
            lambda: bot.last_poll,
            lambda: settings.mode == "polling" and bot_is_polling(),
            POLL_STALL_SECONDS,
        )
        background["heartbeat"] = asyncio.create_task(
            heartbeat(settings.state_dir, liveness.check, lambda: degraded_names(admin))
        )
        if live.reloader is not None:
            background["watch"] = asyncio.create_task(
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
        # Last: announcements start once the bot knows its username (for share links).
        await subscriptions.start(application.bot)

    async def post_stop(application: BotApp) -> None:
        # Before PTB closes the bot's HTTP client: sends on the wire finish and are recorded.
        await subscriptions.stop()

    async def post_shutdown(application: BotApp) -> None:
        if done_marks is not None:
            done_marks.flush()  # the updates that finished in the last turn of the loop
        await subscriptions.stop()  # when post_stop did not run (tests drive the steps)
        for name in ("watch", "heartbeat"):
            task = background.pop(name, None)
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        if question_log is not None:
            await question_log.flush()
        evening.close()
        conversations.save(settings.state_dir / CONVERSATIONS_FILE)

    background: dict[str, asyncio.Task[None]] = {}
    done_marks = DoneMarks(inbox) if inbox is not None else None
    question_log = QuestionLog(missed) if missed is not None else None
    processor = FreshDataUpdateProcessor(live, report_later, done_marks)
    processor.on_quiet = GiveBackWhenQuiet(lambda: not processor.running).quiet
    builder = (
        Application.builder()
        .application_class(BotApplication)  # no ids collected for a persistence we lack
        .bot(polling_bot(token, settings.api_base_url, read_timeout, inbox))
        .context_types(CONTEXT_TYPES)
        .concurrent_updates(processor)
        .post_init(post_init)
        .post_stop(post_stop)
        .post_shutdown(post_shutdown)
    )
    application = cast(BotApp, builder.build())  # a PollingBot is an ExtBot[int]
    bot = cast(PollingBot, application.bot)

    def bot_is_polling() -> bool:
        return application.updater is not None and application.updater.running

    bot.watch_polling(bot_is_polling)
    if inbox is not None:  # what is not started at a stop waits in the inbox for the next run
        processor.leave_unstarted_when(lambda: not application.running)
    conversations = ConversationStore(settings.conversation_minutes * 60, clock=clock)
    conversations.load(settings.state_dir / CONVERSATIONS_FILE)
    application.bot_data.services = Services(
        live, languages, missed, random.Random(), token, conversations, question_log
    )
    application.bot_data.news = subscriptions
    application.bot_data.evening = evening
    admin.conditions = lambda: conditions(settings.state_dir, live, missed, inbox, bot)
    register(application, AbuseGuard(settings.limits), admin)
    return application


BACKLOG_ATTENTION_SECONDS = 60.0
"""An update unanswered this long means the bot is far behind: /stats says so."""


def conditions(
    state_dir: Path,
    live: LiveData,
    missed: MissedLog | None,
    inbox: Inbox | None,
    bot: PollingBot,
) -> list[tuple[str, dict[str, object]]]:
    """The degraded states /stats reports (text key, values); empty when all is well."""
    found: list[tuple[str, dict[str, object]]] = []
    if missed is None:
        found.append(("tg_health_missed_off", {}))
    if live.reloader is not None and live.reloader.problems:
        found.append(("tg_health_old_data", {}))
    if not os.access(state_dir, os.W_OK):
        found.append(("tg_health_state_readonly", {}))
    if inbox is None or bot.inbox_failed:
        found.append(("tg_health_inbox_off", {}))
    else:
        age = inbox.oldest_pending_age()
        if age is not None and age > BACKLOG_ATTENTION_SECONDS:
            found.append(("tg_health_backlog", {"seconds": round(age)}))
    return found


def register(application: BotApp, guard: AbuseGuard, admin: Admin) -> None:
    """Every handler, in the order PTB tries them.

    In a group PTB runs the first handler that matches and stops; then the next group.
    """
    add = application.add_handler
    # Group -1, before everything: the abuse limits stop an update over them
    # (ApplicationHandlerStop), so no handler and no record sees it.
    add(TypeHandler(Update, guard.check), group=LIMITS_GROUP)

    # Group 0, the answer. Buttons and inline queries are their own update types; they never
    # compete with text.
    # The news buttons (Subscribe, the welcome's language picker, Add to calendar) carry their
    # own prefix; before the general button handler, which would call them stale.
    add(news.NewsButtons(), group=HANDLERS_GROUP)
    add(CallbackQueryHandler(buttons.button), group=HANDLERS_GROUP)
    add(InlineQueryHandler(inline.inline), group=HANDLERS_GROUP)
    # Known commands before any text handler, so "/events" is never read as a question;
    # CommandHandler also ignores "/events@other_bot" in groups.
    add(CommandHandler("start", commands.start), group=HANDLERS_GROUP)
    add(CommandHandler("help", commands.help_), group=HANDLERS_GROUP)
    add(CommandHandler("events", commands.events), group=HANDLERS_GROUP)
    add(CommandHandler("lang", commands.lang), group=HANDLERS_GROUP)
    add(CommandHandler("fact", commands.fact), group=HANDLERS_GROUP)
    add(CommandHandler("quiz", game.quiz), group=HANDLERS_GROUP)
    add(CommandHandler("timeline", timeline.timeline), group=HANDLERS_GROUP)
    add(CommandHandler("ask", commands.ask), group=HANDLERS_GROUP)
    add(CommandHandler("subscribe", news.subscribe), group=HANDLERS_GROUP)
    add(CommandHandler("unsubscribe", news.unsubscribe), group=HANDLERS_GROUP)
    add(CommandHandler("privacy", news.privacy), group=HANDLERS_GROUP)
    add(CommandHandler("forget", news.forget), group=HANDLERS_GROUP)
    # Votes in a quiz round's polls (non-anonymous polls report each vote) and the bot being
    # added to a group are their own update types: nothing else competes for them.
    add(PollAnswerHandler(game.poll_answer), group=HANDLERS_GROUP)
    add(ChatMemberHandler(group.added, ChatMemberHandler.MY_CHAT_MEMBER), group=HANDLERS_GROUP)
    # Admin commands answer only ADMIN_IDS in private chats; for anyone else the filter fails
    # and the update falls through to the unknown-command reply: to them the commands do not
    # exist.
    admins = only_admins(admin.admin_ids)
    add(CommandHandler("missed", admin.missed, filters=admins), group=HANDLERS_GROUP)
    add(CommandHandler("stats", admin.stats, filters=admins), group=HANDLERS_GROUP)
    add(CommandHandler("reload", admin.reload, filters=admins), group=HANDLERS_GROUP)
    add(CommandHandler("qr", qr_code.qr, filters=admins), group=HANDLERS_GROUP)
    # Group text (or a caption) is answered only when it mentions or replies to the bot
    # (checked inside), so ordinary chatter stays unanswered; private text always is.
    group_text = filters.ChatType.GROUPS & ((filters.TEXT & ~filters.COMMAND) | filters.CAPTION)
    add(MessageHandler(group_text, questions.group_text), group=HANDLERS_GROUP)
    private_text = filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND
    add(MessageHandler(private_text, questions.private_text), group=HANDLERS_GROUP)
    # An unknown /command in a private chat gets the welcome instead of silence; after the
    # admin commands, which fall through to it.
    private_command = filters.ChatType.PRIVATE & filters.COMMAND
    add(MessageHandler(private_command, commands.unknown_command), group=HANDLERS_GROUP)
    # Photos, videos and files in a private chat: the caption is the question; voice notes,
    # stickers and other media get a short "please type" note. Service messages have no
    # attachment, so they stay unanswered.
    private_media = filters.ChatType.PRIVATE & ~filters.TEXT & filters.ATTACHMENT
    add(MessageHandler(private_media, questions.private_media), group=HANDLERS_GROUP)

    # Group 1, after the answer: one log line per update and the missed-question record.
    # A handler that failed does not stop it (PTB goes on to the next group after on_error).
    add(TypeHandler(Update, records.record), group=RECORD_GROUP)
    application.add_error_handler(errors.on_error)


async def watch(reloader: DataReloader, admin: Admin, application: BotApp, seconds: float) -> None:
    """Check data/ every `seconds` even when nobody writes, so the admins hear of a broken
    edit at once, not at the next question."""
    while True:
        await asyncio.sleep(seconds)
        try:
            await admin.report(application.bot, await reloader.check_async())
        except Exception:  # the watcher must outlive any surprise; the log shows it
            log.exception("checking data/ for changes failed")


def degraded_names(admin: Admin) -> list[str]:
    """/stats's degraded states as the heartbeat lists them (bot.health.DEGRADED's names)."""
    return [key.removeprefix("tg_health_") for key, _ in admin.conditions()]


async def heartbeat(
    state_dir: Path, progress: Callable[[], str], degraded: Callable[[], list[str]]
) -> None:
    """Touch BOT_STATE_DIR/heartbeat when the bot makes progress (bot/telegram/liveness.py):
    Docker's health check. A stall withholds it and says why, once per stall. The beat lists
    the degraded states, so the check can fail on those the operator must act on."""
    stalled = False
    while True:
        problem = progress()
        if problem:
            if not stalled:
                log.warning("heartbeat withheld: %s", problem)
            stalled = True
        else:
            stalled = False
            try:
                write_heartbeat(state_dir, degraded=degraded())
            except OSError as exc:
                log.warning("could not write the heartbeat: %s", exc)
        give_back_freed_memory()  # a bot never quiet long (bot/telegram/heap.py) still does
        await asyncio.sleep(HEARTBEAT_SECONDS)


# A brief outage at start is waited out; a longer one ends the process with one line, and the
# container's restart policy tries again.
BOOTSTRAP_RETRIES = 3


def configure_logging(token: str | None, level: str = "INFO") -> None:
    """LOG_LEVEL for the bot, WARNING for libraries unless DEBUG (httpx logs URLs, which hold
    the token); bot.logs keeps the token and the webhook secret out of every line."""
    bot_logs.configure(level, (token,) if token else ())
    for handler in logging.getLogger().handlers:
        if _network_trace_to_one_line not in handler.filters:
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
    configure_logging(settings.token.reveal(), settings.log_level)
    make_private(settings.state_dir)  # files 0600 in a 0700 folder; problems are logged
    from bot.catalog import DataError  # here: a bad token fails before loading

    try:
        reloader = DataReloader(
            settings.data_dir,
            fallback_dir=settings.state_dir / FALLBACK_DIR,
            compiled_dir=settings.state_dir / COMPILED_DIR,
        )
    except DataError as exc:
        return fail(f"the data in {settings.data_dir} has problems:\n{exc}", 1)
    application = build_application(settings, reloader)
    where = settings.api_base_url or "api.telegram.org"
    try:
        if settings.mode == "webhook":
            try:
                run_webhook(application, settings, BOOTSTRAP_RETRIES)
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
