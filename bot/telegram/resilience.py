"""Staying up when Telegram is busy, slow or briefly down: what to retry, and for how long."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import httpx
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)

RETRY_BUDGET_SECONDS = 60.0
"""How long one call may spend waiting between its retries before the user gets an apology."""
FIRST_BACKOFF_SECONDS = 0.5
MAX_BACKOFF_SECONDS = 8.0

# Calls that are safe to repeat when their outcome is unknown (a timeout, or a connection that
# broke after the request went out): doing them twice shows nobody anything twice. An edit
# repeated finds itself "not modified", a callback or inline answer repeated is refused as
# "query is too old" (taken as done below), and getUpdates returns the same updates until the
# next poll confirms them. Everything else (sendMessage, sendPoll, ...) is repeated only when
# the request never left (see never_sent) or Telegram answered with a 5xx.
IDEMPOTENT = frozenset(
    {
        "getUpdates",
        "editMessageText",
        "editMessageReplyMarkup",
        "answerCallbackQuery",
        "answerInlineQuery",
        "setMyCommands",
        "getMyCommands",
        "deleteMyCommands",
        "getMe",
        "deleteWebhook",
        "sendChatAction",
    }
)

# Answers to a button tap or an inline query that Telegram no longer takes: the query was
# answered already (often by our own first attempt, whose response got lost) or is too old.
QUERY_ANSWERS = frozenset({"answerCallbackQuery", "answerInlineQuery"})

# httpx errors raised before any byte of the request reached the server.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def _causes(error: BaseException) -> list[BaseException]:
    """The error and what it was raised `from` (PTB wraps httpx errors in NetworkError, httpx
    wraps httpcore's); an exception merely raised while handling another is not its cause."""
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__
    return chain


def never_sent(error: BaseException) -> bool:
    """True when the call failed before its request went out (no connection, no free
    connection): Telegram cannot have acted on it, so repeating it is always safe."""
    return any(isinstance(cause, _NOT_SENT) for cause in _causes(error))


def outcome_unknown(error: BaseException) -> bool:
    """True when the request may have reached Telegram but no answer came back (a read
    timeout, a connection closed mid-call): the message may well have been delivered.

    Telegram's own refusals (BadRequest, 403, ...) and its 5xx answers are known outcomes,
    and so is a call that never left.
    """
    if not isinstance(error, NetworkError) or isinstance(error, BadRequest):
        return False
    if never_sent(error):
        return False
    if isinstance(error, TimedOut):
        return True
    # A 5xx answer is raised with no cause (or a JSON parsing TelegramError); a transport
    # failure is raised from the httpx error (or from whatever the HTTP layer raised).
    return error.__cause__ is not None and not isinstance(error.__cause__, TelegramError)


def query_expired(error: BaseException) -> bool:
    """Telegram refuses to answer a callback or inline query that is answered or too old."""
    if not isinstance(error, BadRequest):
        return False
    message = error.message.lower()
    return "query is too old" in message or "query id is invalid" in message


class _OwnRetries(logging.Filter):
    """AIORateLimiter logs a 429 as an ERROR with a traceback once its own retries (none, here)
    are used up; PatientRateLimiter decides and logs the retry itself."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Rate limit hit after maximum of")


logging.getLogger("telegram.ext.AIORateLimiter").addFilter(_OwnRetries())

JSONish = bool | dict[str, Any] | list[dict[str, Any]]


class PatientRateLimiter(AIORateLimiter):
    """AIORateLimiter (≤ 30 messages/s overall, ≤ 20/min per group) whose retries have a
    budget in time instead of a count.

    A 429 is waited out as Telegram asks (retry_after), and a 5xx or a network failure is
    repeated after an exponential back-off with jitter, until RETRY_BUDGET_SECONDS of waiting
    would be exceeded; only then is the error raised (and on_error apologises). A call whose
    outcome is unknown (timed out, or the connection broke after the request went out) is
    repeated only when it is idempotent: a repeated sendMessage whose first copy did arrive
    would show the user the answer twice. It is raised at once, and on_error (errors.py)
    takes it as "may have arrived" rather than apologising.

    `sleep`, `clock` and `rng` are injected so tests run the policy without real waiting.
    """

    def __init__(
        self,
        backoff: float = FIRST_BACKOFF_SECONDS,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        *,
        budget: float = RETRY_BUDGET_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        # AIORateLimiter only paces; every retry is decided here, so it tries once.
        super().__init__(
            overall_max_rate=30,
            overall_time_period=1,
            group_max_rate=20,
            group_time_period=60,
            max_retries=0,
        )
        self._backoff = backoff
        self._sleep = sleep
        self._budget = budget
        self._clock = clock
        self._rng = rng or random.Random()

    def backoff(self, attempt: int) -> float:
        """The pause before retry `attempt` (0-based) after a 5xx or a network failure:
        doubling from `backoff` up to MAX_BACKOFF_SECONDS, with jitter so that many chats
        failing together do not retry in step."""
        ceiling = min(MAX_BACKOFF_SECONDS, self._backoff * 2**attempt)
        return self._rng.uniform(ceiling / 2, ceiling)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSONish]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> JSONish:
        started = self._clock()
        failures = 0
        retried = False
        while True:
            try:
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except BadRequest as exc:
                if retried and endpoint in QUERY_ANSWERS and query_expired(exc):
                    # Our first attempt most likely got through and only its response was
                    # lost: the query is answered, and there is nothing left to do.
                    log.info("%s: retry refused (%s); taken as done", endpoint, exc.message)
                    return True
                raise  # Telegram answered: repeating the same call would get the same answer
            except RetryAfter as exc:
                wait = exc.retry_after
                pause = (wait if isinstance(wait, int | float) else wait.total_seconds()) + 0.1
                failure: TelegramError = exc
            except (Forbidden, InvalidToken, Conflict, ChatMigrated):
                raise  # Telegram answered: repeating the same call would get the same answer
            except NetworkError as exc:  # TimedOut included
                if not may_repeat(endpoint, exc):
                    raise
                pause = self.backoff(failures)
                failures += 1
                failure = exc
            spent = self._clock() - started
            if spent + pause > self._budget:
                log.warning(
                    "%s: giving up after %.0f s of retries (the next wait would be %.1f s)",
                    endpoint,
                    spent,
                    pause,
                )
                raise failure
            log.info("%s failed; retrying in %.1f s", endpoint, pause)
            retried = True
            await self._sleep(pause)


def may_repeat(endpoint: str, error: NetworkError) -> bool:
    """Whether a call that failed with `error` can be made again without risk of doing it twice:
    always for idempotent calls, else only when Telegram surely did not carry it out."""
    return endpoint in IDEMPOTENT or not outcome_unknown(error)
