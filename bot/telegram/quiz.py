"""/quiz: a Telegram quiz poll about one event (the question comes from bot.quiz, the core)."""

from __future__ import annotations

from telegram import Poll, Update

from bot.quiz import make_quiz
from bot.telegram.context import BotContext, esc


async def quiz(update: Update, context: BotContext) -> None:
    """/quiz: a quiz poll in the user's language; a short note when no quiz can be made."""
    message = update.effective_message
    if message is None:
        return
    made = make_quiz(context.catalog, context.language, context.services.rng)
    if made is None:
        note = esc(context.texts.get("tg_quiz_unavailable"))
        await context.reply(message, note, quote=False)
        return
    await context.bot.send_poll(
        message.chat_id,
        made.question,
        list(made.options),
        type=Poll.QUIZ,
        correct_option_ids=[made.correct],  # type: ignore[list-item]
        explanation=made.explanation,
    )
