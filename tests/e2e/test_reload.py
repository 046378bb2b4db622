"""A curator edits data/ while the bot runs: the next answer shows the edit; a broken edit
leaves the bot answering from the previous data and the admins get the file:line errors."""

from __future__ import annotations

import dataclasses
import re
import shutil
import time
from pathlib import Path

import pytest

from bot.paths import DEFAULT_DATA_DIR
from bot.reloading import DataReloader
from bot.telegram.app import build_application
from tests.botapi import BotApiServer

from .conftest import running, settings_for

ADMIN = 900
OLD_TITLE = "“Centaur” by Aktan Arym Kubat wins the main prize at MOOOV"
NEW_TITLE = "“Centaur” by Aktan Arym Kubat takes the MOOOV main prize"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A copy of the real data/, which the test edits like a curator."""
    target = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    """Save like an editor. The mtime stays now, not ahead: a change from the future would not
    count as settled yet, and the test wants the very next check to load it."""
    before = path.stat().st_mtime_ns
    text = path.read_text(encoding="utf-8")
    assert old in text
    time.sleep(0.02)  # a new mtime even on a coarse clock
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    assert path.stat().st_mtime_ns != before


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


async def test_edits_go_live_and_broken_edits_reach_the_admins_not_the_users(
    api: BotApiServer, data: Path, state_dir: Path
) -> None:
    settings = dataclasses.replace(settings_for(api, state_dir), admin_ids=frozenset({ADMIN}))
    reloader = DataReloader(
        data, fallback_dir=state_dir / "last-good-data", settle_seconds=0, poll_seconds=0
    )
    app = build_application(settings, reloader, watch_seconds=0.2)
    user = api.user(301, "Nurlan", "en")
    admin = api.user(ADMIN, "Curator", "en")
    events = data / "events.yaml"
    async with running(app):
        api.send_text(admin, "/start")  # Telegram lets a bot write only to people who started it
        await api.reply(ADMIN)

        api.send_text(user, "films")
        assert OLD_TITLE in (await api.reply(301))["text"]

        edit(events, OLD_TITLE, NEW_TITLE)
        api.send_text(user, "films")
        answer = (await api.reply(301))["text"]
        assert NEW_TITLE in answer and OLD_TITLE not in answer

        # A broken edit: a month that does not exist. The watcher finds it without any update.
        edit(events, 'start: "2017-04-18"', 'start: "2017-13-18"')
        broken_line = line_of(events, 'start: "2017-13-18"')
        notice = (await api.reply(ADMIN, timeout=10))["text"]
        assert "still answering from the previous data" in notice
        assert re.search(rf"events\.yaml:{broken_line}\b", notice), notice

        api.send_text(user, "films")
        answer = (await api.reply(301))["text"]
        assert NEW_TITLE in answer  # the previous (edited, valid) data still answers
        assert "April 2017" in answer

        # The same broken state is reported once, not on every check.
        api.send_text(user, "concerts")
        await api.reply(301)
        await api.idle(0.6)
        assert len(api.bot_messages(ADMIN)) == 2

        # /reload by a stranger: the unknown-command reply (the welcome); by the admin: the result.
        api.send_text(user, "/reload")
        stranger = (await api.reply(301))["text"]
        assert "Nurlan" in stranger and "problem" not in stranger
        api.send_text(admin, "/reload")
        forced = (await api.reply(ADMIN))["text"]
        assert re.search(rf"events\.yaml:{broken_line}\b", forced)

        # Fixed again: the admins hear it is live, and users get the data.
        edit(events, 'start: "2017-13-18"', 'start: "2017-04-18"')
        fixed = (await api.reply(ADMIN, timeout=10))["text"]
        assert "The data is loaded" in fixed
    assert (state_dir / "last-good-data" / "events.yaml").is_file()
    assert api.errors == []


async def test_starting_on_broken_data_answers_from_the_last_good_copy_and_tells_the_admins(
    api: BotApiServer, data: Path, state_dir: Path
) -> None:
    fallback = state_dir / "last-good-data"
    DataReloader(data, fallback_dir=fallback)  # a clean start keeps a copy
    edit(data / "events.yaml", 'start: "2017-04-18"', 'start: "2017-13-18"')
    reloader = DataReloader(data, fallback_dir=fallback, settle_seconds=0)
    settings = dataclasses.replace(settings_for(api, state_dir), admin_ids=frozenset({ADMIN}))
    admin = api.user(ADMIN, "Curator", "en")
    api.send_text(admin, "hello", queue=False)  # the admin's chat exists before the bot starts
    async with running(build_application(settings, reloader, watch_seconds=0.2)):
        notice = (await api.reply(ADMIN, timeout=10))["text"]
        assert "the last good copy" in notice and "events.yaml:" in notice
        user = api.user(302, "Anne", "en")
        api.send_text(user, "films")
        assert OLD_TITLE in (await api.reply(302))["text"]
