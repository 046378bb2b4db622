"""The bot in a group: a short greeting when it is added, and a bare /ask that asks back."""

from __future__ import annotations

from telegram import ChatMember, ForceReply, Update
from telegram.constants import ChatType, ParseMode

from bot.telegram.context import BotContext, esc

ABSENT = (ChatMember.LEFT, ChatMember.BANNED)
PRESENT = (ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER)


async def added(update: Update, context: BotContext) -> None:
    """The bot was added to a group: one short greeting, in the language of whoever added it,
    saying how to ask (mention, reply, /ask), /quiz and /timeline, and nothing more."""
    change = update.my_chat_member
    if change is None or change.chat.type not in (ChatType.GROUP, ChatType.SUPERGROUP):
        return
    was = change.old_chat_member.status
    now = change.new_chat_member.status
    if was not in ABSENT or now not in PRESENT:
        return
    await context.bot.send_message(
        change.chat.id, esc(context.texts.get("group_greeting")), parse_mode=ParseMode.HTML
    )


async def ask_back(update: Update, context: BotContext) -> None:
    """/ask without words: "What would you like to know?" with the reply field opened for the
    asker (ForceReply); their reply comes to the bot as a reply to it, and is answered."""
    message = update.effective_message
    if message is None:
        return
    words = context.texts
    await message.reply_text(
        esc(words.get("group_ask_prompt")),
        parse_mode=ParseMode.HTML,
        reply_markup=ForceReply(
            selective=True, input_field_placeholder=words.get("group_ask_placeholder")
        ),
        do_quote=message.chat.type != ChatType.PRIVATE,
    )
