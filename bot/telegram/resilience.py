"""Staying up when Telegram is busy, slow or briefly down, and keeping the token out of logs."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import AIORateLimiter, BaseUpdateProcessor

log = logging.getLogger(__name__)

NETWORK_RETRIES = 2
RETRY_AFTER_RETRIES = 3

# Calls that are safe to repeat after a timeout: repeating them cannot make a user see
# something twice. A timed-out sendMessage may have been delivered, so it is not repeated.
IDEMPOTENT = frozenset(
    {
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

JSONish = bool | dict[str, Any] | list[dict[str, Any]]


class PatientRateLimiter(AIORateLimiter):
    """AIORateLimiter (≤ 30 messages/s overall, ≤ 20/min per group, waits out 429s) that also
    retries a call after a 5xx or a dropped connection, with a short backoff."""

    def __init__(self, backoff: float = 0.5) -> None:
        super().__init__(
            overall_max_rate=30,
            overall_time_period=1,
            group_max_rate=20,
            group_time_period=60,
            max_retries=RETRY_AFTER_RETRIES,
        )
        self._backoff = backoff

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
            except (BadRequest, Forbidden, InvalidToken, Conflict, ChatMigrated, RetryAfter):
                raise  # Telegram answered: repeating the same call would get the same answer
            except TimedOut:
                if endpoint not in IDEMPOTENT or attempt == NETWORK_RETRIES:
                    raise
                log.info("%s timed out; retrying (%d)", endpoint, attempt + 1)
            except NetworkError as exc:
                if attempt == NETWORK_RETRIES:
                    raise
                log.info("%s failed (%s); retrying (%d)", endpoint, exc.message, attempt + 1)
            await asyncio.sleep(self._backoff * (attempt + 1))
        raise AssertionError("unreachable")  # pragma: no cover


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


class RedactToken(logging.Filter):
    """Replaces the bot token in every log record, whichever library wrote it."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self._token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._token:
            return True
        message = record.getMessage()
        if self._token in message:
            record.msg = message.replace(self._token, "<token>")
            record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            text = str(record.exc_info[1])
            if self._token in text:
                record.exc_text = None
                record.exc_info = None
                record.msg = f"{record.msg} ({text.replace(self._token, '<token>')})"
        return True


def redact(text: str, token: str | None) -> str:
    return text.replace(token, "<token>") if token else text
