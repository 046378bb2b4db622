"""Telegram says "too many requests", fails with 500, answers slowly: users still get answers."""

from __future__ import annotations

import time

from bot.telegram.app import BotApp
from tests.botapi import BotApiServer


async def test_429_is_waited_out_and_the_answer_arrives(api: BotApiServer, bot: BotApp) -> None:
    user = api.user(301, "Aibek", "en")
    api.inject("sendMessage", status=429, retry_after=1)
    started = time.monotonic()
    api.send_text(user, "films")
    reply = await api.reply(301, timeout=6)
    assert reply["text"]
    assert time.monotonic() - started >= 1.0  # it waited as Telegram asked
    assert [c.status for c in api.calls_to("sendMessage")] == [429, 200]


async def test_500_on_send_is_retried(api: BotApiServer, bot: BotApp) -> None:
    user = api.user(302, "Aibek", "en")
    api.inject("sendMessage", status=500, times=2)
    api.send_text(user, "films")
    assert (await api.reply(302, timeout=6))["text"]


async def test_500_on_get_updates_loses_no_update(api: BotApiServer, bot: BotApp) -> None:
    user = api.user(303, "Aibek", "en")
    api.inject("getUpdates", status=500, times=2)
    api.send_text(user, "films")
    api.send_text(user, "concerts")
    replies = await api.replies(303, 2, timeout=10)
    assert len(replies) == 2


async def test_a_slow_chat_does_not_hold_up_another(api: BotApiServer, bot: BotApp) -> None:
    slow_user, quick_user = api.user(304, "Slow", "en"), api.user(305, "Quick", "en")
    api.inject("sendMessage", delay=2.0)
    api.send_text(slow_user, "films")
    await api.idle(0.2)  # the slow reply is now in flight
    started = time.monotonic()
    api.send_text(quick_user, "concerts")
    await api.reply(305, timeout=5)
    assert time.monotonic() - started < 1.5
    assert (await api.reply(304, timeout=5))["text"]


async def test_a_failure_is_reported_to_the_user_in_their_language(
    api: BotApiServer, bot: BotApp
) -> None:
    user = api.user(306, "Жылдыз", "ky")
    api.inject("sendMessage", status=403)  # Telegram refuses once: not something to retry
    api.send_text(user, "/help")
    notice = await api.reply(306)
    assert "Кечиресиз" in notice["text"]
    api.send_text(user, "/help")
    assert "Буйруктар" in (await api.reply(306))["text"]
