"""At LOG_LEVEL=DEBUG python-telegram-bot and httpx log every request: the token (in each URL)
and the webhook secret (setWebhook's secret_token) must still never appear."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.answering import Answerer
from bot.config import Secret
from bot.logs import LIBRARY_LOGGERS, configure
from bot.telegram.app import build_application
from bot.telegram.webhook import webhook_secret
from tests.botapi import BotApiServer
from tests.e2e.conftest import settings_for

SECRET = "the-webhook-secret-of-this-test-0123"


@pytest.fixture
def debug_log() -> Iterator[io.StringIO]:
    """Everything logged at DEBUG, by any logger, through a handler on the root."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root = logging.getLogger()
    saved = root.level, {name: logging.getLogger(name).level for name in LIBRARY_LOGGERS}
    root.addHandler(handler)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(saved[0])
        for name, level in saved[1].items():
            logging.getLogger(name).setLevel(level)


async def test_debug_log_of_a_webhook_setup_holds_neither_token_nor_secret(
    api: BotApiServer, answerer: Answerer, state_dir: Path, debug_log: io.StringIO
) -> None:
    configure("DEBUG", (api.token,))
    settings = settings_for(api, state_dir)
    settings = type(settings)(**{**settings.__dict__, "webhook_secret": Secret(SECRET)})
    application = build_application(settings, answerer)
    await application.initialize()
    try:
        await application.bot.set_webhook(
            "https://bot.example.org/hook", secret_token=webhook_secret(settings)
        )
        await application.bot.delete_webhook()
    finally:
        await application.shutdown()
    text = debug_log.getvalue()
    assert "setWebhook" in text and "HTTP Request" in text  # DEBUG did reach both libraries
    assert api.token not in text
    assert SECRET not in text
