"""The retry policy spends a budget of time, not a count of tries: Telegram's 429s are waited
out as asked, 5xx and network failures back off exponentially with jitter, and the error
(hence the apology) comes only when the budget is spent. A fake clock: no real waiting."""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable

import httpx
import pytest
from telegram.error import NetworkError, RetryAfter, TimedOut

from bot.telegram.resilience import (
    MAX_BACKOFF_SECONDS,
    RETRY_BUDGET_SECONDS,
    PatientRateLimiter,
)


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.waits: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds


def limiter(time: FakeTime, seed: int = 7) -> PatientRateLimiter:
    return PatientRateLimiter(sleep=time.sleep, clock=time.clock, rng=random.Random(seed))


def failing(*errors: Exception) -> tuple[list[int], Callable[[], Awaitable[bool]]]:
    calls: list[int] = []

    async def call() -> bool:
        calls.append(1)
        if len(calls) <= len(errors):
            raise errors[len(calls) - 1]
        return True

    return calls, call


def refused() -> NetworkError:
    error = NetworkError("refused")
    error.__cause__ = httpx.ConnectError("refused")  # never sent: safe to repeat
    return error


async def test_six_429s_in_a_row_are_waited_out_and_the_call_succeeds() -> None:
    time = FakeTime()
    calls, call = failing(*(RetryAfter(5) for _ in range(6)))
    assert await limiter(time).process_request(call, (), {}, "sendMessage", {}, None) is True
    assert len(calls) == 7
    assert time.waits == pytest.approx([5.1] * 6)  # what Telegram asked, plus a little


async def test_a_retry_after_beyond_the_budget_is_raised_at_once() -> None:
    time = FakeTime()
    calls, call = failing(RetryAfter(int(RETRY_BUDGET_SECONDS) + 5))
    with pytest.raises(RetryAfter):
        await limiter(time).process_request(call, (), {}, "sendMessage", {}, None)
    assert time.waits == [] and len(calls) == 1


@pytest.mark.parametrize("seed", range(5))
async def test_5xx_back_off_grows_with_jitter_until_the_budget_is_spent(seed: int) -> None:
    time = FakeTime()
    calls, call = failing(*(NetworkError("Internal Server Error") for _ in range(1000)))
    with pytest.raises(NetworkError):
        await limiter(time, seed).process_request(call, (), {}, "sendMessage", {}, None)
    assert sum(time.waits) <= RETRY_BUDGET_SECONDS
    assert sum(time.waits) > RETRY_BUDGET_SECONDS - MAX_BACKOFF_SECONDS  # the budget was used
    assert len(calls) == len(time.waits) + 1
    ceilings = [min(MAX_BACKOFF_SECONDS, 0.5 * 2**n) for n in range(len(time.waits))]
    assert all(c / 2 <= w <= c for w, c in zip(time.waits, ceilings, strict=True))


async def test_a_brief_outage_is_ridden_out_without_an_error() -> None:
    time = FakeTime()
    calls, call = failing(refused(), refused(), NetworkError("Bad Gateway"), refused())
    assert await limiter(time).process_request(call, (), {}, "sendMessage", {}, None) is True
    assert len(calls) == 5 and len(time.waits) == 4


async def test_a_send_that_may_have_arrived_is_not_repeated_whatever_the_budget() -> None:
    time = FakeTime()
    calls, call = failing(TimedOut())
    with pytest.raises(TimedOut):
        await limiter(time).process_request(call, (), {}, "sendMessage", {}, None)
    assert len(calls) == 1 and time.waits == []
