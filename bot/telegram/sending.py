"""Sending a message when all the bot needs back is its id.

`Bot.send_message` parses Telegram's answer into a `Message`: its chat, its sender, every
button of its keyboard and every entity of its text become PTB objects, about as much work as
building the request. After a reply the bot reads one field of it, the new message's id (to
remember which conversation a later reply to it continues). Here the same request goes through
the same path below `send_message` (`Bot._post`: PTB's defaults, None values dropped, the
rate limiter with its retries and flood-control waits, the HTTP request and its error
handling), and only the id is read from the answer.

The keyboard goes as the dict PTB would make of it (`keyboard_dict`), and the link preview
switch as a dict made once: PTB turns every object parameter into a dict by walking all the
attributes of it and of each button, for each message. Passing dicts skips what ExtBot does
to keyboard and preview objects only for features the bot does not use (`Defaults`, arbitrary
callback data): build_application sets neither.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    ReplyParameters,
    TelegramObject,
)
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
        "link_preview_options": (
            None if link_preview_options is None else _constant_dict(link_preview_options)
        ),
        "message_thread_id": message_thread_id,
        "parse_mode": ParseMode.HTML,
        "reply_markup": None if reply_markup is None else keyboard_dict(reply_markup),
        "reply_parameters": reply_parameters,
    }
    result = await bot._post("sendMessage", data)
    message_id = result.get("message_id") if isinstance(result, dict) else None
    if not isinstance(message_id, int):
        raise TelegramError(f"sendMessage answered without a message id: {type(result).__name__}")
    return message_id


# A button's attributes as TelegramObject.to_dict lists them: its class's slots (and its
# bases'), the private ones and api_kwargs aside.
_BUTTON_FIELDS = tuple(
    name
    for cls in InlineKeyboardButton.__mro__[:-1]
    for name in getattr(cls, "__slots__", ())
    if not name.startswith("_") and name != "api_kwargs"
)


def keyboard_dict(markup: InlineKeyboardMarkup) -> dict[str, Any]:
    """`markup.to_dict()`, what PTB sends for a keyboard, without its generic walk: a button's
    fields are strings, booleans or small objects (those still go through their own to_dict).
    tests/test_sending.py compares the two over every keyboard the bot makes."""
    rows = [[_button_dict(button) for button in row] for row in markup.inline_keyboard]
    return {"inline_keyboard": rows, **markup.api_kwargs}


def _button_dict(button: InlineKeyboardButton) -> dict[str, Any]:
    fields = {
        name: value.to_dict() if isinstance(value, TelegramObject) else value
        for name in _BUTTON_FIELDS
        if (value := getattr(button, name)) is not None
    }
    fields.update(button.api_kwargs)
    return fields


@lru_cache(maxsize=4)
def _constant_dict(value: LinkPreviewOptions) -> dict[str, Any]:
    """The dict of a parameter that is one of a few constants (context.NO_PREVIEW); never
    changed by the sending, so one serves every message."""
    return value.to_dict()
