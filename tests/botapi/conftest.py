"""The fixture's own tests: a fresh Bot API server and a real python-telegram-bot `Bot` on it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from telegram import Bot

from .server import BotApiServer


@pytest.fixture
def api() -> Iterator[BotApiServer]:
    with BotApiServer() as server:
        yield server


@pytest.fixture
async def bot(api: BotApiServer) -> AsyncIterator[Bot]:
    async with Bot(api.token, base_url=api.base_url) as real_bot:
        yield real_bot
