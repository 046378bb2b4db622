"""News in Telegram: /subscribe, /unsubscribe, /privacy, /forget, the welcome's Subscribe button
and language picker, "Add to calendar", the bot's profile texts, and the transport that performs
the sends the core decides (bot.news).

Everything about who gets what, when and how often lives in bot.news; this module translates
updates into calls and a send's outcome into Outcome values.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime

from telegram import Bot, Message, Update, User
from telegram.constants import ChatMemberStatus, ChatType, ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from bot.catalog.model import DEFAULT_LANGUAGE, LANGUAGES, Catalog
from bot.config import Settings
from bot.news.announce import Announcer
from bot.news.calendar import event_ics, file_name, has_calendar_file
from bot.news.delivery import Delivery, Outcome
from bot.news.pacing import SystemClock
from bot.news.service import News
from bot.news.store import NewsStore, OutboxItem
from bot.rendering import Texts, texts
from bot.telegram import buttons
from bot.telegram import keyboards as kb
from bot.telegram.context import NO_PREVIEW, BotContext, esc
from bot.telegram.live import LiveData
from bot.telegram.news_keyboards import PREFIX, announcement_keyboard, welcome_rows

log = logging.getLogger(__name__)

NEWS_COMMANDS = ("subscribe", "unsubscribe", "privacy", "forget")


@dataclass
class TelegramNews:
    """The news feature of one Application: the core's News, and what sends need."""

    news: News
    data: LiveData
    retention_days: int
    _announcers: dict[int, Announcer] = field(default_factory=dict)
    _task: asyncio.Task[None] | None = None

    # ------------------------------------------------------------------ life cycle

    async def start(self, bot: Bot) -> None:
        """At start-up: the profile texts, then the loop that announces and delivers."""
        await set_profile(bot, self.data.latest().catalog)

        async def transport(item: OutboxItem) -> Delivery:
            return await self.deliver(bot, item)

        self._task = asyncio.create_task(
            self.news.run(lambda: self.data.latest().catalog, transport)
        )

    async def stop(self) -> None:
        """Stop the loop (sends on the wire may finish) and close the store; twice is fine."""
        task, self._task = self._task, None
        if task is None:
            return
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        self.news.store.close()

    # ------------------------------------------------------------------ the transport

    def announcer(self, bot: Bot) -> Announcer:
        answerer = self.data.latest()
        announcer = self._announcers.get(id(answerer))
        if announcer is None or announcer.answerer is not answerer:
            username = bot.username

            def share(event_id: str) -> str:
                return kb.deep_link(username, event_id) or ""

            announcer = Announcer(answerer, share)
            self._announcers = {id(answerer): announcer}
        return announcer

    async def deliver(self, bot: Bot, item: OutboxItem) -> Delivery:
        """One announcement to one chat; Telegram's answer as an Outcome."""
        today = datetime.now(UTC).date()
        announcer = self.announcer(bot)
        html = announcer.html(item.event_id, item.change, item.language, today)
        event = announcer.answerer.catalog.event(item.event_id)
        if html is None or event is None:
            return Delivery(Outcome.REFUSED)  # the event left the data meanwhile
        words = texts(announcer.answerer.catalog, item.language)
        markup = announcement_keyboard(event, words, bot.username, today)
        try:
            await bot.send_message(
                item.chat_id,
                html,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
                link_preview_options=NO_PREVIEW,
            )
        except Forbidden:
            return Delivery(Outcome.BLOCKED)
        except ChatMigrated as moved:
            if isinstance(item.chat_id, int):
                await asyncio.to_thread(self.news.store.migrate, item.chat_id, moved.new_chat_id)
            return Delivery(Outcome.RETRY)  # the row now names the new id
        except RetryAfter as flood:
            return Delivery(Outcome.FLOOD, retry_after=_seconds(flood.retry_after))
        except BadRequest as refused:
            log.info("announcement refused: %s", refused.message)
            return Delivery(Outcome.REFUSED)
        except NetworkError:
            return Delivery(Outcome.RETRY)
        return Delivery(Outcome.SENT)


def build_news(settings: Settings, data: LiveData) -> TelegramNews:
    store = NewsStore.in_state_dir(settings.state_dir)
    return TelegramNews(
        News(store, settings.news, SystemClock()), data, settings.missed_retention_days
    )


async def set_profile(bot: Bot, catalog: Catalog) -> None:
    """The bot's description (shown before /start) and short description (its profile), in
    each language and as the default; a refusal is logged, never fatal."""
    try:
        for language in (None, *LANGUAGES):
            words = texts(catalog, language or DEFAULT_LANGUAGE)
            await bot.set_my_description(words.get("news_bot_description"), language_code=language)
            await bot.set_my_short_description(
                words.get("news_bot_short_description"), language_code=language
            )
    except TelegramError as exc:
        log.warning("could not set the bot's description: %s", exc.message)


# ---------------------------------------------------------------------- commands


def feature(context: BotContext) -> TelegramNews:
    return context.bot_data.news


async def may_manage(update: Update, context: BotContext) -> bool:
    """In a private chat anyone; in a group only its admins (Telegram says who they are)."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return False
    if chat.type == ChatType.PRIVATE:
        return True
    try:
        member = await context.bot.get_chat_member(chat.id, user.id)
    except TelegramError:
        return False
    return member.status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)


async def subscribe(update: Update, context: BotContext) -> None:
    """/subscribe [kind or city]: news of new events here, in the chat's language."""
    message = update.effective_message
    if message is None or update.effective_chat is None:
        return
    if not await may_manage(update, context):
        await context.reply(message, esc(context.texts.get("news_admins_only")))
        return
    news = feature(context).news
    wanted = " ".join(context.args or [])
    reply = await asyncio.to_thread(
        news.subscribe, context.catalog, update.effective_chat.id, context.language, wanted
    )
    news.poke()
    await context.reply(message, esc(reply.say(context.texts)))


async def unsubscribe(update: Update, context: BotContext) -> None:
    """/unsubscribe: no more news here."""
    message = update.effective_message
    if message is None or update.effective_chat is None:
        return
    if not await may_manage(update, context):
        await context.reply(message, esc(context.texts.get("news_admins_only")))
        return
    reply = await asyncio.to_thread(feature(context).news.unsubscribe, update.effective_chat.id)
    await context.reply(message, esc(reply.say(context.texts)))


async def privacy(update: Update, context: BotContext) -> None:
    """/privacy: what the bot keeps, where, how long, and how to erase it."""
    message = update.effective_message
    if message is None:
        return
    days = feature(context).retention_days
    await context.reply(message, esc(context.texts.get("news_privacy", days=days)))


async def forget(update: Update, context: BotContext) -> None:
    """/forget: erase the language choice, and this chat's subscriptions and queued news (in
    a group, the group's only when an admin asks)."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None or user is None:
        return
    words = context.texts  # the language of this reply, before the choice is erased
    had_language = context.services.languages.forget(user.id)
    news = feature(context).news
    if chat.type == ChatType.PRIVATE or await may_manage(update, context):
        reply = await asyncio.to_thread(news.forget, chat.id, had_language=had_language)
    else:
        reply = news.forget_reply(had_language)
    await context.reply(message, esc(reply.say(words)))


# ---------------------------------------------------------------------- buttons


async def button(update: Update, context: BotContext) -> None:
    """The Subscribe button, the language picker and "Add to calendar"."""
    query = update.callback_query
    if query is None:
        return
    if not (query.data or "").startswith(PREFIX):
        # PTB lets a button without data past the pattern: the general handler answers it
        await buttons.button(update, context)
        return
    parts = (query.data or "").split("|")
    message = query.message if isinstance(query.message, Message) else None
    language = parts[2] if len(parts) > 2 and parts[2] in LANGUAGES else None
    if message is None or language is None:
        await query.answer(context.texts.get("tg_stale_button"))
        return
    kind = parts[1]
    if kind == "lang":
        await pick_language(query.from_user, message, language, context)
        await query.answer()
    elif kind == "sub":
        chat_id = message.chat.id
        if not await may_manage(update, context):
            await query.answer(context.texts.get("news_admins_only"), show_alert=True)
            return
        news = feature(context).news
        reply = await asyncio.to_thread(news.subscribe, context.catalog, chat_id, language, "")
        news.poke()
        await query.answer()
        await context.reply(message, esc(reply.say(context.texts_in(language))), quote=False)
    elif kind == "ics" and len(parts) == 4:
        await query.answer()
        await send_calendar(message, parts[3], language, context)
    else:
        await query.answer(context.texts.get("tg_stale_button"))


async def pick_language(user: User, message: Message, language: str, context: BotContext) -> None:
    """A language button under the welcome: remember it, and say the welcome again in it."""
    context.services.languages.choose(user.id, language)  # the subscription follows
    context.language = language
    context.texts = context.texts_in(language)
    text, markup = context.welcome(user.first_name)
    await context.edit(message, text, welcome_rows(markup, context.texts, user.language_code))


async def send_calendar(
    message: Message, event_id: str, language: str, context: BotContext
) -> None:
    """The event's .ics file; for a month-only date, a line saying why there is none."""
    event = context.catalog.event(event_id)
    words = context.texts_in(language)
    if event is None:
        await context.reply(message, esc(words.get("tg_stale_button")), quote=False)
        return
    if not has_calendar_file(event):
        await context.reply(message, esc(words.get("news_calendar_month_only")), quote=False)
        return
    ics = event_ics(context.catalog, event, language, datetime.now(UTC))
    assert ics is not None
    title = event.title.get(language) or event.title[DEFAULT_LANGUAGE]
    await context.bot.send_document(
        message.chat.id,
        ics,
        filename=file_name(event),
        caption=esc(words.get("news_calendar_caption", title=title))[:1024],
        parse_mode=ParseMode.HTML,
    )


# ---------------------------------------------------------------------- admins


def stats_lines(feature_: TelegramNews, words: Texts) -> str:
    """/stats: subscribers, the queue, and how far the newest broadcasts have got; empty
    while nobody has subscribed and nothing was ever announced."""
    store = feature_.news.store
    if not store.subscriber_count() and not store.progress(limit=1):
        return ""
    lines = [
        words.get(
            "news_stats_header",
            subscribers=store.subscriber_count(),
            pending=store.pending_count(),
        )
    ]
    for progress in store.progress():
        lines.append(
            words.get(
                "news_stats_line",
                event=progress.event_id,
                change=progress.change.value,
                sent=progress.sent,
                total=progress.total,
                blocked=progress.blocked,
                failed=progress.failed,
                pending=progress.pending,
            )
        )
    return "\n".join(lines)


def _seconds(value: object) -> float:
    """RetryAfter.retry_after: an int today, a timedelta in a later PTB."""
    total = getattr(value, "total_seconds", None)
    return float(total()) if callable(total) else float(value)  # type: ignore[arg-type]
