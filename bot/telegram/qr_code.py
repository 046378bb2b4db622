"""/qr for the bot's admins: a QR code with the bot's t.me link for the evening's screen."""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.constants import ParseMode

from bot.qr import QrError, bot_link, qr_png
from bot.telegram.context import BotContext, esc


async def qr(update: Update, context: BotContext) -> None:
    """/qr [payload]: a PNG QR code of t.me/<bot>[?start=payload], e.g. /qr 2017-04-mooov-centaur
    opens that event's card; a payload Telegram would refuse gets a hint instead."""
    message = update.effective_message
    if message is None:
        return
    payload = context.args[0] if context.args else None
    try:
        link = bot_link(context.bot.username, payload)
    except QrError:
        await context.reply(message, esc(context.texts.get("qr_bad_payload")))
        return
    png = await asyncio.to_thread(qr_png, link)
    await context.bot.send_photo(
        message.chat_id,
        png,
        caption=esc(context.texts.get("qr_caption", link=link)),
        parse_mode=ParseMode.HTML,
    )
