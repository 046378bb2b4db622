"""Follow-ups over the real Application and the local Bot API: the bot remembers what it just
said, per chat and per user, per bot message, and forgets after a while of silence."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.answering import Answerer
from bot.catalog.model import LANGUAGES
from bot.rendering.html import DEFAULT_PAGE_SIZE
from bot.telegram.app import BotApp, build_application
from tests.botapi import BotApiServer

from .conftest import running, settings_for

JSON = dict[str, Any]
GROUP_ID = -1001234567890


class Clock:
    """The store's clock, moved on by the test instead of sleeping."""

    def __init__(self) -> None:
        self.now = 10_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def talking_bot(
    api: BotApiServer, answerer: Answerer, state_dir: Path, clock: Clock
) -> AsyncIterator[BotApp]:
    application = build_application(settings_for(api, state_dir), answerer, clock=clock)
    async with running(application) as app:
        yield app
    assert [f"{c.method}: {c.error}" for c in api.errors] == []


def event_buttons(api: BotApiServer, message: JSON) -> list[str]:
    return [
        b["callback_data"].split("|")[-1]
        for b in api.buttons(message)
        if b.get("callback_data", "").startswith("1|e|")
    ]


def first_line(message: JSON) -> str:
    return str(message["text"]).splitlines()[0]


def shown_events(api: BotApiServer, message: JSON, answerer: Answerer) -> set[str]:
    """The events a reply shows: a list's event buttons, or the one event of a card (its title
    is the card's first line)."""
    listed = event_buttons(api, message)
    if listed:
        return set(listed)
    title = first_line(message)
    return {
        e.id
        for e in answerer.catalog.events
        if any(e.title_in(lang) == title for lang in LANGUAGES)
    }


async def test_a_private_follow_up_keeps_the_kind_and_picks_from_the_list(
    api: BotApiServer, talking_bot: BotApp, answerer: Answerer
) -> None:
    user = api.user(301, "Aizada", "ru")
    api.send_text(user, "концерты в 2015")
    listed = event_buttons(api, await api.reply(301))
    assert set(listed) == set(answerer.answer("концерты в 2015").event_ids)

    api.send_text(user, "а в 2016?")
    again = await api.reply(301)
    assert shown_events(api, again, answerer) == set(answerer.answer("концерты в 2016").event_ids)

    api.send_text(user, "концерты в 2015")
    shown = event_buttons(api, await api.reply(301))
    api.send_text(user, "подробнее о втором")
    card = await api.reply(301)
    second = answerer.catalog.event(shown[1])
    assert second is not None
    assert second.title["ru"] in card["text"]

    api.send_text(user, "кто организовал?")
    organisers = await api.reply(301)
    assert second.title["ru"] in organisers["text"]
    assert first_line(organisers).startswith(("Организаторы", "В источнике"))
    assert event_buttons(api, organisers) == [second.id]  # the full card is one tap away


async def test_more_pages_through_the_last_list_then_says_that_is_all(
    api: BotApiServer, talking_bot: BotApp, answerer: Answerer
) -> None:
    everything = answerer.answer("all events").event_ids
    pages = -(-len(everything) // DEFAULT_PAGE_SIZE)
    assert pages >= 2
    user = api.user(302, "Koen", "nl")
    api.send_text(user, "alle evenementen")
    seen = list(event_buttons(api, await api.reply(302)))
    for _ in range(pages - 1):
        api.send_text(user, "meer")
        seen += event_buttons(api, await api.reply(302))
    assert seen == list(everything)  # every event once, in the order of the list
    api.send_text(user, "meer")
    done = await api.reply(302)
    assert str(len(everything)) in done["text"] and event_buttons(api, done) == []


async def test_a_group_reply_to_an_older_bot_message_takes_that_messages_context(
    api: BotApiServer, talking_bot: BotApp, answerer: Answerer
) -> None:
    group = api.group_chat(GROUP_ID)
    host = api.user(303, "Nurlan", "en")
    api.send_text(host, f"@{api.username} concerts in 2015", chat=group)
    concerts = await api.reply(GROUP_ID)
    api.send_text(host, f"@{api.username} what happened in 2017", chat=group)
    await api.reply(GROUP_ID)  # a later answer the reply below must not follow

    api.send_text(host, "the second one", chat=group, reply_to=concerts)
    card = await api.reply(GROUP_ID)
    second = answerer.catalog.event(event_buttons(api, concerts)[1])
    assert second is not None
    assert second.title["en"] in card["text"]


async def test_in_a_group_each_user_has_their_own_conversation(
    api: BotApiServer, talking_bot: BotApp, answerer: Answerer
) -> None:
    group = api.group_chat(GROUP_ID)
    aibek = api.user(304, "Aibek", "en")
    sofie = api.user(305, "Sofie", "en")
    api.send_text(aibek, f"@{api.username} concerts in 2015", chat=group)
    await api.reply(GROUP_ID)
    api.send_text(sofie, f"@{api.username} films", chat=group)
    await api.reply(GROUP_ID)
    api.send_text(aibek, f"@{api.username} and in 2016?", chat=group)
    answer = await api.reply(GROUP_ID)
    assert shown_events(api, answer, answerer) == set(answerer.answer("concerts 2016").event_ids)


async def test_a_group_reply_that_asks_nothing_gets_no_answer(
    api: BotApiServer, talking_bot: BotApp
) -> None:
    group = api.group_chat(GROUP_ID)
    guest = api.user(306, "Camille", "fr")
    api.send_text(guest, f"@{api.username} concerts à Bruxelles", chat=group)
    answer = await api.reply(GROUP_ID)
    for chatter in ("haha", "👍", "merci"):
        api.send_text(guest, chatter, chat=group, reply_to=answer)
    asked = api.send_text(guest, "et en 2016 ?", chat=group, reply_to=answer)
    next_reply = await api.reply(GROUP_ID)
    # Updates of one chat are handled in order: the first reply after the chatter is this one.
    assert next_reply["reply_to_message"]["message_id"] == asked["message_id"]


async def test_the_context_expires_after_the_silence(
    api: BotApiServer, talking_bot: BotApp, clock: Clock
) -> None:
    user = api.user(307, "Aida", "en")
    api.send_text(user, "what happened in 2015")
    await api.reply(307)
    clock.now += 29 * 60
    api.send_text(user, "the second one")
    assert event_buttons(api, await api.reply(307)) == []  # a card: no event buttons
    clock.now += 31 * 60
    api.send_text(user, "the third one")
    which_one = await api.reply(307)
    assert "Which one" in which_one["text"]
    assert len(which_one["text"]) < 200
    examples = [b for b in api.buttons(which_one) if b["callback_data"].startswith("1|x|")]
    assert len(examples) == 3  # the way on: example questions to tap


async def test_the_fallback_offers_examples_that_vary(
    api: BotApiServer, talking_bot: BotApp
) -> None:
    user = api.user(308, "Bakyt", "ky")
    offered: set[str] = set()
    for _ in range(6):
        api.send_text(user, "аба ырайы кандай?")  # the weather: out of scope
        reply = await api.reply(308)
        labels = [b["text"] for b in api.buttons(reply)]
        assert len(labels) == 3
        assert all(any("\u0400" <= ch <= "\u04ff" for ch in label) for label in labels)
        offered.update(labels)
    assert len(offered) > 3
