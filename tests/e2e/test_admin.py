"""The missed-question log and the admin commands: /missed and /stats work for ADMIN_IDS and
for no one else, and the log never holds who asked."""

from __future__ import annotations

import dataclasses
import shutil
import sqlite3
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.answering import Answerer
from bot.paths import DEFAULT_DATA_DIR
from bot.reloading import DataReloader
from bot.rendering import texts
from bot.telegram.app import BotApp, build_application
from tests.botapi import BotApiServer

from .conftest import running, settings_for

ADMIN = 7_700_001
USER = 7_650_432
USER_NAME = "Zhyldyzbek"
GROUP = -1_009_876_543_210


@pytest.fixture
async def admin_bot(
    api: BotApiServer, answerer: Answerer, state_dir: Path
) -> AsyncIterator[BotApp]:
    settings = dataclasses.replace(settings_for(api, state_dir), admin_ids=frozenset({ADMIN}))
    async with running(build_application(settings, answerer)) as app:
        yield app
    assert api.errors == []


def rows(state_dir: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(state_dir / "missed.sqlite3") as db:
        return db.execute("SELECT * FROM questions").fetchall()


async def ask(api: BotApiServer, user: dict[str, Any], question: str) -> dict[str, Any]:
    api.send_text(user, question)
    return await api.reply(user["id"])


async def recorded(api: BotApiServer, state_dir: Path, count: int) -> None:
    """The record is written just after the reply is sent: wait for it."""
    await api.wait_for(lambda: len(rows(state_dir)) >= count, what=f"{count} recorded questions")


async def test_admins_see_grouped_misses_and_stats(
    api: BotApiServer, admin_bot: BotApp, state_dir: Path
) -> None:
    user = api.user(USER, USER_NAME, "en")
    questions = [
        "Who won the football world cup?",
        "who won the football world cup",
        "Who won the world cup in football?",
        "concerts in Paris",
        "концерты в Париже",
        "films",
        "hello",
    ]
    for question in questions:
        await ask(api, user, question)
    await recorded(api, state_dir, len(questions))

    admin = api.user(ADMIN, "Curator", "en")
    missed = (await ask(api, admin, "/missed"))["text"]
    lines = missed.splitlines()
    assert lines[0] == "Most asked unanswered questions, last 30 days:"
    assert lines[1].startswith("1. 3× “") and "football" in lines[1] and "2 wordings" in lines[1]
    assert any("Paris" in line or "Париже" in line for line in lines[2:])
    assert not any("films" in line or "hello" in line for line in lines)  # answered, small talk

    stats = (await ask(api, admin, "/stats"))["text"]
    assert stats.startswith("Last 14 days: 7 messages, 17% of 6 questions answered")
    assert "By language: en" in stats and "ru 1" in stats
    assert "out_of_scope 3" in stats

    # Admin commands are not questions: the log still holds the seven typed ones.
    assert len(rows(state_dir)) == len(questions)


async def test_an_admin_whose_telegram_speaks_russian_gets_the_admin_replies_in_russian(
    api: BotApiServer, admin_bot: BotApp, state_dir: Path
) -> None:
    user = api.user(USER, USER_NAME, "en")
    for question in ("Who won the football world cup?", "films", "hello"):
        await ask(api, user, question)
    await recorded(api, state_dir, 3)

    # A language the bot does not speak: English.
    german = api.user(ADMIN, "Kurator", "de")
    assert (await ask(api, german, "/missed"))["text"].startswith("Most asked unanswered")

    admin = api.user(ADMIN, "Куратор", "ru")
    stats = (await ask(api, admin, "/stats"))["text"].splitlines()
    assert stats[0].startswith("За последние 14 дн.: сообщений — 3, отвечено 50% вопросов")
    assert "По дням:" in stats
    assert any(line.endswith("3 (без ответа: 1)") and line[:4].isdigit() for line in stats)
    assert stats[-2] == "По языкам: en 3 (100%)"
    by_intent = stats[-1].removeprefix("По типам вопросов: ").split(", ")
    assert sorted(by_intent) == ["greeting 1 (33%)", "list 1 (33%)", "out_of_scope 1 (33%)"]
    missed = (await ask(api, admin, "/missed 7"))["text"].splitlines()
    assert missed[0] == "Вопросы без ответа, которые задавали чаще всего, за последние 7 дн.:"
    assert missed[1].startswith("1. 1× «Who won the football world cup?» (en, out_of_scope;")
    fixed = (await ask(api, admin, "/reload"))["text"]
    assert fixed == "Бот работает на неизменяемых данных: перезагружать нечего."

    # The /lang choice wins over Telegram's language, as for every other reply.
    api.send_text(admin, "/lang")
    picker = await api.reply(ADMIN)
    api.press_button(admin, picker, "Français")
    await api.edited(picker)
    assert (await ask(api, admin, "/stats"))["text"].startswith(
        "Ces 14 derniers jours\u202f: 3 messages"
    )


async def test_a_broken_edit_reaches_each_admin_in_their_language(
    api: BotApiServer, tmp_path: Path, state_dir: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, data)
    kyrgyz, english = 7_700_101, 7_700_102
    settings = dataclasses.replace(
        settings_for(api, state_dir), admin_ids=frozenset({kyrgyz, english})
    )
    reloader = DataReloader(data, settle_seconds=0)
    async with running(build_application(settings, reloader, watch_seconds=0.2)):
        first = (await ask(api, api.user(kyrgyz, "Айгүл", "ky"), "/stats"))["text"]
        assert first.startswith("Акыркы 14 күндө суроо болгон жок.")
        await ask(api, api.user(english, "Curator", "en"), "/start")

        events = data / "events.yaml"
        text = events.read_text(encoding="utf-8")
        time.sleep(0.02)  # a new mtime even on a coarse clock
        events.write_text(text.replace('start: "2017-04-18"', 'start: "2017-13-18"', 1))
        notice = (await api.reply(kyrgyz, timeout=10))["text"]
        assert notice.startswith("Маалыматта каталар бар (1). Бот азырынча мурунку маалымат")
        assert "events.yaml:" in notice
        notice = (await api.reply(english, timeout=10))["text"]
        assert notice.startswith("The data has problems (1). The bot is still answering")
    assert api.errors == []


async def test_an_admin_who_chose_russian_before_a_restart_gets_broken_data_notices_in_russian(
    api: BotApiServer, tmp_path: Path, state_dir: Path
) -> None:
    """Regression: the notices found the saved /lang choices only after the admin's first
    admin command, so after a restart they came in English (Telegram's language here)."""
    data = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, data)
    settings = dataclasses.replace(settings_for(api, state_dir), admin_ids=frozenset({ADMIN}))
    admin = api.user(ADMIN, "Curator", "en")
    async with running(build_application(settings, DataReloader(data, settle_seconds=0))):
        assert (await ask(api, admin, "/lang ru"))["text"].startswith("Готово")

    reloader = DataReloader(data, settle_seconds=0)  # the restart: nothing said to it since
    async with running(build_application(settings, reloader, watch_seconds=0.2)):
        events = data / "events.yaml"
        text = events.read_text(encoding="utf-8")
        time.sleep(0.02)  # a new mtime even on a coarse clock
        events.write_text(text.replace('start: "2017-04-18"', 'start: "2017-13-18"', 1))
        notice = (await api.reply(ADMIN, timeout=10))["text"].splitlines()[0]
    count = len(reloader.current.catalog.events)
    russian = texts(reloader.current.catalog, "ru").get("tg_reload_invalid", count=1, events=count)
    english = texts(reloader.current.catalog, "en").get("tg_reload_invalid", count=1, events=count)
    assert notice == russian != english
    assert api.errors == []


async def test_everyone_else_gets_the_unknown_command_reply(
    api: BotApiServer, admin_bot: BotApp, state_dir: Path
) -> None:
    user = api.user(USER, USER_NAME, "ru")
    unknown = (await ask(api, user, "/nosuchcommand"))["text"]
    assert USER_NAME in unknown  # the welcome, which lists what the bot can do
    for command in ("/missed", "/stats", "/reload", "/missed 90"):
        reply = await ask(api, user, command)
        assert reply["text"] == unknown, command

    # An admin's /missed in a group stays silent, like any command the group does not have:
    # what people asked is for the curators, not the group.
    admin = api.user(ADMIN, "Curator", "en")
    api.send_text(admin, "/missed", chat=api.group_chat(GROUP))
    await api.idle(0.5)
    assert api.bot_messages(GROUP) == []


async def test_buttons_and_inline_queries_are_not_recorded_and_no_identity_is_kept(
    api: BotApiServer, admin_bot: BotApp, state_dir: Path
) -> None:
    user = api.user(USER, USER_NAME, "fr")
    welcome = await ask(api, user, "/start")
    api.press(user, welcome, api.buttons(welcome)[0]["callback_data"])  # an example question
    await api.reply(USER)
    await api.inline_answer(api.inline_query(user, "football"))
    await ask(api, user, "Qui a gagné la coupe du monde de football ?")
    api.send_text(
        user, f"@{api.username} who won the football world cup", chat=api.group_chat(GROUP)
    )
    await api.reply(GROUP)
    await recorded(api, state_dir, 2)
    await api.idle(0.3)

    stored = rows(state_dir)
    assert len(stored) == 2  # the typed question and the group mention; no button, no inline
    with sqlite3.connect(state_dir / "missed.sqlite3") as db:
        columns = {row[1] for row in db.execute("PRAGMA table_info(questions)")}
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    assert columns == {
        "asked_at",
        "language",
        "intent",
        "matched",
        "confidence",
        "answered",
        "text",
    }
    assert tables == {"questions", "questions_asked_at"}
    dump = repr(stored)
    for identity in (str(USER), USER_NAME, str(GROUP), str(abs(GROUP)), api.username):
        assert identity not in dump
    assert any("coupe du monde" in str(row) for row in stored)
