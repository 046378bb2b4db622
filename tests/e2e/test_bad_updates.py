"""One update python-telegram-bot cannot parse is skipped once; polling goes on at once and
the questions after it are answered (it used to wedge the loop with a CRITICAL log per try)."""

from __future__ import annotations

import logging

import pytest

from bot.telegram.app import BotApp
from bot.telegram.polling import PollingBot
from tests.botapi import BotApiServer

USER = BotApiServer.user(501)
BROKEN = {"message": {"message_id": "not-a-number", "chat": "not-a-chat", "date": "soon"}}


async def test_an_unparsable_update_is_skipped_and_the_next_question_answered(
    api: BotApiServer, bot: BotApp, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    bad_id = api.push_raw(BROKEN)
    await api.idle(0.3)
    polls_before = len(api.calls_to("getUpdates"))
    await api.idle(0.5)
    # Nothing left to fetch: a long poll waits instead of asking again and again.
    assert len(api.calls_to("getUpdates")) - polls_before <= 3
    api.send_text(USER, "concerts in Brussels")
    reply = await api.reply(USER["id"])
    assert reply["text"]
    skips = [r for r in caplog.records if "does not parse" in r.getMessage()]
    assert len(skips) == 1 and str(bad_id) in skips[0].getMessage()
    assert not [r for r in caplog.records if r.levelno >= logging.CRITICAL]
    assert isinstance(bot.bot, PollingBot) and bot.bot.skipped == 1


async def test_a_batch_with_nothing_readable_backs_off_longer_each_time() -> None:
    waits: list[float] = []

    async def clock(seconds: float) -> None:
        waits.append(seconds)

    polling = PollingBot("123:" + "a" * 35, sleep=clock)
    for _ in range(8):
        assert await polling.received(["not an update"]) == []
    assert waits == [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0, 30.0]
    assert await polling.received([{"update_id": 9}]) == [{"update_id": 9}]
    await polling.received(["still not one"])
    assert waits[-1] == 1.0  # a good batch resets the pause
