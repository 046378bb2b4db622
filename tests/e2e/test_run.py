"""`python -m bot run`: settings from the environment, clear failures, a real process."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from bot.config import Secret, Settings
from bot.paths import PROJECT_ROOT
from bot.telegram.app import run
from tests.botapi import DEFAULT_TOKEN, BotApiServer

TOKEN = DEFAULT_TOKEN


def test_missing_token_is_one_clear_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(Settings.from_env({}, env_file=None)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "TELEGRAM_BOT_TOKEN" in err and "Traceback" not in err


def test_malformed_token_is_one_clear_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    settings = Settings.from_env({"TELEGRAM_BOT_TOKEN": "not-a-token"}, env_file=None)
    assert settings.token is None
    assert run(settings) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "does not look like a bot token" in err
    assert "not-a-token" not in err


def test_settings_from_env_file_and_environment(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text(
        f"# comment\nTELEGRAM_BOT_TOKEN='{TOKEN}'\nBOT_STATE_DIR=/var/lib/bot  # inline\n"
        "ADMIN_IDS=1, 2 3\nexport TELEGRAM_API_BASE_URL=http://127.0.0.1:8081/bot/\n",
        encoding="utf-8",
    )
    settings = Settings.from_env({"BOT_STATE_DIR": "/srv/state"}, env_file=env)
    assert settings.token == Secret(TOKEN)
    assert settings.api_base_url == "http://127.0.0.1:8081/bot"
    assert settings.state_dir == Path("/srv/state")  # the real environment wins over .env
    assert settings.admin_ids == frozenset({1, 2, 3})
    assert settings.problems == ()
    assert TOKEN not in repr(settings)
    assert Settings.token_configured({}, env_file=env)
    assert not Settings.token_configured({}, env_file=None)


def test_bad_settings_are_reported_not_raised() -> None:
    settings = Settings.from_env(
        {"TELEGRAM_API_BASE_URL": "localhost:8081", "ADMIN_IDS": "alice"}, env_file=None
    )
    assert len(settings.problems) == 2
    assert settings.api_base_url is None
    webhook = Settings.from_env({"BOT_MODE": "webhook", "WEBHOOK_PORT": "x"}, env_file=None)
    assert [p.split()[0] for p in webhook.problems] == ["BOT_MODE=webhook", "WEBHOOK_PORT"]


def start_bot(
    api: BotApiServer, state_dir: Path, token: str, **extra: str
) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        **extra,
        "TELEGRAM_BOT_TOKEN": token,
        "TELEGRAM_API_BASE_URL": api.base_url,
        "BOT_STATE_DIR": str(state_dir),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("BOT_DATA_DIR", None)
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=state_dir.parent,  # not the project: the data is found all the same
        env={**env, "PYTHONPATH": str(PROJECT_ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


async def test_python_m_bot_run_talks_to_the_bot_api_and_stops_cleanly(
    api: BotApiServer, tmp_path: Path
) -> None:
    process = start_bot(api, tmp_path / "state", api.token)
    try:
        await api.wait_for(lambda: api.commands, timeout=20, what="the bot to start")
        user = api.user(401, "Aizada", "ky")
        api.send_text(user, "/start")
        welcome = await api.reply(401, timeout=10)
        assert "Aizada" in welcome["text"]
        assert (tmp_path / "state" / "heartbeat").is_file()  # Docker's health check reads it
    finally:
        process.send_signal(signal.SIGINT)
        out, err = await asyncio.to_thread(process.communicate, timeout=15)
    assert process.returncode == 0, err
    assert api.token not in out + err  # the token never reaches a log line
    assert "Traceback" not in err


async def test_a_token_telegram_refuses_is_one_line_and_exit_2(
    api: BotApiServer, tmp_path: Path
) -> None:
    wrong = "987654321:" + "x" * 35
    process = start_bot(api, tmp_path / "state", wrong)
    out, err = await asyncio.to_thread(process.communicate, timeout=30)
    assert process.returncode == 2
    last = err.strip().splitlines()[-1]
    assert last.startswith("error: ") and "refused" in last
    assert "Traceback" not in err
    assert wrong not in out + err


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_webhook_mode_accepts_telegram_and_refuses_strangers(
    api: BotApiServer, tmp_path: Path
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    process = start_bot(
        api,
        tmp_path / "state",
        api.token,
        BOT_MODE="webhook",
        WEBHOOK_URL=url,
        WEBHOOK_SECRET="s3cret_value",
        WEBHOOK_LISTEN="127.0.0.1",
        WEBHOOK_PORT=str(port),
    )
    try:
        await api.wait_for(lambda: api.webhook and api.commands, timeout=20, what="setWebhook")
        assert api.webhook["url"] == url and api.webhook["secret_token"] == "s3cret_value"
        user = api.user(402, "Bakyt", "en")
        message = api.send_text(user, "films", queue=False)
        update = {"update_id": 1, "message": message}
        async with httpx.AsyncClient() as client:
            forged = await client.post(
                url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "guess"}
            )
            assert forged.status_code == 403
            real = await client.post(
                url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret_value"}
            )
            assert real.status_code == 200
        assert "2017-04-mooov-centaur" in str((await api.reply(402, timeout=10))["reply_markup"])
        assert len(api.bot_messages(402)) == 1  # the forged update was not answered
    finally:
        process.send_signal(signal.SIGINT)
        out, err = await asyncio.to_thread(process.communicate, timeout=15)
    assert process.returncode == 0, err
    assert api.token not in out + err and "s3cret_value" not in out + err
