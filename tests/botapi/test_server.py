"""The fixture itself: a real python-telegram-bot `Bot` against it fails where Telegram fails."""

from __future__ import annotations

import pytest
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
)
from telegram.error import BadRequest, InvalidToken, NetworkError, RetryAfter

from .server import BotApiServer
from .telegram_html import EntityError, parse_html


@pytest.fixture
def chat_id(api: BotApiServer) -> int:
    """A private chat the bot may write to: the user has written first."""
    user = api.user(42)
    api.send_text(user, "hi")
    return 42


def test_html_accepts_what_telegram_accepts() -> None:
    text = parse_html('<b>1 &amp; 2</b> <a href="https://t.me/x?start=a">&lt;link&gt;</a> &#1041;')
    assert text == "1 & 2 <link> Б"
    assert parse_html('<span class="tg-spoiler">x</span><blockquote>q</blockquote>') == "xq"


@pytest.mark.parametrize(
    "html",
    ["a < b", "Tom & Jerry", "<div>x</div>", "<b>x", "<b><i>x</b></i>", "x</b>", "&nbsp;", "<br>"],
)
def test_html_refuses_what_telegram_refuses(html: str) -> None:
    with pytest.raises(EntityError, match=r"(?i)can't parse entities"):
        parse_html(html)


async def test_get_me_and_wrong_token(api: BotApiServer, bot: Bot) -> None:
    assert bot.username == api.username
    with pytest.raises(InvalidToken):
        async with Bot("1:wrong", base_url=api.base_url) as other:
            await other.get_me()


async def test_send_message_limits(api: BotApiServer, bot: Bot, chat_id: int) -> None:
    sent = await bot.send_message(chat_id, "<b>ok</b>", parse_mode="HTML")
    assert sent.text == "ok"
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(chat_id, "x" * 4097)
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(chat_id, "<p>x</p>", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        button = InlineKeyboardButton("ы", callback_data="ы" * 33)  # 66 bytes
        await bot.send_message(chat_id, "x", reply_markup=InlineKeyboardMarkup([[button]]))
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_URL_INVALID"):
        button = InlineKeyboardButton("go", url="https://t.me/kgbe_test_bot?start=a+b")
        await bot.send_message(chat_id, "x", reply_markup=InlineKeyboardMarkup([[button]]))
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(777, "nobody wrote from here")
    assert len(api.errors) == 5


async def test_edit_in_place_and_not_modified(api: BotApiServer, bot: Bot, chat_id: int) -> None:
    sent = await bot.send_message(chat_id, "page 1")
    await bot.edit_message_text("page 2", chat_id, sent.message_id)
    assert api.bot_messages(chat_id)[-1]["text"] == "page 2"
    with pytest.raises(BadRequest, match=r"(?i)not modified"):
        await bot.edit_message_text("page 2", chat_id, sent.message_id)


async def test_poll_limits(bot: Bot, chat_id: int) -> None:
    await bot.send_poll(chat_id, "Q?", ["a", "b", "c"], type="quiz", correct_option_ids=[2])
    with pytest.raises(BadRequest, match=r"(?i)300"):
        await bot.send_poll(chat_id, "Q" * 301, ["a", "b"], type="quiz", correct_option_ids=[0])
    with pytest.raises(BadRequest, match=r"(?i)correct option"):
        await bot.send_poll(chat_id, "Q?", ["a", "b"], type="quiz", correct_option_ids=[2])
    with pytest.raises(BadRequest, match=r"(?i)at least 2"):
        await bot.send_poll(chat_id, "Q?", ["a"], type="quiz", correct_option_ids=[0])
    with pytest.raises(BadRequest, match=r"(?i)100"):
        await bot.send_poll(chat_id, "Q?", ["a" * 101, "b"], type="quiz", correct_option_ids=[0])
    with pytest.raises(BadRequest, match=r"(?i)explanation"):
        await bot.send_poll(
            chat_id, "Q?", ["a", "b"], type="quiz", correct_option_ids=[0], explanation="e" * 201
        )


async def test_inline_results_limit(api: BotApiServer, bot: Bot) -> None:
    def article(n: int) -> InlineQueryResultArticle:
        return InlineQueryResultArticle(str(n), f"t{n}", InputTextMessageContent(f"m{n}"))

    first = api.inline_query(api.user(5), "x")
    await bot.answer_inline_query(first, [article(n) for n in range(50)], cache_time=5)
    second = api.inline_query(api.user(5), "y")
    with pytest.raises(BadRequest, match=r"(?i)RESULTS_TOO_MUCH"):
        await bot.answer_inline_query(second, [article(n) for n in range(51)])


async def test_updates_and_faults(api: BotApiServer, bot: Bot, chat_id: int) -> None:
    updates = await bot.get_updates(timeout=0)
    assert [u.message.text for u in updates if u.message] == ["hi"]
    api.inject("sendMessage", status=429, retry_after=3)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(chat_id, "x")
    assert caught.value.retry_after in (3, __import__("datetime").timedelta(seconds=3))
    api.inject("sendMessage", status=500)
    with pytest.raises(NetworkError):
        await bot.send_message(chat_id, "x")
    await bot.send_message(chat_id, "recovered")
    assert api.bot_messages(chat_id)[-1]["text"] == "recovered"


async def test_send_photo_uploads_a_real_picture(
    api: BotApiServer, bot: Bot, chat_id: int
) -> None:
    from bot.qr import qr_png

    png = qr_png("https://t.me/kgbe_test_bot")
    sent = await bot.send_photo(chat_id, png, caption="<b>scan</b>", parse_mode="HTML")
    assert sent.caption == "scan" and sent.photo[-1].width == sent.photo[-1].height
    assert api.photo_bytes(api.bot_messages(chat_id)[-1]) == png
    again = await bot.send_photo(chat_id, sent.photo[-1].file_id)  # by file_id, no upload
    assert again.photo[-1].file_id == sent.photo[-1].file_id
    with pytest.raises(BadRequest, match=r"(?i)IMAGE_PROCESS_FAILED"):
        await bot.send_photo(chat_id, b"not a picture at all")
    with pytest.raises(BadRequest, match=r"(?i)too long"):
        await bot.send_photo(chat_id, png, caption="c" * 1025)
    with pytest.raises(BadRequest, match=r"(?i)DIMENSIONS"):
        strip = png[:16] + (9000).to_bytes(4, "big") + (100).to_bytes(4, "big") + png[24:]
        await bot.send_photo(chat_id, strip)


async def test_copy_text_and_chosen_chat_buttons_are_checked(bot: Bot, chat_id: int) -> None:
    from telegram import CopyTextButton, SwitchInlineQueryChosenChat

    share = SwitchInlineQueryChosenChat("2017", allow_user_chats=True, allow_group_chats=True)
    good = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("share", switch_inline_query_chosen_chat=share),
                InlineKeyboardButton("copy", copy_text=CopyTextButton("a line")),
            ]
        ]
    )
    await bot.send_message(chat_id, "card", reply_markup=good)
    with pytest.raises(BadRequest, match=r"(?i)COPY_TEXT_INVALID"):
        long = InlineKeyboardButton("copy", copy_text=CopyTextButton("x" * 257))
        await bot.send_message(chat_id, "card", reply_markup=InlineKeyboardMarkup([[long]]))
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_TYPE_INVALID"):
        nowhere = InlineKeyboardButton(
            "share", switch_inline_query_chosen_chat=SwitchInlineQueryChosenChat("x")
        )
        await bot.send_message(chat_id, "card", reply_markup=InlineKeyboardMarkup([[nowhere]]))


async def test_topics_only_in_forums(api: BotApiServer, bot: Bot) -> None:
    forum, group = api.forum_chat(), api.group_chat()
    member = api.user(7)
    api.send_text(member, "hi", chat=forum, thread_id=12)
    api.send_text(member, "hi", chat=group)
    sent = await bot.send_message(forum["id"], "in the topic", message_thread_id=12)
    assert sent.message_thread_id == 12 and sent.is_topic_message
    with pytest.raises(BadRequest, match=r"(?i)thread not found"):
        await bot.send_message(group["id"], "no topics here", message_thread_id=12)


async def test_a_non_anonymous_quiz_reports_each_vote_until_it_is_stopped(
    api: BotApiServer, bot: Bot, chat_id: int
) -> None:
    sent = await bot.send_poll(
        chat_id,
        "Q?",
        ["a", "b", "c"],
        type="quiz",
        correct_option_ids=[1],
        is_anonymous=False,
        open_period=30,
    )
    message = api.bot_messages(chat_id)[-1]
    api.answer_poll(api.user(42), message, [1])
    updates = await bot.get_updates(timeout=0)
    answers = [u.poll_answer for u in updates if u.poll_answer]
    assert [(a.poll_id, a.user.id, tuple(a.option_ids)) for a in answers] == [
        (sent.poll.id, 42, (1,))
    ]
    stopped = await bot.stop_poll(chat_id, sent.message_id)
    assert stopped.is_closed
    with pytest.raises(AssertionError):
        api.answer_poll(api.user(43), api.bot_messages(chat_id)[-1], [0])
    with pytest.raises(BadRequest, match=r"(?i)open_period"):
        await bot.send_poll(chat_id, "Q?", ["a", "b"], open_period=601)


async def test_force_reply_placeholder_limit(api: BotApiServer, bot: Bot, chat_id: int) -> None:
    from telegram import ForceReply

    sent = await bot.send_message(
        chat_id, "ask", reply_markup=ForceReply(input_field_placeholder="e.g.")
    )
    assert sent.reply_markup is None  # as Telegram: only inline keyboards come back
    assert api.sent_markup(api.bot_messages(chat_id)[-1]) == {
        "force_reply": True,
        "input_field_placeholder": "e.g.",
    }
    with pytest.raises(BadRequest, match=r"(?i)placeholder"):
        await bot.send_message(
            chat_id, "ask", reply_markup=ForceReply(input_field_placeholder="p" * 65)
        )
