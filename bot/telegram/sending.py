"""Sending a message when all the bot needs back is its id.

`Bot.send_message` parses Telegram's answer into a `Message`: its chat, its sender, every
button of its keyboard and every entity of its text become PTB objects, about as much work as
building the request. After a reply the bot reads one field of it, the new message's id (to
remember which conversation a later reply to it continues). Here the same request goes through
the same path below `send_message` (`Bot._post`: PTB's defaults, None values dropped, the
rate limiter with its retries and flood-control waits, the HTTP request and its error
handling), and only the id is read from the answer.
"""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardMarkup, LinkPreviewOptions, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ExtBot


async def send_html(
    bot: ExtBot[Any],
    chat_id: int,
    html: str,
    *,
    reply_markup: InlineKeyboardMarkup | None = None,
    message_thread_id: int | None = None,
    link_preview_options: LinkPreviewOptions | None = None,
    reply_parameters: ReplyParameters | None = None,
) -> int:
    """sendMessage with Telegram's HTML parse mode; the id of the message sent.

    The parameters are those `bot.send_message` sends for the same arguments (None ones are
    left out by `_post`, as there).

    Raises:
        TelegramError: as `send_message` does (RetryAfter, BadRequest, NetworkError, ...).
    """
    data: dict[str, Any] = {
        "chat_id": chat_id,
        "text": html,
        "link_preview_options": link_preview_options,
        "message_thread_id": message_thread_id,
        "parse_mode": ParseMode.HTML,
        "reply_markup": reply_markup,
        "reply_parameters": reply_parameters,
    }
    result = await bot._post("sendMessage", data)
    message_id = result.get("message_id") if isinstance(result, dict) else None
    if not isinstance(message_id, int):
        raise TelegramError(f"sendMessage answered without a message id: {type(result).__name__}")
    return message_id
