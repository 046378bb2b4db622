"""Telegram says "too many requests", fails with 500, answers slowly: users still get answers.

And what the bot may repeat after a failure: a call that never went out, or one Telegram
answered with a 5xx, always; a send whose outcome is unknown (timed out, or cut off after it
went out) never, since its first copy may have arrived; idempotent calls (edits, callback
answers, getUpdates) always. Checked against python-telegram-bot's real wrapping of httpx.
"""

from __future__ import annotations

import time

import httpx
from telegram import Bot
from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.request import HTTPXRequest

from bot.telegram.app import BotApp
from bot.telegram.resilience import PatientRateLimiter, may_repeat, never_sent, outcome_unknown
from tests.botapi import BotApiServer

from .test_run import free_port


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


# ------------------------------------------------- what may be repeated (PTB's real wrapping)


async def failure(api: BotApiServer, base_url: str | None = None, **timeouts: float) -> Exception:
    """What python-telegram-bot raises for one sendMessage, through its real HTTPXRequest."""
    request = HTTPXRequest(**timeouts)  # type: ignore[arg-type]
    bot = Bot(api.token, base_url=base_url or api.base_url, request=request)
    user = api.user(330, "Aibek", "en")
    api.send_text(user, "hi", queue=False)  # the chat exists: the bot may write to it
    try:
        await bot.send_message(user["id"], "hello")
    except Exception as exc:
        return exc
    finally:
        await request.shutdown()
    raise AssertionError("the call succeeded")


async def test_a_send_cut_off_after_it_went_out_is_not_repeated(api: BotApiServer) -> None:
    api.inject("sendMessage", drop=True)
    error = await failure(api)
    assert isinstance(error, NetworkError) and outcome_unknown(error) and not never_sent(error)
    assert not may_repeat("sendMessage", error)
    assert not may_repeat("sendPoll", error)
    assert may_repeat("editMessageText", error) and may_repeat("getUpdates", error)


async def test_a_send_that_timed_out_is_not_repeated(api: BotApiServer) -> None:
    api.inject("sendMessage", delay=0.6)
    error = await failure(api, read_timeout=0.2)
    assert isinstance(error, TimedOut) and outcome_unknown(error)
    assert not may_repeat("sendMessage", error)
    assert may_repeat("answerCallbackQuery", error)


async def test_a_send_that_never_went_out_is_repeated(api: BotApiServer) -> None:
    closed = f"http://127.0.0.1:{free_port()}/bot"  # nothing listens: the connect fails
    error = await failure(api, closed)
    assert isinstance(error, NetworkError) and never_sent(error) and not outcome_unknown(error)
    assert may_repeat("sendMessage", error)


async def test_a_5xx_answer_is_a_known_failure_and_is_repeated(api: BotApiServer) -> None:
    api.inject("sendMessage", status=500)
    error = await failure(api)
    assert isinstance(error, NetworkError) and not outcome_unknown(error)
    assert may_repeat("sendMessage", error)


def raised_from(error: Exception, cause: Exception) -> Exception:
    error.__cause__ = cause
    return error


async def attempts(endpoint: str, *outcomes: Exception | bool) -> tuple[int, object]:
    """Run PatientRateLimiter over a call that fails with `outcomes` in turn: (calls, result)."""
    calls = 0

    async def call() -> bool:
        nonlocal calls
        outcome = outcomes[min(calls, len(outcomes) - 1)]
        calls += 1
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    limiter = PatientRateLimiter(backoff=0)
    try:
        result: object = await limiter.process_request(call, (), {}, endpoint, {}, None)
    except Exception as exc:
        result = exc
    return calls, result


async def test_the_rate_limiter_repeats_only_what_cannot_show_twice() -> None:
    def cut_off() -> Exception:
        return raised_from(NetworkError("cut off"), httpx.RemoteProtocolError("disconnected"))

    def refused() -> Exception:
        return raised_from(NetworkError("refused"), httpx.ConnectError("refused"))

    calls, result = await attempts("sendMessage", cut_off(), True)
    assert calls == 1 and isinstance(result, NetworkError)
    assert await attempts("sendMessage", refused(), True) == (2, True)
    assert await attempts("sendMessage", NetworkError("Internal Server Error"), True) == (2, True)
    assert await attempts("editMessageText", cut_off(), True) == (2, True)
    calls, result = await attempts("sendMessage", TimedOut(), True)
    assert calls == 1 and isinstance(result, TimedOut)

    too_old = BadRequest("Query is too old and response timeout expired or query ID is invalid")
    assert await attempts("answerCallbackQuery", cut_off(), too_old) == (2, True)
    calls, result = await attempts("answerCallbackQuery", too_old)
    assert calls == 1 and result is too_old  # not a retry of ours: the handler hears of it
