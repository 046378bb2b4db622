"""The admins' side of the bot: /missed, /stats, /reload and messages to every admin.

Admins are the Telegram user ids in ADMIN_IDS. The commands answer only them, and only in a
private chat (a group must not see what people asked). Everyone else falls through to the
unknown-command reply, because app.py registers these commands with `only_admins()` as filter:
to a stranger the commands simply do not exist.

Replies are plain text from bot.missed and bot.reloading, worded from data/locales/telegram in the
admin's language (the one store in languages.py) and escaped here for Telegram's HTML.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from html import escape

from telegram import Bot, BotCommand, BotCommandScopeChat, Update
from telegram.constants import MessageLimit, ParseMode
from telegram.error import TelegramError
from telegram.ext import filters

from bot.catalog.model import DEFAULT_LANGUAGE, LANGUAGES, Catalog
from bot.missed import MissedLog
from bot.reloading import ReloadResult
from bot.rendering import Texts, texts
from bot.telegram.admin_texts import format_missed, format_reload_result, format_stats
from bot.telegram.context import BotContext
from bot.telegram.languages import Languages
from bot.telegram.live import LiveData
from bot.telegram.menus import PRIVATE_COMMANDS
from bot.telegram.news_feature import stats_lines

log = logging.getLogger(__name__)

ADMIN_COMMANDS = ("missed", "stats", "reload")
MISSED_DAYS = 30
MISSED_LIMIT = 15
STATS_DAYS = 14
MAX_DAYS = 3660


def only_admins(admin_ids: frozenset[int]) -> filters.BaseFilter:
    """Private messages from an admin; with no ADMIN_IDS it matches nothing at all."""
    return filters.ChatType.PRIVATE & filters.User(user_id=admin_ids)


def chunks(text: str, limit: int = MessageLimit.MAX_TEXT_LENGTH - 96) -> list[str]:
    """Split at line breaks into pieces Telegram accepts (long /missed lists, many errors)."""
    lines: list[str] = []
    for line in text.splitlines() or [""]:
        lines.extend(line[start : start + limit] for start in range(0, max(len(line), 1), limit))
    pieces: list[str] = []
    current: str | None = None
    for line in lines:
        if current is not None and len(current) + 1 + len(line) <= limit:
            current = f"{current}\n{line}"
            continue
        if current is not None:
            pieces.append(current)
        current = line
    pieces.append(current or "")
    return [piece for piece in pieces if piece.strip()] or ["…"]


async def _questions_written(context: BotContext) -> None:
    """The questions still waiting to be written (bot/telegram/question_log.py), written: the
    figures then count every question asked before the command."""
    question_log = context.services.question_log
    if question_log is not None:
        await question_log.flush()


def days_argument(args: list[str] | None, default: int) -> int:
    """`/missed 90` looks 90 days back; anything else is the default."""
    if args and args[0].isdigit():
        return max(1, min(int(args[0]), MAX_DAYS))
    return default


class Admin:
    """The admin commands and notices, each in the admin's own language.

    A command replies in the language every other reply uses for that admin (BotContext's:
    the /lang choice, else Telegram's language_code, else English). A notice nobody asked for
    (broken data) goes to each admin in their /lang choice, else the language their last admin
    command was answered in, else English; both read the one store, `languages`.

    Args:
        admin_ids: ADMIN_IDS.
        data: the live data (without a reloader /reload says the data is fixed).
        languages: the /lang store every reply reads.
        missed: the missed-question log (None when BOT_STATE_DIR could not hold it).
    """

    def __init__(
        self,
        admin_ids: frozenset[int],
        data: LiveData,
        languages: Languages,
        missed: MissedLog | None,
    ) -> None:
        self.admin_ids = admin_ids
        self.data = data
        self.languages = languages
        self.missed_log = missed
        self.conditions: Callable[[], list[tuple[str, dict[str, object]]]] = lambda: []
        """What needs the operator's attention now, as (text key, values); /stats lists it."""

    # ------------------------------------------------------------------ commands

    async def missed(self, update: Update, context: BotContext) -> None:
        """/missed [days]: the most asked questions the bot could not answer, grouped."""
        words = self._words(update, context)
        days = days_argument(context.args, MISSED_DAYS)
        if self.missed_log is None:
            text = words.get("tg_admin_log_off")
        else:
            await _questions_written(context)
            groups = await asyncio.to_thread(self.missed_log.top_missed, MISSED_LIMIT, days)
            text = format_missed(groups, days, words)
        await self._reply(update, context, text)

    async def stats(self, update: Update, context: BotContext) -> None:
        """/stats [days]: questions per day, by language and intent, and the share answered."""
        words = self._words(update, context)
        days = days_argument(context.args, STATS_DAYS)
        if self.missed_log is None:
            text = words.get("tg_admin_log_off")
        else:
            await _questions_written(context)
            text = format_stats(await asyncio.to_thread(self.missed_log.stats, days), words)
        conditions = self.conditions()
        if conditions:
            lines = [words.get(key, **values) for key, values in conditions]
            text += (
                "\n\n"
                + words.get("tg_health_degraded")
                + "\n"
                + "\n".join(f"• {line}" for line in lines)
            )
        await self._reply(update, context, text)
        feature = getattr(context.bot_data, "news", None)
        news = None if feature is None else await asyncio.to_thread(stats_lines, feature, words)
        if news:  # the announcements' progress, as a message of its own, once there is any
            await self._reply(update, context, news)

    async def reload(self, update: Update, context: BotContext) -> None:
        """/reload: load data/ now, whatever the files look like, and say what happened."""
        words = self._words(update, context)
        reloader = self.data.reloader
        if reloader is None:
            await self._reply(update, context, words.get("tg_reload_fixed"))
            return
        result = await asyncio.to_thread(reloader.reload)
        # Worded from the new data, so a new tg_ text in the edit shows at once.
        words = texts(self._catalog(), words.language)
        await self._reply(update, context, format_reload_result(result, words))

    async def _reply(self, update: Update, context: BotContext, text: str) -> None:
        chat = update.effective_chat
        if chat is None:
            return
        for piece in chunks(text):
            await context.bot.send_message(
                chat.id, escape(piece, quote=False), parse_mode=ParseMode.HTML
            )

    def _words(self, update: Update, context: BotContext) -> Texts:
        """The texts for the admin who sent this command, as for any other reply; the
        language is remembered for notices to an admin who never chose one with /lang."""
        user = update.effective_user
        if user is not None:
            self.languages.remember_reply(user.id, context.language)
        return context.texts

    def _catalog(self) -> Catalog:
        """The catalog answering now: its locales are the ones to speak."""
        return self.data.latest().catalog

    # ------------------------------------------------------------------ notices

    async def notify(self, bot: Bot, text: str | Callable[[Texts], str]) -> int:
        """Send a plain text to every admin; returns how many got it. A callable is given each
        admin's texts and words the message in their language. Never raises: an admin who
        never opened the bot (Telegram refuses to write first) must not stop the others."""
        delivered = 0
        for admin_id in sorted(self.admin_ids):
            try:
                words = texts(self._catalog(), self.languages.for_notice(admin_id))
                message = text if isinstance(text, str) else text(words)
                for piece in chunks(message):
                    await bot.send_message(
                        admin_id, escape(piece, quote=False), parse_mode=ParseMode.HTML
                    )
                delivered += 1
            except TelegramError as exc:
                log.warning("could not send the admin %d a notice: %s", admin_id, exc.message)
        return delivered

    async def report(self, bot: Bot, result: ReloadResult) -> None:
        """Tell the admins about a reload when it deserves it (new errors, or fixed again);
        the start-up result too (it is flagged when the bot starts from the last good copy)."""
        if result.notify:
            await self.notify(bot, lambda words: format_reload_result(result, words))

    async def set_menus(self, bot: Bot, catalog: Catalog) -> None:
        """Each admin's private chat gets the usual commands plus the admin ones, in every
        language; never raises (Telegram refuses chats the admin has not opened yet)."""
        names = (*PRIVATE_COMMANDS, *ADMIN_COMMANDS)
        for admin_id in sorted(self.admin_ids):
            scope = BotCommandScopeChat(admin_id)
            try:
                for language in (None, *LANGUAGES):
                    words = texts(catalog, language or DEFAULT_LANGUAGE)
                    commands = [BotCommand(name, words.get(f"tg_cmd_{name}")) for name in names]
                    await bot.set_my_commands(commands, scope=scope, language_code=language)
            except TelegramError as exc:
                log.info("no admin command menu for %d yet: %s", admin_id, exc.message)
