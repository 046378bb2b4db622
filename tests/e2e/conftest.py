"""Start the real Application against the fixture server, the way run_polling would."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from telegram import Update

from bot.answering import Answerer
from bot.config import Secret, Settings
from bot.telegram.app import BotApp, build_application
from tests.botapi import BotApiServer


@pytest.fixture
def api() -> Iterator[BotApiServer]:
    with BotApiServer() as server:
        yield server


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    return tmp_path / "state"


def settings_for(api: BotApiServer, state_dir: Path) -> Settings:
    return Settings(token=Secret(api.token), api_base_url=api.base_url, state_dir=state_dir)


@asynccontextmanager
async def running(app: BotApp) -> AsyncIterator[BotApp]:
    """initialize, post_init, start polling, start; and the reverse on the way out."""
    await app.initialize()
    if app.post_init is not None:
        await app.post_init(app)
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=1, allowed_updates=Update.ALL_TYPES)
    await app.start()
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        if app.post_shutdown is not None:
            await app.post_shutdown(app)


@pytest.fixture
async def bot(api: BotApiServer, answerer: Answerer, state_dir: Path) -> AsyncIterator[BotApp]:
    """The running bot. At the end, nothing it sent may have been refused by the server."""
    async with running(build_application(settings_for(api, state_dir), answerer)) as app:
        yield app
    refused = [f"{c.method}: {c.error}" for c in api.errors]
    assert refused == [], "the bot sent something Telegram would refuse"
