"""The commands everyone has: /start, /help, /events, /lang, /fact, /ask, and an unknown one."""

from __future__ import annotations

from telegram import Message, Update

from bot.answering import Answer, Intent, supported_language
from bot.rendering import render_html
from bot.telegram import group
from bot.telegram import keyboards as kb
from bot.telegram.context import BotContext, esc
from bot.telegram.news_keyboards import welcome_rows
from bot.telegram.talk import answer_in_conversation


async def start(update: Update, context: BotContext) -> None:
    """/start: a welcome with example questions; /start <event id>: that event's card."""
    message = update.effective_message
    if message is None:
        return
    if context.args and context.args[0] == kb.GROUP_PAYLOAD and context.quote:
        return  # added through /help's link: the group greeting (group.py) has said hello
    if context.args:
        card = context.answerer.card(context.args[0], context.language)
        if card is not None:
            await context.reply_answer(message, card)
            return
        await context.reply(message, esc(context.texts.get("tg_unknown_link")))
    user = update.effective_user
    text, markup = context.welcome(user.first_name if user else "")
    markup = welcome_rows(markup, context.texts, user.language_code if user else None)
    await context.reply(message, text, markup)


async def help_(update: Update, context: BotContext) -> None:
    """/help: what the bot knows, example questions and the commands."""
    message = update.effective_message
    if message is None:
        return
    core = render_html(Answer("/help", context.language, Intent.HELP), context.catalog).text
    commands = esc(context.texts.get("tg_help_commands"))
    news = esc(context.texts.get("news_help"))
    markup = kb.add_to_group_keyboard(context.bot.username, context.texts)
    await context.reply(message, f"{core}\n\n{commands}\n\n{news}", markup)


async def events(update: Update, context: BotContext) -> None:
    """/events: a menu to browse by year, kind or city, then pages of events."""
    message = update.effective_message
    if message is None:
        return
    words = context.texts
    await context.reply(message, esc(words.get("tg_events_menu")), kb.events_menu(words))


async def lang(update: Update, context: BotContext) -> None:
    """/lang: buttons to choose the reply language; `/lang ru` sets it directly."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    if context.args and supported_language(context.args[0]) == context.args[0].lower():
        chosen = context.args[0].lower()
        context.services.languages.choose(user.id, chosen)
        await context.reply(message, esc(context.texts_in(chosen).get("tg_lang_set")))
        return
    prompt = esc(context.texts.get("tg_lang_prompt"))
    await context.reply(message, prompt, kb.language_keyboard())


async def fact(update: Update, context: BotContext) -> None:
    """/fact: the card of a random event, with a button for another one."""
    message = update.effective_message
    if message is not None:
        await send_fact(context, message, context.language)


async def send_fact(context: BotContext, message: Message, language: str) -> None:
    """A random event's card in `language`, with "another fact" under it (/fact and its
    button)."""
    event_id = context.answerer.random_event_id(context.services.rng)
    card = context.answerer.card(event_id, language)
    if card is None:  # pragma: no cover - the id comes from the catalog itself
        return
    text, _ = context.render(card)
    markup = kb.fact_keyboard(context.texts_in(language), context.catalog, event_id)
    await context.reply(message, text, markup)


async def ask(update: Update, context: BotContext) -> None:
    """/ask <question> (groups and private): the answer; bare /ask: how to use it."""
    message = update.effective_message
    if message is None or not message.text:
        return
    parts = message.text.split(maxsplit=1)
    question = parts[1].strip() if len(parts) > 1 else ""
    if not question:
        await group.ask_back(update, context)
        return
    await answer_in_conversation(context, message, question)


async def unknown_command(update: Update, context: BotContext) -> None:
    """An unknown /command in a private chat: a one-line "I don't know that command", then
    the welcome, so the user sees what works (the welcome alone looks like a misfire)."""
    message = update.effective_message
    if message is None:
        return
    user = update.effective_user
    text, markup = context.welcome(user.first_name if user else "")
    note = esc(context.texts.get("tg_unknown_command"))
    await context.reply(message, f"{note}\n\n{text}", markup)
