"""News in Telegram, the handlers: /subscribe, /unsubscribe, /privacy, /forget, the welcome's
Subscribe button and language picker, and "Add to calendar". The loop, the transport and the
profile texts are in news_feature.py.

Everything about who gets what, when and how often lives in bot.news; these handlers translate
updates into its calls and its replies into messages.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from telegram import Message, Update, User
from telegram.constants import ChatMemberStatus, ChatType, ParseMode
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler

from bot.catalog.model import DEFAULT_LANGUAGE, LANGUAGES
from bot.news.calendar import event_ics, file_name, has_calendar_file
from bot.telegram.context import BotContext, esc
from bot.telegram.news_feature import TelegramNews
from bot.telegram.news_keyboards import PREFIX, welcome_rows

NEWS_COMMANDS = ("subscribe", "unsubscribe", "privacy", "forget")


class NewsButtons(CallbackQueryHandler[BotContext, None]):
    """Only the buttons whose data starts with `n|`. PTB's own pattern lets a button without
    data through; this handler leaves those to the general button handler."""

    def __init__(self) -> None:
        super().__init__(button)

    def check_update(self, update: object) -> bool | object | None:
        query = update.callback_query if isinstance(update, Update) else None
        if query is None or not (query.data or "").startswith(PREFIX):
            return None
        return super().check_update(update)


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


async def _managed(update: Update, context: BotContext) -> tuple[Message, int] | None:
    """The message and chat of a subscription command, once the sender may manage this
    chat's news (anyone in a private chat, an admin in a group); else told so, and None."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return None
    if not await may_manage(update, context):
        await context.reply(message, esc(context.texts.get("news_admins_only")))
        return None
    return message, chat.id


async def subscribe(update: Update, context: BotContext) -> None:
    """/subscribe [kind or city]: news of new events here, in the chat's language."""
    managed = await _managed(update, context)
    if managed is None:
        return
    message, chat_id = managed
    news = feature(context).news
    wanted = " ".join(context.args or [])
    reply = await asyncio.to_thread(
        news.subscribe, context.catalog, chat_id, context.language, wanted
    )
    news.poke()
    await context.reply(message, esc(reply.say(context.texts)))


async def unsubscribe(update: Update, context: BotContext) -> None:
    """/unsubscribe: no more news here."""
    managed = await _managed(update, context)
    if managed is None:
        return
    message, chat_id = managed
    reply = await asyncio.to_thread(feature(context).news.unsubscribe, chat_id)
    await context.reply(message, esc(reply.say(context.texts)))


async def privacy(update: Update, context: BotContext) -> None:
    """/privacy: what the bot keeps, where, how long, and how to erase it."""
    message = update.effective_message
    if message is None:
        return
    kept = feature(context)
    text = context.texts.get(
        "news_privacy",
        days=kept.retention_days,
        minutes=f"{kept.conversation_minutes:g}",
    )
    await context.reply(message, esc(text))


async def forget(update: Update, context: BotContext) -> None:
    """/forget: erase the language choice, and this chat's subscriptions and queued news (in
    a group, the group's only when an admin asks)."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None or user is None:
        return
    words = context.texts  # the language of this reply, before the choice is erased
    had_language = context.services.languages.forget(user.id)
    context.services.conversations.forget(chat.id, user.id)  # memory only, but it goes too
    games = context.bot_data.evening.games  # the quiz scoreboards name players
    if games is not None and await asyncio.to_thread(games.forget_player, user.id) > 0:
        had_language = True  # something tied to them went: not "nothing was stored"
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
