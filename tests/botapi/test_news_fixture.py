"""The fixture's news parts: a real python-telegram-bot `Bot` fails here where Telegram fails."""

from __future__ import annotations

import pytest
from telegram import Bot
from telegram.error import BadRequest, Forbidden, RetryAfter

from .server import BotApiServer


async def test_a_user_who_blocked_the_bot_gets_nothing_and_the_bot_hears_403(
    api: BotApiServer, bot: Bot
) -> None:
    api.register_chat(api.private_chat(api.user(5)))
    api.blocked.add(5)
    with pytest.raises(Forbidden, match="blocked"):
        await bot.send_message(5, "news")
    assert api.bot_messages(5) == []


async def test_an_unknown_chat_is_not_found(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(999, "news")


async def test_a_document_is_a_real_upload_with_its_name_and_caption(
    api: BotApiServer, bot: Bot
) -> None:
    api.register_chat(api.private_chat(api.user(6)))
    content = b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    message = await bot.send_document(
        6, content, filename="gala.ics", caption="<b>Gala</b>", parse_mode="HTML"
    )
    assert message.document is not None and message.document.file_name == "gala.ics"
    [sent] = api.bot_messages(6)
    assert api.upload(sent).content == content
    with pytest.raises(BadRequest):
        await bot.send_document(6, content, filename="x.ics", caption="x" * 1025)
    with pytest.raises(BadRequest):
        await bot.send_document(6, b"", filename="empty.ics")


async def test_a_channel_takes_posts_only_from_an_admin_bot(api: BotApiServer, bot: Bot) -> None:
    api.channel(-1009, "kg_be_news")
    api.channel(-1010, "other_news", bot_is_admin=False)
    post = await bot.send_message("@kg_be_news", "news")
    assert post.sender_chat is not None and post.sender_chat.id == -1009
    assert post.from_user is None
    assert [m["text"] for m in api.bot_messages(-1009)] == ["news"]
    with pytest.raises(BadRequest, match="administrator"):
        await bot.send_message("@other_news", "news")
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message("@nobody_here", "news")


async def test_flood_control_answers_429_past_the_limits_and_pace_measures(
    api: BotApiServer, bot: Bot
) -> None:
    for chat in range(1, 40):
        api.register_chat(api.private_chat(api.user(chat)))
    api.limit_rates(per_second=30, chat_seconds=1.0)
    await bot.send_message(1, "one")
    with pytest.raises(RetryAfter):
        await bot.send_message(1, "two, too soon in the same chat")
    for chat in range(2, 31):
        await bot.send_message(chat, "news")
    with pytest.raises(RetryAfter):
        await bot.send_message(31, "the 31st within a second")
    pace = api.pace()
    assert pace.messages == 30 and pace.busiest_second == 30
    assert pace.closest_in_chat is None  # the refused ones did not arrive


async def test_descriptions_per_language_within_telegrams_lengths(
    api: BotApiServer, bot: Bot
) -> None:
    await bot.set_my_description("Long", language_code="ky")
    await bot.set_my_short_description("Short", language_code="ky")
    assert (await bot.get_my_description("ky")).description == "Long"
    assert (await bot.get_my_short_description("ky")).short_description == "Short"
    with pytest.raises(BadRequest):
        await bot.set_my_description("x" * 513)
    with pytest.raises(BadRequest):
        await bot.set_my_short_description("x" * 121)
    with pytest.raises(BadRequest):
        await bot.set_my_description("x", language_code="kir")


async def test_group_admins_are_told_apart(api: BotApiServer, bot: Bot) -> None:
    group = api.group_chat()
    api.register_chat(group)
    api.group_admins[group["id"]] = {7}
    assert (await bot.get_chat_member(group["id"], 7)).status == "administrator"
    assert (await bot.get_chat_member(group["id"], 8)).status == "member"
