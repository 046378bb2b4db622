"""Inline buttons: paging, event cards, follow-up chips, example questions, the /lang picker,
the /events menu and "another fact". Every button carries what it needs (callbacks.py), so a
button still works after a restart; stale, foreign or forged data gets a short notice."""

from __future__ import annotations

from dataclasses import replace

from telegram import InlineKeyboardMarkup, Message, Update

from bot.answering import Answer
from bot.catalog.model import Place
from bot.conversation import Conversation
from bot.telegram import callbacks as cb
from bot.telegram import game
from bot.telegram import keyboards as kb
from bot.telegram.commands import send_fact
from bot.telegram.context import BotContext, esc
from bot.telegram.talk import remember_shown
from bot.text import clip

TOAST_LIMIT = 200
"""answerCallbackQuery text: Telegram refuses a longer one."""


async def button(update: Update, context: BotContext) -> None:
    """Any inline button: what it stands for, then the tap answered (a toast when needed)."""
    query = update.callback_query
    if query is None:
        return
    action = cb.decode(query.data)
    message = query.message if isinstance(query.message, Message) else None
    if action is None or (message is None and not isinstance(action, cb.Noop)):
        await query.answer(stale(context), show_alert=False)
        return
    notice = await act(action, query.from_user.id, message, context)
    await query.answer(notice)


def stale(context: BotContext) -> str:
    return context.texts.get("tg_stale_button")


async def act(
    action: cb.Action, user: int, message: Message | None, context: BotContext
) -> str | None:
    """Carry out a button's action for the user who tapped; returns a notice, or None."""
    if isinstance(action, cb.Noop) or message is None:
        return None
    answerer = context.answerer
    match action:
        case cb.ShowPage(language, page, token, menu):
            answer = answerer.replay(token, language)
            if answer is None:
                return stale(context)
            text, markup = context.render(answer, page, menu=menu)
            await context.edit(message, text, markup)
            shown = context.services.conversations.of_message(message.chat_id, message.message_id)
            if shown is not None and shown.listed == answer.event_ids:
                remember_shown(
                    context, message.chat_id, message.message_id, user, replace(shown, page=page)
                )  # for "more"
        case cb.OpenCard(language, event_id):
            card = answerer.card(event_id, language)
            if card is None:
                return stale(context)
            sent = await context.reply_answer(message, card, quote=False)
            tapped = _conversation_of(context, message, user)
            remember_shown(
                context, message.chat_id, sent, user, tapped.with_card(event_id, language)
            )
        case cb.Follow(language, token):
            answer = answerer.replay(token, language)
            if answer is None:
                return stale(context)
            sent = await context.reply_answer(message, answer, quote=False)
            after = Conversation().with_list(
                answerer.tokens.decode(token), answer.event_ids, answer.language
            )
            remember_shown(context, message.chat_id, sent, user, after)
        case cb.Example(language, index):
            examples = context.examples(language)
            if index >= len(examples):
                return stale(context)
            answer, after = answerer.converse(examples[index], Conversation(), language)
            sent = await context.reply_answer(message, answer)
            remember_shown(context, message.chat_id, sent, user, after)
        case cb.SetLanguage(language):
            context.services.languages.choose(user, language)
            done = context.texts_in(language).get("tg_lang_set")
            if context.quote:  # a group: the picker is shared, the choice is the tapper's own
                return clip(done, TOAST_LIMIT)
            await context.edit(message, esc(done), None)
        case cb.Menu(language, which):
            text, markup = menu_for(context, language, which)
            await context.edit(message, text, markup)
        case cb.Browse(language, kind, value):
            answer = browse(context, language, kind, value)
            if answer is None:
                return stale(context)
            text, markup = context.render(answer, menu=True)
            await context.edit(message, text, markup)
            shown = Conversation().with_list(None, answer.event_ids, language)
            remember_shown(context, message.chat_id, message.message_id, user, shown)
        case cb.AnotherFact(language):
            await send_fact(context, message, language)
        case cb.GameNext():
            notice = await game.on_next(action, user, message, context)
            return clip(notice, TOAST_LIMIT) if notice else None
    return None


def _conversation_of(context: BotContext, message: Message, user: int) -> Conversation:
    """The conversation behind the tapped message, else the tapper's in this chat."""
    store = context.services.conversations
    shown = store.of_message(message.chat_id, message.message_id)
    return shown if shown is not None else store.get((message.chat_id, user))


def menu_for(context: BotContext, language: str, which: str) -> tuple[str, InlineKeyboardMarkup]:
    """/events' second step: the years, kinds or cities to browse by."""
    words = context.texts_in(language)
    catalog = context.catalog
    if which == "year":
        years = sorted({y for e in catalog.events for y in e.years()})
        choices = [(str(y), str(y)) for y in years]
        return esc(words.get("tg_pick_year")), kb.choices_keyboard(choices, "year", words, 4)
    if which == "category":
        used = {c for e in catalog.events for c in e.categories}
        choices = [(c.id, _capital(c.name(language))) for c in catalog.categories if c.id in used]
        return esc(words.get("tg_pick_category")), kb.choices_keyboard(
            choices, "category", words, 2
        )
    if which == "city":
        choices = [(p.id, p.name(language)) for p in cities_with_events(context)]
        return esc(words.get("tg_pick_city")), kb.choices_keyboard(choices, "city", words, 2)
    return esc(words.get("tg_events_menu")), kb.events_menu(words)


def cities_with_events(context: BotContext) -> list[Place]:
    """Cities where an event took place (its cities, its venue's city). Not `mentions`: a TV
    channel's town would lead to a list with nothing held there."""
    catalog = context.catalog
    ids: set[str] = set()
    for event in catalog.events:
        ids.update(event.cities)
        venue = catalog.place(event.venue) if event.venue else None
        if venue is not None and venue.city:
            ids.add(venue.city)
    return [p for p in catalog.places if p.id in ids and p.kind == "city"]


def browse(context: BotContext, language: str, kind: str, value: str) -> Answer | None:
    """The list behind a menu choice; None for a value the data no longer has."""
    answerer, catalog = context.answerer, context.catalog
    if kind == "year":
        return answerer.browse(language, year=int(value))
    if kind == "category":
        if catalog.entity("category", value) is None:
            return None
        return answerer.browse(language, category=value)
    if kind == "city":
        if catalog.place(value) is None:
            return None
        return answerer.browse(language, city=value)
    return answerer.browse(language)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
