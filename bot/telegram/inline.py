"""Inline mode: `@bot <query>` in any chat offers up to 50 event cards to send."""

from __future__ import annotations

from telegram import InlineQueryResultArticle, InputTextMessageContent, Update
from telegram.constants import ParseMode

from bot.answering import Answer
from bot.rendering import render_html, render_text
from bot.rendering.dates import format_when
from bot.rendering.describe import event_place
from bot.telegram import keyboards as kb
from bot.telegram.context import NO_PREVIEW, BotContext
from bot.text import clip

MAX_INLINE_RESULTS = 50
INLINE_CACHE_SECONDS = 30
HIGHLIGHTS = 10


async def inline(update: Update, context: BotContext) -> None:
    """@bot <query> in any chat: up to 50 event cards; an empty query offers highlights."""
    query = update.inline_query
    if query is None:
        return
    text = query.query.strip()
    language = context.language
    results: list[InlineQueryResultArticle] = []
    if not text:
        ids = [e.id for e in sorted(context.catalog.events, key=lambda e: e.start.sort_key)]
        event_ids = tuple(reversed(ids))[:HIGHLIGHTS]
    elif context.catalog.event(text) is not None:
        event_ids = (text,)  # a card's Share button: the chat picker with that card ready
    else:
        answer = context.answerer.answer(text, language)
        language = answer.language
        event_ids = answer.event_ids[:MAX_INLINE_RESULTS]
        if not event_ids:
            results.append(answer_result(context, answer))
    results.extend(card_result(context, event_id, language) for event_id in event_ids)
    await query.answer(
        results[:MAX_INLINE_RESULTS], cache_time=INLINE_CACHE_SECONDS, is_personal=True
    )


def card_result(context: BotContext, event_id: str, language: str) -> InlineQueryResultArticle:
    """One event: its title, date and place in the list; its card when chosen."""
    catalog = context.catalog
    event = catalog.event(event_id)
    card = context.answerer.card(event_id, language)
    assert event is not None and card is not None  # ids come from the catalog
    words = context.texts_in(language)
    rendered = render_html(card, catalog, share_url=context.share_link)
    place = event_place(catalog, event, language)
    date = format_when(catalog, event, words)
    return InlineQueryResultArticle(
        id=event_id,
        title=event.title_in(language),
        description=f"{date} · {place}" if place else date,
        input_message_content=InputTextMessageContent(
            rendered.text, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW
        ),
        reply_markup=kb.open_in_bot_keyboard(event_id, context.bot.username, words),
    )


def answer_result(context: BotContext, answer: Answer) -> InlineQueryResultArticle:
    """A reply that is not a list of events (a count, an overview, "nothing found")."""
    words = context.texts_in(answer.language)
    rendered = render_html(answer, context.catalog, share_url=context.share_link)
    title = words.get("tg_inline_nothing" if answer.no_match else "tg_inline_answer")
    return InlineQueryResultArticle(
        id="answer",
        title=title,
        description=clip(render_text(answer, context.catalog), 120),
        input_message_content=InputTextMessageContent(
            rendered.text, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW
        ),
    )
