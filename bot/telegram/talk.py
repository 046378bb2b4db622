"""Follow-ups on Telegram: a typed question is answered in the light of the conversation so far.

The conversation is the chat's (each user's own in a group), or, when the message replies to
one of the bot's messages, the one right after that message, even if other answers came since.
After the reply the chat's conversation moves on and the new bot message keeps its own.
"""

from __future__ import annotations

from telegram import Message

from bot.conversation import Conversation
from bot.decision import Answer, Intent
from bot.telegram.context import BotContext
from bot.telegram.conversations import Key

# In a group, a reply to the bot that asks nothing ("haha", "👍", "merci") gets no answer:
# the fallback paragraph under every laugh would be noise for the whole group.
_NOT_A_QUESTION = frozenset({Intent.OUT_OF_SCOPE, Intent.HELP, Intent.THANKS, Intent.GREETING})


def key_of(message: Message) -> Key:
    """(chat, user): in a group each user has their own conversation."""
    user = message.from_user
    return message.chat_id, user.id if user is not None else message.chat_id


def replied_to_bot(message: Message, bot_id: int) -> Message | None:
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot_id:
        return replied
    return None


def conversation_for(context: BotContext, message: Message) -> Conversation:
    """The replied-to bot message's conversation when remembered, else the chat's."""
    store = context.services.conversations
    replied = replied_to_bot(message, context.bot.id)
    if replied is not None:
        found = store.of_message(message.chat_id, replied.message_id)
        if found is not None:
            return found
    return store.get(key_of(message))


async def answer_in_conversation(
    context: BotContext,
    message: Message,
    question: str,
    *,
    quote: bool | None = None,
    silent_unless_asked: bool = False,
) -> Answer | None:
    """Answer `question` as the next turn, send it, and remember the conversation after it.

    Args:
        silent_unless_asked: a group reply to the bot: send nothing when it asks nothing.
    Returns:
        The answer, or None when nothing was sent.
    """
    answer, after = context.answerer.converse(
        question, conversation_for(context, message), context.language
    )
    context.asked(answer)
    if silent_unless_asked and answer.intent in _NOT_A_QUESTION and "?" not in question:
        return None
    store = context.services.conversations
    store.put(key_of(message), after)  # the silence counts from the question, not the send
    sent = await context.reply_answer(message, answer, quote=quote)
    store.remember(message.chat_id, sent, after)
    return answer


def remember_shown(
    context: BotContext, chat_id: int, message_id: int, user_id: int, after: Conversation
) -> None:
    """A button showed something (an event's card, a list) in message `message_id`: follow-ups
    now refer to it."""
    context.services.conversations.put((chat_id, user_id), after, message_id)
