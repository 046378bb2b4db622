"""After the handlers (their own handler group, registered last): one log line per update
(`update kind=text intent=list lang=ru events=3 ms=1.2`; the text only at DEBUG) and, for a
typed question, its record in the missed-question log."""

from __future__ import annotations

import logging
import time

from telegram import Update

from bot.telegram.context import BotContext

updates_log = logging.getLogger("bot.updates")


async def record(update: Update, context: BotContext) -> None:
    """Log the update; count a typed question (BotContext.question) in the missed log."""
    log_update(update, context)
    question_log = context.services.question_log
    if context.question is not None and question_log is not None:
        question_log.add(context.question)  # written with the others of the moment


def log_update(update: Update, context: BotContext, *, limited: bool = False) -> None:
    """The update's one log line; `limited` for one the abuse limits stopped (limits.py)."""
    answer = context.question
    milliseconds = (time.perf_counter() - context.started) * 1000
    suffix = " limited" if limited else ""
    if answer is None:
        updates_log.info(
            "update kind=%s intent=- lang=%s events=- ms=%.1f%s",
            context.kind,
            context.language,
            milliseconds,
            suffix,
        )
    else:
        updates_log.info(
            "update kind=%s intent=%s lang=%s events=%d ms=%.1f",
            context.kind,
            answer.intent.value,
            answer.language,
            len(answer.event_ids),
            milliseconds,
        )
    if updates_log.isEnabledFor(logging.DEBUG):
        updates_log.debug("update text=%r", text_of(update))


def text_of(update: Update) -> str:
    """What the update says, for the DEBUG line: a message, a caption, a query or a button."""
    if update.inline_query is not None:
        return update.inline_query.query
    if update.callback_query is not None:
        return update.callback_query.data or ""
    message = update.effective_message
    return message.text or message.caption or "" if message is not None else ""
