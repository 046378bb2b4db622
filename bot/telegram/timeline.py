"""/timeline [years | kind]: the timeline picture (bot/pictures/), drawn once per data version
and language, in a worker thread so the bot keeps answering while it draws."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import ReplyParameters, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.pictures.selection import Selection, parse_selection
from bot.pictures.timeline import png_size
from bot.rendering import Texts
from bot.rendering.describe import entity_name
from bot.telegram.context import BotContext, esc
from bot.telegram.evening import topic_of

log = logging.getLogger(__name__)

PHOTO_SIDES = 10_000


async def timeline(update: Update, context: BotContext) -> None:
    """/timeline, /timeline 2015-2017, /timeline concerts: a PNG of those events on a time axis,
    coloured by kind, labelled in the user's language; a hint when nothing matches."""
    message = update.effective_message
    if message is None:
        return
    words = context.texts
    selection = parse_selection(context.answerer.understander, " ".join(context.args or []))
    if selection is None or not selection.events(context.catalog):
        await context.reply(message, esc(words.get("timeline_none")))
        return
    pictures = context.bot_data.evening.pictures
    try:
        picture = await asyncio.to_thread(
            pictures.timeline, context.catalog, context.language, selection, "png"
        )
    except Exception:  # a picture must never cost the answer: say so, log why
        log.exception("drawing the timeline failed")
        picture = None
    if picture is None:
        await context.reply(message, esc(words.get("timeline_unavailable")))
        return
    kit = context.bot_data.evening
    key = (pictures.generation, context.language, selection.key)
    options: dict[str, Any] = {
        "caption": esc(caption(context, selection, words)),
        "parse_mode": ParseMode.HTML,
        "message_thread_id": topic_of(message),
        "reply_parameters": (
            ReplyParameters(message.message_id, allow_sending_without_reply=True)
            if context.quote
            else None
        ),
    }
    if not photo_fits(picture):
        # Telegram refuses a photo whose sides add up to more than 10,000 px (a catalog of
        # ~80 events or more): the same PNG as a file, opened full size on tap.
        await context.bot.send_document(
            message.chat_id, picture, filename=f"timeline-{selection.key}.png", **options
        )
        return
    known = kit.file_ids.get(key)
    if known is not None:
        try:
            await context.bot.send_photo(message.chat_id, known, **options)
            return
        except BadRequest as exc:  # the id expired or belongs to another bot: upload again
            log.info("a cached picture id was refused (%s); uploading again", exc.message)
            kit.file_ids.pop(key, None)
    sent = await context.bot.send_photo(message.chat_id, picture, **options)
    if sent.photo:
        kit.file_ids[key] = sent.photo[-1].file_id


def photo_fits(png: bytes) -> bool:
    """Telegram's limits for a photo: width + height at most 10,000 px, ratio at most 20."""
    width, height = png_size(png)
    return 0 < width + height <= PHOTO_SIDES and max(width, height) <= 20 * min(width, height)


def caption(context: BotContext, selection: Selection, words: Texts) -> str:
    """ "Timeline (2015–2017, concerts): 7 events. The colour shows the kind of event." """
    parts: list[str] = []
    if selection.first_year is not None:
        first, last = selection.first_year, selection.last_year
        parts.append(str(first) if first == last else f"{first}–{last}")
    if selection.category:
        parts.append(entity_name(context.catalog, "category", selection.category, words.language))
    filters = f" ({', '.join(parts)})" if parts else ""
    count = len(selection.events(context.catalog))
    return words.get("timeline_caption", count=count, filters=filters)
