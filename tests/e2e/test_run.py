"""`python -m bot run`: settings from the environment, clear failures, a real process."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
from pathlib import Path

import pytest

from bot.config import Secret, Settings
from bot.paths import PROJECT_ROOT
from bot.telegram.app import run
from tests.botapi import DEFAULT_TOKEN, BotApiServer
from tests.e2e.processes import BotProcess

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


def start_bot(api: BotApiServer, state_dir: Path, token: str, **extra: str) -> BotProcess:
    env = {
        **os.environ,
        **extra,
        "TELEGRAM_BOT_TOKEN": token,
        "TELEGRAM_API_BASE_URL": api.base_url,
        "BOT_STATE_DIR": str(state_dir),
        "PYTHONUNBUFFERED": "1",
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    env.pop("BOT_DATA_DIR", None)
    # cwd is not the project: the data is found all the same.
    return BotProcess(env, cwd=state_dir.parent, log_dir=state_dir.parent / "logs")


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


async def test_sigterm_finishes_the_update_in_hand_then_exits_0(
    api: BotApiServer, tmp_path: Path
) -> None:
    """Docker stops a container with SIGTERM: the answer being sent still arrives."""
    process = start_bot(api, tmp_path / "state", api.token)
    try:
        await api.wait_for(lambda: api.commands, timeout=20, what="the bot to start")
        api.inject("sendMessage", delay=2.0)  # the reply is on its way when SIGTERM comes
        api.send_text(api.user(403, "Gulnara", "en"), "films")
        await api.wait_for(lambda: api.faults[-1].times == 0, timeout=10, what="the reply")
    finally:
        process.send_signal(signal.SIGTERM)
    try:
        _, err = await asyncio.to_thread(process.communicate, timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    reply = await api.reply(403, timeout=1)
    assert "Centaur" in reply["text"]
    assert process.returncode == 0, err
    assert "Traceback" not in err
    # One structured line per update, written once the handler is done: the slow reply was
    # awaited to its end (the fixture answers the send after 2 s), not abandoned at SIGTERM.
    # The question itself is logged only at DEBUG.
    line = re.search(r"bot\.updates: update kind=text intent=list lang=en events=2 ms=(\d+)", err)
    assert line is not None, err
    assert float(line.group(1)) >= 2000
    assert "films" not in err


def test_missed_retention_is_a_setting() -> None:
    assert Settings.from_env({}, env_file=None).missed_retention_days == 180
    assert (
        Settings.from_env({"MISSED_RETENTION_DAYS": "30"}, env_file=None).missed_retention_days
        == 30
    )
    bad = Settings.from_env({"MISSED_RETENTION_DAYS": "soon"}, env_file=None)
    assert bad.missed_retention_days == 180
    assert bad.problems and bad.problems[0].startswith("MISSED_RETENTION_DAYS")
