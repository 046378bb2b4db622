"""Telegram misbehaves mid-conversation: the bot recovers, answers what comes next, loses nothing.

Extends test_resilience.py (429 and 500 on sendMessage, 500 on getUpdates, a slow chat, a 403)
with what it does not cover: a connection dropped in the middle of a long poll, a 429 and a
timeout on getUpdates, faults on button edits, callback answers and inline answers, and several
users through a run of faults. Each test sends N updates around the fault and expects N
answers, none twice. Last, calls whose outcome is unknown (a send cut off or timed out after it
went out, a callback answer whose response was lost): not repeated when that could show
something twice, no apology for an answer that may have arrived, and no ERROR in the log.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot.answering import Answerer
from bot.telegram.app import BotApp, build_application
from tests.botapi import BotApiServer
from tests.botapi.server import DROPPED

from .conftest import running, settings_for

SORRY = "Sorry, something went wrong"


@asynccontextmanager
async def quick_to_give_up(
    api: BotApiServer, answerer: Answerer, state_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[BotApp]:
    """The real bot with 1 s read timeouts (PTB's default is 5 s), so a timeout test is quick."""
    application = build_application(settings_for(api, state_dir), answerer, read_timeout=1.0)
    async with running(application) as app:
        yield app


def answered_once(api: BotApiServer, chat_id: int, count: int) -> None:
    messages = api.bot_messages(chat_id)
    assert len(messages) == count, [m.get("text", "")[:40] for m in messages]
    assert not any(SORRY in m.get("text", "") for m in messages)


# --------------------------------------------------------------------- getUpdates


async def test_a_connection_dropped_mid_poll_loses_no_update(
    api: BotApiServer, bot: BotApp
) -> None:
    user = api.user(601, "Aibek", "en")
    api.send_text(user, "films")
    api.send_text(user, "concerts")
    await api.replies(601, 2)

    polls = len(api.calls_to("getUpdates"))
    api.inject("getUpdates", drop=True)  # the next long poll collects updates, then breaks
    await api.wait_for(lambda: len(api.calls_to("getUpdates")) > polls, what="the poll in flight")
    api.send_text(user, "exhibitions")  # now the poll that will break is waiting
    api.send_text(user, "sport")
    await api.wait_for(
        lambda: any(c.status == DROPPED for c in api.calls_to("getUpdates")),
        what="the dropped poll",
    )
    api.send_text(user, "what happened in 2017")
    api.send_text(user, "/help")

    replies = await api.replies(601, 4, timeout=8)
    assert "Commands" in replies[-1]["text"]  # in order: /help was last
    await api.idle(0.3)
    answered_once(api, 601, 6)
    dropped = [c for c in api.calls_to("getUpdates") if c.status == DROPPED]
    assert [u["message"]["text"] for u in dropped[0].result] == ["exhibitions", "sport"]


async def test_429_on_get_updates_is_waited_out_and_nothing_is_lost(
    api: BotApiServer, bot: BotApp
) -> None:
    user = api.user(602, "Aibek", "en")
    api.inject("getUpdates", status=429, retry_after=1)
    started = time.monotonic()
    for text in ("films", "concerts", "sport"):
        api.send_text(user, text)
    await api.replies(602, 3, timeout=8)
    assert time.monotonic() - started >= 1.0  # it waited as Telegram asked
    assert 429 in [c.status for c in api.calls_to("getUpdates")]
    api.send_text(user, "exhibitions")  # and keeps answering afterwards
    await api.reply(602)
    await api.idle(0.3)
    answered_once(api, 602, 4)


async def test_a_get_updates_timeout_loses_nothing_and_answers_nothing_twice(
    api: BotApiServer, answerer: Answerer, state_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with quick_to_give_up(api, answerer, state_dir, monkeypatch):
        user = api.user(603, "Aibek", "en")
        api.send_text(user, "films")
        await api.reply(603)
        polls = len(api.calls_to("getUpdates"))
        api.inject("getUpdates", delay=2.5)  # longer than the bot waits (1 s + the 1 s poll)
        await api.wait_for(lambda: len(api.calls_to("getUpdates")) > polls, what="a poll")
        for text in ("concerts", "sport"):  # while the next poll stalls
            api.send_text(user, text)
        await api.replies(603, 2, timeout=10)
        assert api.faults[-1].times == 0  # the stalled poll did happen
        api.send_text(user, "exhibitions")
        await api.reply(603)
        await api.wait_for(  # the stalled poll's answer arrives late, to nobody
            lambda: len(api.calls_to("getUpdates")) > polls + 3, what="the stalled poll"
        )
        await api.idle(0.3)
        answered_once(api, 603, 4)
    assert api.errors == []


# --------------------------------------------------------------------- buttons and inline


async def test_faults_on_buttons_and_inline_answers_are_retried(
    api: BotApiServer, bot: BotApp
) -> None:
    user = api.user(604, "Aibek", "en")
    api.send_text(user, "all events")
    listing = await api.reply(604)

    api.inject("editMessageText", status=500)
    api.inject("answerCallbackQuery", status=429, retry_after=1)
    query_id = api.press_button(user, listing, "▶")
    assert "2/" in str((await api.edited(listing, timeout=6))["reply_markup"])
    await api.callback_answer(query_id, timeout=6)

    api.inject("editMessageText", drop=True)  # edited, then the connection broke
    listing = api.bot_messages(604)[0]
    query_id = api.press_button(user, listing, "▶")
    assert "3/" in str((await api.edited(listing, timeout=6))["reply_markup"])
    await api.callback_answer(query_id, timeout=6)
    # The retry finds the edit already made; the bot takes "not modified" as done.
    retried = [c for c in api.errors if c.method == "editMessageText"]
    assert all("not modified" in str(c.error) for c in retried)
    api.errors[:] = [c for c in api.errors if c not in retried]

    api.inject("answerInlineQuery", status=500)
    results = (await api.inline_answer(api.inline_query(user, "Centaur"), timeout=6))["results"]
    assert "2017-04-mooov-centaur" in [r["id"] for r in results]

    api.send_text(user, "films")  # and the chat goes on
    await api.reply(604)
    await api.idle(0.3)
    answered_once(api, 604, 2)


async def test_several_users_through_a_run_of_faults_each_get_every_answer(
    api: BotApiServer, bot: BotApp
) -> None:
    users = [api.user(610 + n, f"User{n}", ("en", "ru", "ky", "fr", "nl")[n]) for n in range(5)]
    api.inject("sendMessage", status=429, retry_after=1)
    api.inject("sendMessage", status=500, times=2)
    api.inject("getUpdates", drop=True)
    for round_ in range(3):
        for user in users:
            api.send_text(user, ("films", "2017", "concerts")[round_])
        await api.idle(0.1)
    for user in users:
        await api.replies(user["id"], 3, timeout=10)
    await api.idle(0.3)
    for user in users:
        answered_once(api, user["id"], 3)


# --------------------------------------------------------------------- unknown outcomes


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """The test's log at INFO and above (the error handler logs a failure at ERROR)."""
    with caplog.at_level(logging.INFO):
        yield caplog


def errors_in(logs: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in logs.records if r.levelno >= logging.ERROR]


def unknown_outcomes(logs: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """on_error's record of a send that may have arrived (it apologises for none of them)."""
    return [r for r in logs.records if "may have arrived" in r.getMessage()]


async def test_a_send_whose_connection_broke_is_not_shown_twice(
    api: BotApiServer, bot: BotApp, logs: pytest.LogCaptureFixture
) -> None:
    user = api.user(620, "Aibek", "en")
    api.inject("sendMessage", drop=True)
    api.send_text(user, "films")
    await api.reply(620)
    await api.idle(1.0)
    answered_once(api, 620, 1)
    assert [c.status for c in api.calls_to("sendMessage")] == [DROPPED]  # sent once, no retry
    assert errors_in(logs) == []
    assert [r.levelno for r in unknown_outcomes(logs)] == [logging.WARNING]
    api.send_text(user, "concerts")  # and the chat goes on
    await api.reply(620)
    answered_once(api, 620, 2)


async def test_a_send_that_timed_out_but_arrived_gets_no_apology(
    api: BotApiServer,
    answerer: Answerer,
    state_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    logs: pytest.LogCaptureFixture,
) -> None:
    async with quick_to_give_up(api, answerer, state_dir, monkeypatch):
        user = api.user(621, "Aibek", "en")
        api.inject("sendMessage", delay=1.5)
        api.send_text(user, "films")
        await api.replies(621, 1, timeout=5)
        await api.idle(1.0)
        answered_once(api, 621, 1)
        assert [r.levelno for r in unknown_outcomes(logs)] == [logging.WARNING]
        assert errors_in(logs) == []
    assert api.errors == []


async def test_a_callback_answer_whose_response_was_lost_is_not_an_error(
    api: BotApiServer, bot: BotApp, logs: pytest.LogCaptureFixture
) -> None:
    user = api.user(622, "Aibek", "en")
    api.send_text(user, "all events")
    listing = await api.reply(622)

    api.inject("answerCallbackQuery", drop=True)  # answered, then the connection broke
    query_id = api.press_button(user, listing, "▶")
    assert "2/" in str((await api.edited(listing, timeout=6))["reply_markup"])
    await api.callback_answer(query_id, timeout=6)
    await api.wait_for(lambda: len(api.calls_to("answerCallbackQuery")) >= 2, what="the retry")
    await api.idle(0.5)
    # The retry is refused as "query is too old": the first answer got through, so it is done.
    retried = [c for c in api.errors if c.method == "answerCallbackQuery"]
    assert len(retried) == 1 and "query is too old" in str(retried[0].error)
    api.errors[:] = [c for c in api.errors if c not in retried]
    assert errors_in(logs) == []
    assert len(api.calls_to("answerCallbackQuery")) == 2  # no apology tried on the same query
    answered_once(api, 622, 1)
