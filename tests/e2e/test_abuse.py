"""Someone floods the bot, a group gets busy, a message is a pasted essay: limits hold, politely.

The sliding window is tested on its own with a fake clock; the rest runs the real Application
against the local Bot API fixture, with small windows so the tests stay fast.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

from bot.answering import Answerer
from bot.catalog import load_catalog
from bot.catalog.model import LANGUAGES, Catalog
from bot.config import Limits, Settings
from bot.paths import DEFAULT_DATA_DIR
from bot.rendering import texts
from bot.telegram.app import BotApp, build_application
from bot.telegram.limits import SWEEP_AT, SlidingWindow, Verdict
from tests.botapi import BotApiServer

from .conftest import running, settings_for

JSON = dict[str, Any]
GROUP_ID = -1001234567890


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@asynccontextmanager
async def limited(
    api: BotApiServer, answerer: Answerer, state_dir: Path, **limits: Any
) -> AsyncIterator[BotApp]:
    """The real bot with the given limits; at the end, nothing it sent may have been refused."""
    settings = replace(settings_for(api, state_dir), limits=Limits(**limits))
    async with running(build_application(settings, answerer)) as app:
        yield app
    assert [f"{c.method}: {c.error}" for c in api.errors] == []


def texts_in(api: BotApiServer, chat_id: int) -> list[str]:
    return [m.get("text", "") for m in api.bot_messages(chat_id)]


@cache
def catalog() -> Catalog:
    """The real data/, whose data/locales/telegram words the notices."""
    return load_catalog(DEFAULT_DATA_DIR)


def slow_down(language: str, key: str = "tg_slow_down") -> str:
    """The fixed first words of the notice (before its {seconds})."""
    return texts(catalog(), language).get(key).split("{")[0][:30]


# --------------------------------------------------------------------- the window on its own


def test_the_window_allows_the_limit_then_one_notice_then_silence_then_again() -> None:
    clock = FakeClock()
    window = SlidingWindow(10, 10.0, clock)
    verdicts = []
    for _ in range(14):
        verdicts.append(window.hit(7))
        clock.now += 0.1
    assert verdicts == [Verdict.ALLOW] * 10 + [Verdict.NOTICE] + [Verdict.SILENT] * 3
    assert 8.5 < window.retry_in(7) <= 10.0
    clock.now += window.retry_in(7)  # the first question leaves the window
    assert window.hit(7) is Verdict.ALLOW
    assert window.hit(7) is Verdict.NOTICE  # a new spell gets its own single notice
    assert window.hit(8) is Verdict.ALLOW  # others are not affected


def test_refused_hits_do_not_extend_the_wait() -> None:
    """Typing on while refused does not lock the user out for longer than the window."""
    clock = FakeClock()
    window = SlidingWindow(2, 1.0, clock)
    assert [window.hit(1), window.hit(1)] == [Verdict.ALLOW, Verdict.ALLOW]
    for _ in range(50):
        clock.now += 0.019
        assert window.hit(1) is not Verdict.ALLOW
    clock.now += 0.1
    assert window.hit(1) is Verdict.ALLOW


def test_zero_turns_a_limit_off() -> None:
    window = SlidingWindow(0, 10.0, FakeClock())
    assert all(window.hit(1) is Verdict.ALLOW for _ in range(1000))
    assert window.tracked() == 0


def test_idle_users_are_forgotten() -> None:
    clock = FakeClock()
    window = SlidingWindow(3, 10.0, clock)
    for user in range(SWEEP_AT + 10):
        window.hit(user)
    assert window.tracked() == SWEEP_AT + 10
    clock.now += 11
    window.hit(-1)
    assert window.tracked() == 1


def test_limits_come_from_the_environment_with_defaults() -> None:
    assert Settings.from_env({}, env_file=None).limits == Limits()
    assert Limits() == Limits(10, 10.0, 20, 60.0, 20, 10.0, 1000, 30)
    settings = Settings.from_env(
        {
            "LIMIT_USER_MESSAGES": "5",
            "LIMIT_USER_SECONDS": "2.5",
            "LIMIT_GROUP_ANSWERS": "0",
            "LIMIT_INLINE_QUERIES": "many",
            "LIMIT_INLINE_SECONDS": "-1",
            "LIMIT_MESSAGE_CHARS": "500",
            "LIMIT_USER_TAPS": "40",
        },
        env_file=None,
    )
    assert settings.limits == Limits(5, 2.5, 0, 60.0, 20, 10.0, 500, 40)
    assert settings.problems == (
        "LIMIT_INLINE_QUERIES should be a whole number, 0 for no limit (got 'many')",
        "LIMIT_INLINE_SECONDS should be a number of seconds above 0 (got '-1')",
    )


def test_every_limit_is_documented_in_env_example() -> None:
    example = (Path(__file__).parents[2] / ".env.example").read_text(encoding="utf-8")
    for name in Limits.__dataclass_fields__:
        assert f"LIMIT_{name.upper()}=" in example


def test_the_notices_exist_in_all_five_languages_with_their_placeholder() -> None:
    assert set(LANGUAGES) == {"en", "ru", "ky", "fr", "nl"}
    for key, placeholder in (
        ("tg_slow_down", "{seconds}"),
        ("tg_slow_down_taps", "{seconds}"),
        ("tg_too_long", "{limit}"),
    ):
        worded = {catalog().locales[language][key] for language in LANGUAGES}
        assert len(worded) == len(LANGUAGES)  # each language its own words
        assert all(placeholder in text for text in worded)


# --------------------------------------------------------------------- one user


async def test_the_default_limit_answers_ten_then_one_notice_then_silence(
    api: BotApiServer, bot: BotApp
) -> None:
    user = api.user(401, "Айгүл", "ky")
    for n in range(14):
        api.send_text(user, f"концерты {2015 + n % 3}")
    replies = await api.replies(401, 11)
    assert slow_down("ky") in replies[10]["text"]
    await api.idle(0.5)
    assert len(api.bot_messages(401)) == 11  # 10 answers, one notice, then silence
    assert all(slow_down("ky") not in r["text"] for r in replies[:10])


async def test_after_the_window_the_user_is_answered_again(
    api: BotApiServer, answerer: Answerer, state_dir: Path
) -> None:
    async with limited(api, answerer, state_dir, user_messages=3, user_seconds=1.5):
        user = api.user(402, "Marie", "fr")
        for _ in range(8):
            api.send_text(user, "concerts à Bruxelles")
        replies = await api.replies(402, 4)
        notice = replies[3]["text"]
        assert notice.startswith(slow_down("fr"))
        assert any(f" {n}\u00a0s" in notice for n in (1, 2))  # how long, honestly (no-break)
        await api.idle(0.3)
        assert len(api.bot_messages(402)) == 4

        await api.idle(1.5)  # the window has passed
        api.send_text(user, "films")
        assert "2017-04-mooov-centaur" in str((await api.reply(402))["reply_markup"])

        other = api.user(403, "Sofie", "nl")  # never limited by someone else's flood
        api.send_text(other, "films")
        assert (await api.reply(403))["text"]


async def test_button_taps_have_their_own_window_and_a_flood_of_them_gets_one_toast(
    api: BotApiServer, answerer: Answerer, state_dir: Path
) -> None:
    # Changed: taps used to share the window with typed questions (user_messages).
    async with limited(api, answerer, state_dir, user_messages=1, user_taps=2, user_seconds=30):
        user = api.user(404, "Emil", "en")
        api.send_text(user, "/events")  # the one typed message the window allows
        menu = await api.reply(404)
        first = api.press_button(user, menu, "By year")  # tap 1
        assert "text" not in await api.callback_answer(first)
        menu = await api.edited(menu)
        second = api.press_button(user, menu, "Menu")  # tap 2
        assert "text" not in await api.callback_answer(second)
        menu = await api.edited(menu)
        third = api.press_button(user, menu, "By city")  # over the limit: a toast
        fourth = api.press_button(user, menu, "By city")  # then an empty answer
        toast = await api.callback_answer(third)
        assert toast["text"].startswith(slow_down("en", "tg_slow_down_taps"))
        assert "question" not in toast["text"]
        assert "text" not in await api.callback_answer(fourth)  # answered, so no spinner
        await api.idle(0.3)
        assert api.bot_messages(404) == [menu]  # not edited again, nothing sent
        assert len(api.bot_messages(404)) == 1


async def test_paging_through_menus_twenty_times_is_never_called_a_flood(
    api: BotApiServer, bot: BotApp
) -> None:
    user = api.user(405, "Dana", "ru")
    api.send_text(user, "/events")
    menu = await api.reply(405)
    for n in range(20):  # the default limits: 10 questions, but 30 taps
        label = "По году" if n % 2 == 0 else "Меню"
        tapped = api.press_button(user, menu, label)
        answered = await api.callback_answer(tapped)
        assert "text" not in answered, answered  # no "too many questions" toast
        menu = await api.edited(menu)
    api.send_text(user, "концерты")  # typed questions still have their own room
    assert "2015-06-ak-maral-bozar" in str((await api.reply(405))["reply_markup"])


# --------------------------------------------------------------------- groups


async def test_a_busy_group_gets_its_answers_then_silence(
    api: BotApiServer, answerer: Answerer, state_dir: Path
) -> None:
    async with limited(api, answerer, state_dir, group_answers=3, group_seconds=60):
        group = api.group_chat(GROUP_ID)
        people = [api.user(410 + n, f"Guest{n}", "en") for n in range(5)]
        for person in people:  # chatter not addressed to the bot is not counted
            api.send_text(person, "hello everyone, concerts tonight!", chat=group)
        for person in people:
            api.send_text(person, f"@{api.username} films", chat=group)
        replies = await api.replies(GROUP_ID, 3)
        assert all("2017-04-mooov-centaur" in str(r["reply_markup"]) for r in replies)
        await api.idle(0.5)
        assert len(api.bot_messages(GROUP_ID)) == 3  # no notice: silence in the group

        another = api.group_chat(GROUP_ID - 1, "Another group")  # other groups unaffected
        api.send_text(people[0], f"/ask@{api.username} films", chat=another)
        assert (await api.reply(GROUP_ID - 1))["text"]


async def test_group_chatter_never_uses_up_a_users_limit(
    api: BotApiServer, answerer: Answerer, state_dir: Path
) -> None:
    async with limited(api, answerer, state_dir, user_messages=2, user_seconds=60):
        group = api.group_chat(GROUP_ID)
        chatty = api.user(420, "Chatty", "en")
        for n in range(10):
            api.send_text(chatty, f"message {n} for the humans", chat=group)
        api.send_text(chatty, "/events@some_other_bot", chat=group)
        api.send_text(chatty, f"@{api.username} concerts", chat=group)
        reply = await api.reply(GROUP_ID)
        assert "2015-06-ak-maral-bozar" in str(reply["reply_markup"])
        await api.idle(0.3)
        assert len(api.bot_messages(GROUP_ID)) == 1


async def test_a_user_flooding_a_group_gets_one_quoted_notice(
    api: BotApiServer, answerer: Answerer, state_dir: Path
) -> None:
    async with limited(api, answerer, state_dir, user_messages=2, user_seconds=60):
        group = api.group_chat(GROUP_ID)
        flooder = api.user(421, "Flood", "ru")
        sent = [api.send_text(flooder, f"/ask концерты {n}", chat=group) for n in range(6)]
        replies = await api.replies(GROUP_ID, 3)
        assert replies[2]["text"].startswith(slow_down("ru"))
        assert replies[2]["reply_to_message"]["message_id"] == sent[2]["message_id"]
        await api.idle(0.3)
        assert len(api.bot_messages(GROUP_ID)) == 3


async def test_slow_down_notices_in_a_group_count_against_the_groups_limit(
    api: BotApiServer, answerer: Answerer, state_dir: Path
) -> None:
    """Fifty flooders would otherwise add fifty notices to a group already at its limit."""
    async with limited(
        api, answerer, state_dir, user_messages=1, user_seconds=60, group_answers=3
    ):
        group = api.group_chat(GROUP_ID)
        for n in range(6):
            flooder = api.user(600 + n, f"Flood{n}", "en")
            api.send_text(flooder, f"@{api.username} films", chat=group)
            api.send_text(flooder, f"@{api.username} concerts", chat=group)
        await api.replies(GROUP_ID, 3)
        await api.idle(0.5)
        assert len(api.bot_messages(GROUP_ID)) == 3  # answers and notices together


# --------------------------------------------------------------------- long messages


async def test_a_long_message_gets_please_ask_shorter_never_a_crash(
    api: BotApiServer, bot: BotApp
) -> None:
    user = api.user(430, "Nurlan", "en")
    api.send_text(user, "concerts in Brussels " * 200)  # 4200 characters, as if pasted
    notice = await api.reply(430)
    assert "sentence or two" in notice["text"] and "1000" in notice["text"]
    assert len(notice["text"]) < 300 and "reply_markup" not in notice

    at_limit = ("concerts in Brussels " * 50)[:1000]
    api.send_text(user, at_limit)
    assert "2015-06-ak-maral-bozar" in str((await api.reply(430))["reply_markup"])

    api.send_text(user, "/ask " + "фильмы " * 300)  # /ask with an essay
    assert "sentence or two" in (await api.reply(430))["text"]


async def test_a_long_message_is_answered_in_the_users_language(
    api: BotApiServer, bot: BotApp
) -> None:
    for user_id, language, word in ((431, "ru", "предложения"), (432, "nl", "zinnen")):
        api.send_text(api.user(user_id, "X", language), "x" * 1001)
        assert word in (await api.reply(user_id))["text"]


async def test_a_long_message_in_a_group_only_answers_when_addressed(
    api: BotApiServer, bot: BotApp
) -> None:
    group = api.group_chat(GROUP_ID)
    member = api.user(433, "Ainura", "fr")
    api.send_text(member, "un très long message pour les humains " * 40, chat=group)
    await api.idle(0.4)
    assert api.bot_messages(GROUP_ID) == []
    asked = api.send_text(member, f"@{api.username} " + "concerts " * 200, chat=group)
    notice = await api.reply(GROUP_ID)
    assert "une ou deux phrases" in notice["text"]
    assert notice["reply_to_message"]["message_id"] == asked["message_id"]


# --------------------------------------------------------------------- inline queries


async def test_an_inline_flood_gets_empty_results_with_a_short_cache(
    api: BotApiServer, answerer: Answerer, state_dir: Path
) -> None:
    async with limited(api, answerer, state_dir, inline_queries=3, inline_seconds=1.0):
        user = api.user(440, "Marat", "en")
        typed = ["c", "co", "con", "conc", "conce", "concerts"]
        ids = [api.inline_query(user, text) for text in typed]
        answers = [await api.inline_answer(query_id) for query_id in ids]
        assert all(a["results"] for a in answers[:3])
        for flooded in answers[3:]:
            assert flooded["results"] == [] and flooded["cache_time"] <= 5
            assert flooded["is_personal"] is True

        other = api.inline_query(api.user(441, "Other", "en"), "concerts")
        assert (await api.inline_answer(other))["results"]

        await api.idle(1.1)
        again = api.inline_query(user, "concerts")
        assert (await api.inline_answer(again))["results"]


async def test_button_taps_in_a_busy_group_are_answered_silently(
    api: BotApiServer, answerer: Answerer, state_dir: Path
) -> None:
    async with limited(api, answerer, state_dir, group_answers=2, group_seconds=60):
        group = api.group_chat(GROUP_ID)
        member, other = api.user(422, "Member", "en"), api.user(423, "Other", "en")
        api.send_text(member, f"@{api.username} films", chat=group)  # 1
        answer = await api.reply(GROUP_ID)
        first = api.press(other, answer, api.buttons(answer)[0]["callback_data"])  # 2
        await api.callback_answer(first)
        await api.reply(GROUP_ID)  # the card
        third = api.press(other, answer, api.buttons(answer)[1]["callback_data"])
        assert "text" not in await api.callback_answer(third)  # no spinner, no notice
        await api.idle(0.3)
        assert len(api.bot_messages(GROUP_ID)) == 2
