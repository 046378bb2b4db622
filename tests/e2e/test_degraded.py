"""/stats tells the admins what needs their attention instead of looking healthy: a missed log
that is off, data answered from an older copy, an inbox that is off or far behind."""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path

from bot.answering import Answerer
from bot.health import check, notices
from bot.inbox import Inbox
from bot.telegram.app import build_application, conditions
from bot.telegram.intake import INBOX_FILE
from bot.telegram.live import LiveData
from bot.telegram.polling import PollingBot
from tests.botapi import BotApiServer
from tests.e2e.conftest import running, settings_for

ADMIN = 7_700_002
ATTENTION = "Needs attention:"


async def test_a_healthy_bot_reports_nothing(
    api: BotApiServer, answerer: Answerer, state_dir: Path
) -> None:
    settings = dataclasses.replace(settings_for(api, state_dir), admin_ids=frozenset({ADMIN}))
    admin = api.user(ADMIN, "Curator", "en")
    async with running(build_application(settings, answerer)):
        api.send_text(admin, "/stats")
        assert ATTENTION not in (await api.reply(ADMIN))["text"]


def test_an_update_waiting_more_than_a_minute_is_reported(
    answerer: Answerer, tmp_path: Path
) -> None:
    inbox = Inbox(tmp_path / INBOX_FILE, stale_after=900, clock=lambda: time.time() - 120)
    inbox.add([(10_000, json.dumps({"update_id": 10_000}))])
    inbox.close()
    reopened = Inbox(tmp_path / INBOX_FILE, stale_after=900)
    bot = PollingBot("123456:" + "a" * 35)
    found = conditions(tmp_path, LiveData(answerer), None, reopened, bot)
    keys = dict(found)
    assert "tg_health_backlog" in keys and int(str(keys["tg_health_backlog"]["seconds"])) >= 120
    assert "tg_health_missed_off" in keys
    reopened.done(10_000)
    assert "tg_health_backlog" not in dict(
        conditions(tmp_path, LiveData(answerer), None, reopened, bot)
    )


async def test_an_inbox_and_a_missed_log_that_cannot_open_are_reported(
    api: BotApiServer, answerer: Answerer, tmp_path: Path
) -> None:
    state = tmp_path / "state"
    for name in (INBOX_FILE, "missed.sqlite3"):  # a folder where the database should be
        (state / name).mkdir(parents=True)
    settings = dataclasses.replace(settings_for(api, state), admin_ids=frozenset({ADMIN}))
    admin = api.user(ADMIN, "Curator", "en")
    async with running(build_application(settings, answerer)):
        api.send_text(admin, "/stats")
        text = (await api.reply(ADMIN))["text"]
    assert ATTENTION in text
    assert "the missed-question log is off" in text
    assert "the inbox is off" in text
    # The container's health check fails on the inbox (questions could be lost), and names it.
    problem = check(state)
    assert "the inbox is off" in problem and "missed-question" not in problem
    assert any("missed-question log is off" in notice for notice in notices(state))
