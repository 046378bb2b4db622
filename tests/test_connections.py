"""The bot's outgoing requests (bot/telegram/connections.py): slow sends overlap up to the
bound and no further, a bot sending one message at a time keeps one connection, and what is
sent arrives as it was sent."""

from __future__ import annotations

import asyncio

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup

from bot.qr import qr_png
from bot.telegram.connections import TakingTurns
from tests.botapi import BotApiServer

SLOW_SECONDS = 0.3


def _bot(api: BotApiServer, request: TakingTurns) -> Bot:
    return Bot(api.token, base_url=api.base_url, request=request)


def test_slow_sends_share_the_lanes_and_all_arrive() -> None:
    request = TakingTurns(connections=3)

    async def run() -> None:
        async with _bot(api, request) as bot:
            api.inject("sendMessage", delay=SLOW_SECONDS, times=6)
            await asyncio.gather(*(bot.send_message(1000 + n, f"hello {n}") for n in range(6)))

    with BotApiServer() as api:
        for n in range(6):
            api.send_text(api.user(1000 + n), "hi")  # the chats exist
        asyncio.run(run())
        for n in range(6):
            assert [m["text"] for m in api.bot_messages(1000 + n)][-1:] == [f"hello {n}"]
    assert request.open_lanes == 3  # overlapped up to the bound, never past it


def test_one_send_at_a_time_keeps_one_connection() -> None:
    request = TakingTurns(connections=3)

    async def run() -> None:
        async with _bot(api, request) as bot:
            for n in range(5):
                await bot.send_message(2000, f"turn {n}")

    with BotApiServer() as api:
        api.send_text(api.user(2000), "hi")
        asyncio.run(run())
        sent = [m["text"] for m in api.bot_messages(2000)]
        assert sent[-5:] == [f"turn {n}" for n in range(5)]
    assert request.open_lanes == 1


def test_text_with_buttons_and_an_upload_both_arrive_as_sent() -> None:
    """Messages go as JSON, uploads as multipart: both reach Telegram intact."""
    request = TakingTurns(connections=2)
    text = "<b>Концерты</b> &amp; «Ak Maral» in Liège"
    markup = InlineKeyboardMarkup(
        [[InlineKeyboardButton("Ак Марал", callback_data="c:ru:2015-06-ak-maral-bozar")]]
    )

    async def run() -> None:
        async with _bot(api, request) as bot:
            await bot.send_message(3000, text, parse_mode="HTML", reply_markup=markup)
            await bot.send_photo(3000, qr_png("https://t.me/kgbebot"), caption="QR")

    with BotApiServer() as api:
        api.send_text(api.user(3000), "hi")
        asyncio.run(run())
        message, photo = api.bot_messages(3000)[-2:]
        assert api.errors == []
    assert message["text"] == "Концерты & «Ak Maral» in Liège"
    assert message["reply_markup"] == markup.to_dict()
    assert photo["caption"] == "QR" and photo["photo"]
