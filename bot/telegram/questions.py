"""Questions people type: in a private chat always answered; in a group only when addressed to
the bot (an @mention or a reply to it); a photo's, video's or file's caption is a question too."""

from __future__ import annotations

import re

from telegram import Message, MessageEntity, Update

from bot.telegram.context import BotContext, esc
from bot.telegram.talk import answer_in_conversation, replied_to_bot


def text_of(message: Message | None) -> str:
    """What a person wrote: the text, or the caption of a photo, video or file."""
    if message is None:
        return ""
    return message.text or message.caption or ""


def speaks_to_bot(message: Message, username: str, bot_id: int) -> bool:
    """An @mention of the bot in the text or caption, or a reply to one of its messages."""
    mention = f"@{username}".lower()
    entities = (
        message.parse_entities([MessageEntity.MENTION])
        if message.text
        else message.parse_caption_entities([MessageEntity.MENTION])
    )
    if any(found.lower() == mention for found in entities.values()):
        return True
    replied = message.reply_to_message
    return bool(replied and replied.from_user and replied.from_user.id == bot_id)


def addressed_to_bot(message: Message, username: str, bot_id: int) -> bool:
    """In a group: a command (not /cmd@another_bot), an @mention of the bot or a reply to it.

    The limits (limits.py) count exactly what the handlers answer, so chatter the bot ignores
    is never counted.
    """
    text = text_of(message)
    if message.text and text.startswith("/"):
        command = text.split(maxsplit=1)[0]
        _, at, target = command.partition("@")
        return not at or target.lower() == username.lower()
    return speaks_to_bot(message, username, bot_id)


async def private_text(update: Update, context: BotContext) -> None:
    """Any text in a private chat: the core's answer, paged, with buttons."""
    message = update.effective_message
    if message is None or not message.text:
        return
    await answer_in_conversation(context, message, message.text)


async def group_text(update: Update, context: BotContext) -> None:
    """Group text or a caption: answered only when it mentions the bot or replies to it;
    else silence."""
    message = update.effective_message
    text = text_of(message)
    if message is None or not text:
        return
    username = context.bot.username
    if not speaks_to_bot(message, username, context.bot.id):
        return
    question = re.sub(rf"@{re.escape(username)}\b", " ", text, flags=re.IGNORECASE).strip()
    # A reply without a mention that asks nothing ("haha", "👍") is left alone.
    only_a_reply = question == text.strip() and replied_to_bot(message, context.bot.id) is not None
    await answer_in_conversation(
        context, message, question, quote=True, silent_unless_asked=only_a_reply
    )


async def private_media(update: Update, context: BotContext) -> None:
    """A photo, video or file in a private chat: its caption is the question. A voice note, a
    sticker or a bare photo gets one short note: silence would look broken."""
    message = update.effective_message
    if message is None:
        return
    if message.caption and message.caption.strip():
        await answer_in_conversation(context, message, message.caption)
        return
    await context.reply(message, esc(context.texts.get("tg_text_only")))
