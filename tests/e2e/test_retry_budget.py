"""Six 429s in a row (each honoured) still end in the answer, not an apology: the retries have a
budget in time (60 s), not a count (it used to give up after four)."""

from __future__ import annotations

from bot.telegram.app import BotApp
from tests.botapi import BotApiServer


async def test_six_429s_with_retry_after_then_the_answer(api: BotApiServer, bot: BotApp) -> None:
    user = api.user(302, "Aigul", "en")
    api.inject("sendMessage", status=429, retry_after=1, times=6)
    api.send_text(user, "films")
    reply = await api.reply(302, timeout=15)
    assert "Sorry" not in reply["text"]
    assert [c.status for c in api.calls_to("sendMessage")] == [429] * 6 + [200]
