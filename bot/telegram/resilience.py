"""Staying up when Telegram is busy, slow or briefly down, and keeping the token out of logs."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import httpx
from telegram import Update
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
from telegram.ext import AIORateLimiter, BaseUpdateProcessor

log = logging.getLogger(__name__)

NETWORK_RETRIES = 2
RETRY_AFTER_RETRIES = 3

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


JSONish = bool | dict[str, Any] | list[dict[str, Any]]


class PatientRateLimiter(AIORateLimiter):
    """AIORateLimiter (≤ 30 messages/s overall, ≤ 20/min per group, waits out 429s) that also
    retries a call after a 5xx or a network failure, with a short backoff.

    A call whose outcome is unknown (timed out, or the connection broke after the request
    went out) is repeated only when it is idempotent: a repeated sendMessage whose first copy
    did arrive would show the user the answer twice. It is raised instead, and on_error
    (errors.py) takes it as "may have arrived" rather than apologising.
    """

    def __init__(
        self,
        backoff: float = 0.5,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        super().__init__(
            overall_max_rate=30,
            overall_time_period=1,
            group_max_rate=20,
            group_time_period=60,
            max_retries=RETRY_AFTER_RETRIES,
        )
        self._backoff = backoff
        self._sleep = sleep  # tests pass their own clock: no real waiting between retries

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSONish]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> JSONish:
        for attempt in range(NETWORK_RETRIES + 1):
            try:
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except BadRequest as exc:
                if attempt > 0 and endpoint in QUERY_ANSWERS and query_expired(exc):
                    # Our first attempt most likely got through and only its response was
                    # lost: the query is answered, and there is nothing left to do.
                    log.info("%s: retry refused (%s); taken as done", endpoint, exc.message)
                    return True
                raise  # Telegram answered: repeating the same call would get the same answer
            except (Forbidden, InvalidToken, Conflict, ChatMigrated, RetryAfter):
                raise  # Telegram answered: repeating the same call would get the same answer
            except NetworkError as exc:  # TimedOut included
                if attempt == NETWORK_RETRIES or not may_repeat(endpoint, exc):
                    raise
                log.info("%s failed (%s); retrying (%d)", endpoint, exc.message, attempt + 1)
            await self._sleep(self._backoff * (attempt + 1))
        raise AssertionError("unreachable")  # pragma: no cover


def may_repeat(endpoint: str, error: NetworkError) -> bool:
    """Whether a call that failed with `error` can be made again without risk of doing it twice:
    always for idempotent calls, else only when Telegram surely did not carry it out."""
    return endpoint in IDEMPOTENT or not outcome_unknown(error)


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Updates run concurrently, except that updates of one chat keep their order.

    A slow or retried reply to one user then never holds up the others, and a user who types
    three questions quickly still gets three answers in order.
    """

    def __init__(self, max_concurrent_updates: int = 64) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _chat_key(update)
        if key is None:
            await coroutine
            return
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                await coroutine
        finally:
            lock, users = self._locks[key]
            if users <= 1:
                del self._locks[key]  # forget idle chats, so memory does not grow with users
            else:
                self._locks[key] = (lock, users - 1)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""


def _chat_key(update: object) -> int | None:
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return update.effective_user.id  # inline queries have a user but no chat
    return None
