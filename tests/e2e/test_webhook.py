"""Webhook mode end to end over real HTTP on loopback: a real `python -m bot run` process with
BOT_MODE=webhook, Telegram played by the local Bot API fixture and an httpx client."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.botapi import BotApiServer

from .test_run import free_port, start_bot

SECRET = "s3cret_value-for_tests"
HEADER = "X-Telegram-Bot-Api-Secret-Token"


@dataclass
class Webhook:
    url: str
    process: subprocess.Popen[str]


@pytest.fixture
async def webhook(api: BotApiServer, tmp_path: Path) -> AsyncIterator[Webhook]:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    process = start_bot(
        api,
        tmp_path / "state",
        api.token,
        BOT_MODE="webhook",
        WEBHOOK_URL=url,
        WEBHOOK_SECRET=SECRET,
        WEBHOOK_LISTEN="127.0.0.1",
        WEBHOOK_PORT=str(port),
    )
    try:
        await api.wait_for(lambda: api.webhook and api.commands, timeout=20, what="setWebhook")
        yield Webhook(url, process)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            await asyncio.to_thread(process.communicate, timeout=30)
        finally:
            if process.poll() is None:
                process.kill()


def update_for(api: BotApiServer, user_id: int, text: str) -> dict[str, Any]:
    message = api.send_text(api.user(user_id, "Bakyt", "en"), text, queue=False)
    return {"update_id": user_id, "message": message}


async def test_the_right_secret_is_answered_a_wrong_or_missing_one_refused(
    api: BotApiServer, webhook: Webhook
) -> None:
    assert api.webhook["url"] == webhook.url and api.webhook["secret_token"] == SECRET
    update = update_for(api, 402, "films")
    async with httpx.AsyncClient() as client:
        wrong = await client.post(webhook.url, json=update, headers={HEADER: "guess"})
        missing = await client.post(webhook.url, json=update)
        empty = await client.post(webhook.url, json=update, headers={HEADER: ""})
        assert (wrong.status_code, missing.status_code, empty.status_code) == (403, 403, 403)
        await api.idle(0.5)
        assert api.bot_messages(402) == []  # nothing refused was answered

        real = await client.post(webhook.url, json=update, headers={HEADER: SECRET})
        assert real.status_code == 200
        reply = await api.reply(402, timeout=10)
        assert "Centaur" in reply["text"]
        assert "2017-04-mooov-centaur" in str(reply["reply_markup"])

        # Not an update: PTB's server refuses a body that is not JSON before reading it.
        garbage = await client.post(webhook.url, content=b"not json", headers={HEADER: SECRET})
        assert garbage.status_code == 403
        elsewhere = await client.post(
            webhook.url.replace("/telegram", "/other"), json=update, headers={HEADER: SECRET}
        )
        assert elsewhere.status_code == 404
    await api.idle(0.3)
    assert len(api.bot_messages(402)) == 1


async def test_the_heartbeat_health_check_passes_in_webhook_mode(
    webhook: Webhook, tmp_path: Path
) -> None:
    """Health comes from the heartbeat file in both modes (the container's health check)."""
    check = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "bot.health"],
        env={**os.environ, "BOT_STATE_DIR": str(tmp_path / "state")},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert check.returncode == 0, check.stdout + check.stderr


async def test_sigterm_finishes_the_accepted_update_and_exits_0(
    api: BotApiServer, webhook: Webhook
) -> None:
    api.inject("sendMessage", delay=2.0)
    async with httpx.AsyncClient() as client:
        accepted = await client.post(
            webhook.url, json=update_for(api, 404, "films"), headers={HEADER: SECRET}
        )
    assert accepted.status_code == 200
    await api.wait_for(lambda: api.faults[-1].times == 0, timeout=10, what="the reply")
    webhook.process.send_signal(signal.SIGTERM)
    _, err = await asyncio.to_thread(webhook.process.communicate, timeout=30)
    assert webhook.process.returncode == 0, err
    assert "Centaur" in (await api.reply(404, timeout=1))["text"]
    assert "update kind=text intent=list lang=en events=2" in err
    assert api.token not in err and SECRET not in err and "Traceback" not in err
