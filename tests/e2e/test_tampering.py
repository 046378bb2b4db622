"""Someone pokes at the bot: hand-made button data, deep links and inline queries.

Malformed, oversized, from another chat, or replayed after a data reload removed the event:
each gets a short notice (or an ordinary answer), never an exception, and nothing the bot sends
is refused by the fixture. The per-user limits are off here (LIMIT_USER_MESSAGES=0 and
LIMIT_USER_TAPS=0) so that one person can try many forgeries; test_abuse.py shows that forged
taps count like any other.
"""

from __future__ import annotations

import logging
import re
import shutil
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.answering import Answerer
from bot.config import Limits
from bot.paths import DEFAULT_DATA_DIR
from bot.reloading import DataReloader, ReloadStatus
from bot.telegram import callbacks as cb
from bot.telegram.app import BotApp, build_application
from tests.botapi import BotApiServer

from .conftest import running, settings_for

JSON = dict[str, Any]
STALE = "This button is out of date. Please ask again."
UNKNOWN_LINK = "That link leads to an event I don't know"
WELCOME = "I answer questions about the cultural"
AK_MARAL = "2015-06-ak-maral-bozar"
KALLENS = "2015-09-kallens-exhibition-ghent"
GROUP_ID = -1001234567890

# Callback data no button of the bot carries: each must decode to "stale" or name something
# that does not exist.
FORGED = [
    "",
    "hello",
    "1",
    "1|",
    "||||",
    f"0|e|en|{AK_MARAL}",  # an older layout version
    f"2|e|en|{AK_MARAL}",  # a newer one
    f"1|e|xx|{AK_MARAL}",  # a language the bot does not speak
    f"1|e|EN|{AK_MARAL}",
    "1|e|en|9999-99-no-such-event",  # well-formed, unknown
    "1|e|en|../../etc/passwd",
    f"1|e|en|{AK_MARAL}|extra",
    "1|e|en|2015-06-ак-марал",  # Cyrillic look-alike
    f"1|e|en|{AK_MARAL}\x00",
    "1|e|en|" + "a" * 100,  # over Telegram's 64 bytes
    "x" * 300,
    "1|p|en|1|-|not-a-real-token",
    "1|p|en|99999999|-|L",
    "1|p|en|-1|-|L",
    "1|p|en|1|?|L",
    "1|p|en|0|-|" + "A" * 48,
    "1|p|en|0|-|" + "é" * 20,
    "1|s|en|",
    "1|s|en|ZZZZZZ",
    "1|x|en|99",  # past the example questions (welcome and fallback ones)
    "1|x|en|-1",
    "1|x|en|99999999999999999999",
    "1|b|en|c|concrt",
    "1|b|en|t|atlantis",
    "1|b|en|y|20l5",
    "1|b|en|q|2015",
    "1|b|en|a|x",
    "1|m|en|q",
    "1|l|en|extra",
    "1|f|en|x",
    "1|n|x",
    "<b>1|e|en</b>",
    "1|e|en|%00",
]

# Well-formed data that asks for something odd: any answer will do, as long as nothing breaks.
ODD_BUT_VALID = [
    "1|n",
    "1|b|en|y|0015",
    "1|b|en|y|9999",
    "1|b|en|t|osh",  # a city without events
    "1|b|en|t|paris",
    "1|b|en|t|bozar",  # a venue, not a city
    "1|b|ky|c|sport",
    "1|x|en|0",
    "1|p|en|999|-|L",  # a page far past the end of a real token's answer
]

DEEP_LINKS = [
    "9999-99-no-such-event",
    f"{AK_MARAL}'--",
    "../../etc/passwd",
    "a" * 64,
    "<script>alert(1)</script>",
    "%00",
    AK_MARAL.upper(),
    "🎉",
    "start",
    "1|e|en|2015-06-ak-maral-bozar",
    "-",
]

INLINE_QUERIES = [
    "\x00\x01\x02\x1b[31m",
    "<b>unclosed <i>tags",
    "&amp; &lt; &#0; &",
    "\u202e\u200b\u200d\ufeff",
    " ",
    "@",
    AK_MARAL,
    "1|e|en|2015-06-ak-maral-bozar",
    "' OR 1=1 --",
    "🎻🏇🇰🇬🇧🇪",
    "concerts 0015 99999 " + "9" * 60,
    "концерты " * 28,  # 252 characters: near Telegram's 256
    "x" * 256,
]


@pytest.fixture
def no_errors_logged(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """No handler raised: the error handler logs every failure at ERROR."""
    with caplog.at_level(logging.WARNING):
        yield
    records = [*caplog.get_records("setup"), *caplog.get_records("call"), *caplog.records]
    failures = [r.getMessage() for r in records if r.levelno >= logging.ERROR]
    assert failures == []


@asynccontextmanager
async def unlimited(
    api: BotApiServer, data: Answerer | DataReloader, state_dir: Path
) -> AsyncIterator[BotApp]:
    """The real bot without the per-user limit; nothing it sent may have been refused."""
    settings = replace(settings_for(api, state_dir), limits=Limits(user_messages=0, user_taps=0))
    async with running(build_application(settings, data)) as app:
        yield app
    assert [f"{c.method}: {c.error}" for c in api.errors] == []


@pytest.fixture
async def bot_for_pokes(
    api: BotApiServer, answerer: Answerer, state_dir: Path, no_errors_logged: None
) -> AsyncIterator[BotApp]:
    async with unlimited(api, answerer, state_dir) as app:
        yield app


def token_of(message: JSON) -> str:
    """The replay token behind a message's ▶ button."""
    for button in BotApiServer.buttons(message):
        action = cb.decode(button.get("callback_data"))
        if isinstance(action, cb.ShowPage):
            return action.token
    raise AssertionError("no page button")


# --------------------------------------------------------------------- callback data


async def test_forged_button_data_gets_a_short_notice_and_changes_nothing(
    api: BotApiServer, bot_for_pokes: BotApp
) -> None:
    user = api.user(501, "Poker", "en")
    api.send_text(user, "/events")
    menu = await api.reply(501)
    for data in FORGED:
        query_id = api.press(user, menu, data)
        answer = await api.callback_answer(query_id)
        assert answer.get("text") == STALE, data
    await api.idle(0.3)
    assert api.bot_messages(501) == [menu]  # not edited, nothing new sent


async def test_odd_but_well_formed_button_data_is_answered(
    api: BotApiServer, bot_for_pokes: BotApp
) -> None:
    user = api.user(502, "Poker", "en")
    api.send_text(user, "all events")
    listing = await api.reply(502)
    real_token = token_of(listing)
    for data in ODD_BUT_VALID:
        data = data.replace("|L", f"|{real_token}")
        query_id = api.press(user, api.bot_messages(502)[0], data)
        answer = await api.callback_answer(query_id)
        assert len(answer.get("text") or "") <= 200, data
    await api.idle(0.3)
    for message in api.bot_messages(502):
        assert message["text"].strip()


async def test_a_button_pressed_in_another_chat_works_there_and_only_there(
    api: BotApiServer, bot_for_pokes: BotApp, answerer: Answerer
) -> None:
    """A forwarded message keeps its buttons: they carry all they need, nothing of the sender."""
    alice, bob = api.user(503, "Alice", "en"), api.user(504, "Bob", "ru")
    api.send_text(alice, "all events")
    listing = await api.reply(503)
    api.send_text(bob, "/help")
    bobs_message = await api.reply(504)

    open_card = next(
        b["callback_data"] for b in api.buttons(listing) if b["callback_data"].startswith("1|e|")
    )
    next_page = next(b["callback_data"] for b in api.buttons(listing) if b["text"] == "▶")
    assert (await api.callback_answer(api.press(bob, bobs_message, open_card))).get("text") is None
    card = await api.reply(504)
    event = answerer.catalog.event(open_card.split("|")[-1])
    assert event is not None and event.title["en"] in card["text"]  # in Bob's chat, in English
    await api.callback_answer(api.press(bob, bobs_message, next_page))
    paged = await api.edited(bobs_message)
    assert "2/" in str(paged["reply_markup"])  # page 2 of Alice's list, in Bob's message

    group = api.group_chat(GROUP_ID)
    api.send_text(alice, f"@{api.username} films", chat=group)
    in_group = await api.reply(GROUP_ID)
    stranger = api.user(505, "Stranger", "nl")  # anyone in a group may tap the bot's buttons
    group_card = next(b["callback_data"] for b in api.buttons(in_group))
    await api.callback_answer(api.press(stranger, in_group, group_card))
    assert (await api.reply(GROUP_ID))["text"]

    assert api.bot_messages(503) == [listing]  # Alice's chat is untouched


async def test_a_button_without_a_message_gets_the_notice(
    api: BotApiServer, bot_for_pokes: BotApp
) -> None:
    """An inline-mode message (inline_message_id, no message): the bot has nothing to edit."""
    user = api.user(506, "Poker", "en")
    api.send_text(user, "/start")  # the fixture knows the chat only once the user wrote
    await api.reply(506)
    for number, data in enumerate([f"1|e|en|{AK_MARAL}", "1|b|en|a|", "1|f|en", "1|n"]):
        api._push(
            {
                "callback_query": {
                    "id": f"forged{number}",
                    "from": user,
                    "inline_message_id": "AAAAAQAAAAE",
                    "chat_instance": "ci-inline",
                    "data": data,
                }
            }
        )
        answer = await api.callback_answer(f"forged{number}")
        assert answer.get("text") in (STALE, None), data
    await api.idle(0.3)
    assert len(api.bot_messages(506)) == 1


# --------------------------------------------------------------------- deep links


async def test_hand_made_deep_links_get_the_unknown_link_notice_and_the_welcome(
    api: BotApiServer, bot_for_pokes: BotApp
) -> None:
    user = api.user(510, "Poker", "en")
    for payload in DEEP_LINKS:
        api.send_text(user, f"/start {payload}")
        notice, welcome = await api.replies(510, 2)
        assert notice["text"].startswith(UNKNOWN_LINK), payload
        assert WELCOME in welcome["text"]

    api.send_text(user, f"/start {AK_MARAL}")  # the real one still opens the card
    card = await api.reply(510)
    assert "Ak Maral" in card["text"] or "Ак Марал" in card["text"]


async def test_an_oversized_deep_link_is_a_short_notice(
    api: BotApiServer, bot_for_pokes: BotApp
) -> None:
    user = api.user(511, "Poker", "en")
    # Telegram caps payloads at 64 characters; the bot does not rely on it.
    api.send_text(user, "/start " + "a" * 4000)
    assert "sentence or two" in (await api.reply(511))["text"]
    api.send_text(user, "/start " + "b" * 900)
    notice, _ = await api.replies(511, 2)
    assert notice["text"].startswith(UNKNOWN_LINK)


async def test_a_deep_link_in_a_group_is_quoted(api: BotApiServer, bot_for_pokes: BotApp) -> None:
    group = api.group_chat(GROUP_ID)
    member = api.user(512, "Member", "en")
    asked = api.send_text(member, f"/start@{api.username} no-such-event", chat=group)
    notice, _ = await api.replies(GROUP_ID, 2)
    assert notice["text"].startswith(UNKNOWN_LINK)
    assert notice["reply_to_message"]["message_id"] == asked["message_id"]


# --------------------------------------------------------------------- inline queries


async def test_hand_made_inline_queries_are_answered(
    api: BotApiServer, bot_for_pokes: BotApp
) -> None:
    user = api.user(520, "Poker", "en")
    for number, text in enumerate(INLINE_QUERIES):
        chat_type = ("sender", "private", "group", "supergroup", "channel")[number % 5]
        answer = await api.inline_answer(api.inline_query(user, text, chat_type))
        assert isinstance(answer["results"], list), text
        for result in answer["results"]:
            assert result["title"].strip()


async def test_an_oversized_inline_query_is_answered(
    api: BotApiServer, bot_for_pokes: BotApp
) -> None:
    """Telegram caps inline queries at 256 characters; a forged one may be longer."""
    user = api.user(521, "Poker", "en")
    for text in ("concerts " * 500, "а" * 4096, "<" * 5000):
        answer = await api.inline_answer(api.inline_query(user, text))
        assert isinstance(answer["results"], list)


# --------------------------------------------------------------------- after a reload


def remove_events(events: Path, *event_ids: str) -> None:
    """Delete whole `- id:` blocks from events.yaml, as a curator would."""
    lines = events.read_text(encoding="utf-8").splitlines(keepends=True)
    kept: list[str] = []
    dropping = False
    for line in lines:
        if line.startswith("  - id: ") or re.match(r"[a-z_]+:", line):
            dropping = line.startswith("  - id: ") and line.split(": ", 1)[1].strip() in event_ids
        if not dropping:
            kept.append(line)
    events.write_text("".join(kept), encoding="utf-8")


async def test_buttons_links_and_inline_results_after_a_reload_removed_the_event(
    api: BotApiServer, state_dir: Path, tmp_path: Path, no_errors_logged: None
) -> None:
    data = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, data)
    reloader = DataReloader(data, settle_seconds=0)
    user = api.user(530, "Curious", "en")
    async with unlimited(api, reloader, state_dir):
        api.send_text(user, "exhibitions")
        exhibitions = await api.reply(530)
        open_kallens = f"1|e|en|{KALLENS}"
        assert open_kallens in str(exhibitions["reply_markup"])
        api.send_text(user, "all events")
        listing = await api.reply(530)
        api.press_button(user, listing, "▶")
        listing = await api.edited(listing)
        api.press_button(user, listing, "▶")
        last_page = await api.edited(listing)  # page 3 of 3
        assert "3/3" in str(last_page["reply_markup"])
        cached = (await api.inline_answer(api.inline_query(user, "Kallens")))["results"]
        assert KALLENS in [r["id"] for r in cached]

        remove_events(data / "events.yaml", KALLENS)
        assert reloader.reload().status is ReloadStatus.RELOADED
        assert reloader.current.catalog.event(KALLENS) is None

        query_id = api.press(user, exhibitions, open_kallens)  # the old button
        assert (await api.callback_answer(query_id)).get("text") == STALE
        api.send_text(user, f"/start {KALLENS}")  # an old shared link
        notice, _ = await api.replies(530, 2)
        assert notice["text"].startswith(UNKNOWN_LINK)
        results = (await api.inline_answer(api.inline_query(user, "Kallens")))["results"]
        assert KALLENS not in [r["id"] for r in results]
        api.send_text(user, "exhibitions")
        assert KALLENS not in str((await api.reply(530))["reply_markup"])

        # Most events gone: the old "page 3 of 3" buttons ask for pages that no longer exist.
        keep = {"2012-10-liege-delegation", AK_MARAL, "2017-04-mooov-centaur"}
        remove_events(
            data / "events.yaml",
            *(e.id for e in reloader.current.catalog.events if e.id not in keep),
        )
        assert reloader.reload().status is ReloadStatus.RELOADED
        assert len(reloader.current.catalog.events) == 3
        query_id = api.press_button(user, last_page, "◀")
        answer = await api.callback_answer(query_id)
        assert answer.get("text") in (None, STALE)
        shown = api.bot_messages(530)[1]
        for button in api.buttons(shown):
            action = cb.decode(button["callback_data"])
            if isinstance(action, cb.OpenCard):
                assert action.event_id in keep  # nothing removed is offered any more
