"""When a handler fails: log it (never the token) and tell the user, in their language."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot.telegram.context import BotContext, esc
from bot.telegram.resilience import outcome_unknown, query_expired

log = logging.getLogger(__name__)


async def on_error(update: object, context: BotContext) -> None:
    """Log the failure and apologise to the user.

    Two failures are not the user's to hear about: a send whose outcome is unknown (timed out
    or cut off after it went out; the answer may well have arrived, and an apology under it
    would be wrong) and a button or inline answer Telegram no longer takes.
    """
    error = context.error
    token = context.services.token
    update_id = update.update_id if isinstance(update, Update) else None
    description = redact(repr(error), token)
    if not isinstance(update, Update):
        log.warning("background failure: %s", description)
        return
    if error is not None and outcome_unknown(error):
        log.warning(
            "update %s: no reply from Telegram, may have arrived: %s", update_id, description
        )
        return
    if error is not None and query_expired(error):
        log.info(
            "update %s: the query was answered already or is too old: %s", update_id, description
        )
        return
    log.error("update %s failed: %s", update_id, description, exc_info=error)
    text = context.texts.get("tg_error")
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(text)
        elif update.effective_chat is not None and update.inline_query is None:
            await context.bot.send_message(
                update.effective_chat.id, esc(text), parse_mode=ParseMode.HTML
            )
    except TelegramError as exc:
        log.warning("could not tell the user about the failure: %s", redact(repr(exc), token))


def redact(text: str, token: str | None) -> str:
    """The text with the bot token replaced, for a log line."""
    return text.replace(token, "<token>") if token else text
