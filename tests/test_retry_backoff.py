"""The rate limiter's retries wait longer each time, on the clock it is given (no real sleep)."""

from __future__ import annotations

import httpx
from telegram.error import NetworkError

from bot.telegram.resilience import NETWORK_RETRIES, PatientRateLimiter


async def test_each_retry_waits_a_little_longer_and_then_gives_up() -> None:
    waits: list[float] = []

    async def clock(seconds: float) -> None:
        waits.append(seconds)

    async def refused() -> bool:
        error = NetworkError("refused")
        error.__cause__ = httpx.ConnectError("refused")  # never sent: safe to repeat
        raise error

    limiter = PatientRateLimiter(backoff=0.5, sleep=clock)
    try:
        await limiter.process_request(refused, (), {}, "sendMessage", {}, None)
    except NetworkError:
        pass
    else:  # pragma: no cover - the call never succeeds
        raise AssertionError("a call that always fails must raise in the end")
    assert waits == [0.5 * attempt for attempt in range(1, NETWORK_RETRIES + 1)]
