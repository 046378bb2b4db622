"""The quiz game in Telegram: /quiz [N | stop], the host's "Next question" button, poll answers
and the scoreboard. The rules (questions, scoring, what counts) are the core's, bot/game/."""

from __future__ import annotations

import logging
import time

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, Poll, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest

from bot.game.questions import DEFAULT_ROUND, MAX_ROUND, make_round
from bot.game.scoreboard import render_scoreboard
from bot.game.store import AnswerOutcome, GameStore, MovedOn, Round, RoundStatus
from bot.quiz import QUESTION_LIMIT
from bot.rendering import Texts
from bot.telegram import callbacks as cb
from bot.telegram.context import BotContext, esc
from bot.telegram.evening import EveningKit, topic_of
from bot.text import clip

log = logging.getLogger(__name__)


async def quiz(update: Update, context: BotContext) -> None:
    """/quiz [N]: a round of N quiz polls (5 by default) in this chat or topic, one at a time;
    /quiz stop: the host ends it and everyone sees the scoreboard."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    kit = context.bot_data.evening
    words = context.texts
    args = [a.lower() for a in context.args or []]
    if kit.games is None:
        await context.reply(message, esc(words.get("game_unavailable")))
        return
    if args and args[0] == "stop":
        await stop(message, user.id, kit.games, kit, context)
        return
    count = DEFAULT_ROUND
    if args:
        if not (args[0].isdigit() and 1 <= int(args[0]) <= MAX_ROUND):
            await context.reply(message, esc(words.get("game_bad_count", max=MAX_ROUND)))
            return
        count = int(args[0])
    questions = make_round(context.catalog, context.language, count, context.services.rng)
    if not questions:
        await context.reply(message, esc(words.get("game_unavailable")))
        return
    game = kit.games.start(
        message.chat_id, topic_of(message), user.id, context.language, questions, time.time()
    )
    if game is None:
        await context.reply(message, esc(words.get("game_already")))
        return
    if message.chat.type == ChatType.PRIVATE:
        intro = words.get("game_started_private", count=len(questions), seconds=kit.open_seconds)
    else:
        intro = words.get(
            "game_started", count=len(questions), seconds=kit.open_seconds, host=user.first_name
        )
    await context.reply(message, esc(intro), quote=False)
    await ask_next(context.bot, kit, kit.games, game.id, words)


async def ask_next(
    bot: Bot,
    kit: EveningKit,
    games: GameStore,
    round_id: int,
    words: Texts,
    from_position: int | None = None,
) -> None:
    """The round's next quiz poll, with the host's button under it; the scoreboard after the
    last one. Raises MovedOn when another tap already moved the round on."""
    advanced = games.advance(round_id, from_position)
    game = games.get(round_id)
    if game is None:
        return
    if advanced is None:
        board = games.finish(round_id)
        if board is not None:
            await announce(bot, game, render_scoreboard(board, words))
        return
    position, question = advanced
    last = position + 1 >= len(game.questions)
    label = words.get("game_show_scoreboard" if last else "game_next")
    data = cb.encode(cb.GameNext(game.language, round_id, position))
    markup = InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data)]])
    numbered = words.get(
        "game_question_number",
        number=position + 1,
        count=len(game.questions),
        question=question.question,
    )
    with kit.polls_being_sent.sending():
        sent = await bot.send_poll(
            game.chat_id,
            clip(numbered, QUESTION_LIMIT),
            list(question.options),
            type=Poll.QUIZ,
            correct_option_ids=[question.correct],  # type: ignore[list-item]
            explanation=question.explanation,
            is_anonymous=False,  # so that every answer arrives as a poll_answer to be scored
            open_period=kit.open_seconds,
            message_thread_id=game.thread_id or None,
            reply_markup=markup,
        )
        if sent.poll is not None:
            games.poll_sent(round_id, position, sent.poll.id, sent.message_id, time.time())


async def on_next(
    action: cb.GameNext, user_id: int, message: Message, context: BotContext
) -> str | None:
    """The "Next question" / "Scoreboard" button: only the host (or a bot admin) moves on."""
    kit = context.bot_data.evening
    games = kit.games
    game = games.get(action.round_id) if games is not None else None
    if games is None or game is None or game.status is not RoundStatus.ACTIVE:
        return context.texts.get("game_none")
    if user_id != game.host_id and user_id not in kit.admin_ids:
        return context.texts.get("game_only_host")
    if action.position != game.position:
        return None  # a second tap on an old button: the round has moved on already
    await close_poll(context.bot, game.chat_id, message.message_id)
    try:
        await ask_next(
            context.bot, kit, games, game.id, context.texts_in(game.language), action.position
        )
    except MovedOn:
        return None
    return None


async def stop(
    message: Message, user_id: int, games: GameStore, kit: EveningKit, context: BotContext
) -> None:
    """/quiz stop: the host ends the round here; the scoreboard so far."""
    words = context.texts
    game = games.active(message.chat_id, topic_of(message))
    if game is None:
        await context.reply(message, esc(words.get("game_none")))
        return
    if user_id != game.host_id and user_id not in kit.admin_ids:
        await context.reply(message, esc(words.get("game_only_host")))
        return
    poll_message = games.current_poll(game.id)
    board = games.finish(game.id, RoundStatus.STOPPED)
    if poll_message is not None:
        await close_poll(context.bot, game.chat_id, poll_message)
    if board is not None:
        text = render_scoreboard(board, context.texts_in(game.language), stopped=True)
        await announce(context.bot, game, text)


async def poll_answer(update: Update, context: BotContext) -> None:
    """A vote in a round's poll: counted (first vote only); any other vote ignored quietly."""
    answer = update.poll_answer
    kit = context.bot_data.evening
    games = kit.games
    if answer is None or answer.user is None or games is None:
        return
    vote = (answer.poll_id, answer.user.id, answer.user.full_name, answer.option_ids, time.time())
    # unknown while a poll is on its way: it may be that one, so look again once it is recorded
    if (
        games.answer(*vote).outcome is AnswerOutcome.UNKNOWN
        and await kit.polls_being_sent.settled()
    ):
        games.answer(*vote)


async def announce(bot: Bot, game: Round, text: str) -> None:
    await bot.send_message(
        game.chat_id,
        esc(text),
        parse_mode=ParseMode.HTML,
        message_thread_id=game.thread_id or None,
    )


async def close_poll(bot: Bot, chat_id: int, message_id: int) -> None:
    """Close a round's poll before the next one; one closed by its open period already is fine."""
    try:
        await bot.stop_poll(chat_id, message_id)
    except BadRequest as exc:
        log.debug("poll %s in %s was closed already: %s", message_id, chat_id, exc.message)
