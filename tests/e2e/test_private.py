"""A person in a private chat with the bot: what they send, what they see."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.answering import Answerer
from bot.config import Limits
from bot.telegram.app import BotApp, build_application
from tests.botapi import BotApiServer

from .conftest import running, settings_for

JSON = dict[str, Any]
CENTAUR = "2017-04-mooov-centaur"


def event_buttons(api: BotApiServer, message: JSON) -> list[str]:
    """Event ids behind the "open card" buttons of a message."""
    return [
        b["callback_data"].split("|")[-1]
        for b in api.buttons(message)
        if b.get("callback_data", "").startswith("1|e|")
    ]


async def test_start_welcomes_with_example_question_buttons(
    api: BotApiServer, bot: BotApp
) -> None:
    user = api.user(101, "Aida", "ru")
    api.send_text(user, "/start")
    welcome = await api.reply(101)
    assert "Aida" in welcome["text"]
    assert "Кыргызстан" in welcome["text"]  # Telegram language ru -> Russian welcome
    # The example questions (the Subscribe button and the language picker follow them)
    examples = [b for b in api.buttons(welcome) if b["callback_data"].startswith("1|x|")]
    assert 3 <= len(examples) <= 4

    api.press(user, welcome, examples[0]["callback_data"])
    answer = await api.reply(101)
    assert answer["text"].strip()
    assert answer["text"] != welcome["text"]


async def test_deep_link_opens_the_event_card(
    api: BotApiServer, bot: BotApp, answerer: Answerer
) -> None:
    user = api.user(102, "Bert", "nl")
    api.send_text(user, f"/start {CENTAUR}")
    card = await api.reply(102)
    event = answerer.catalog.event(CENTAUR)
    assert event is not None
    assert event.title["nl"] in card["text"]
    # The card carries its own deep link, so staff can share it.
    html = api.messages[(102, card["message_id"])]["html"]
    assert f"https://t.me/{api.username}?start={CENTAUR}" in html  # visible, to copy


async def test_unknown_deep_link_gets_a_note_and_the_welcome(
    api: BotApiServer, bot: BotApp
) -> None:
    user = api.user(103, "Chloé", "fr")
    api.send_text(user, "/start 2099-01-no-such-event")
    note, welcome = await api.replies(103, 2)
    assert "lien" in note["text"]
    assert "Chloé" in welcome["text"]
    assert api.buttons(welcome)


async def test_an_unknown_command_says_so_before_the_welcome(
    api: BotApiServer, bot: BotApp
) -> None:
    user = api.user(104, "Bert", "nl")
    api.send_text(user, "/concerten")
    reply = await api.reply(104)
    first_line, _, rest = reply["text"].partition("\n")
    assert first_line == "Dat commando ken ik niet — /help toont de commando's die ik wel ken."
    assert "Bert" in rest and api.buttons(reply)  # then the welcome with its examples


@pytest.mark.parametrize("language", ["en", "ru", "ky", "fr", "nl"])
async def test_help_lists_every_command_a_user_has(
    api: BotApiServer, bot: BotApp, language: str
) -> None:
    user = api.user(105, "Bert", language)
    api.send_text(user, "/help")
    text = (await api.reply(105))["text"]
    for command in ("/start", "/events", "/fact", "/quiz", "/lang", "/help", "/ask"):
        assert f"{command} " in text, command


QUESTIONS = [
    ("en", "concerts in Brussels"),
    ("ru", "концерты в Брюсселе"),
    ("ky", "Брюсселдеги концерттер"),
    ("fr", "concerts à Bruxelles"),
    ("nl", "concerten in Brussel"),
]


@pytest.mark.parametrize(("language", "question"), QUESTIONS)
async def test_questions_in_five_languages(
    api: BotApiServer, bot: BotApp, answerer: Answerer, language: str, question: str
) -> None:
    # The user's Telegram is English: the reply follows the question's language.
    user = api.user(110, "Aibek", "en")
    api.send_text(user, question)
    reply = await api.reply(110)
    expected = "2015-06-ak-maral-bozar"
    assert expected in event_buttons(api, reply)
    event = answerer.catalog.event(expected)
    assert event is not None
    assert event.title[language] in reply["text"]
    languages = {
        b["callback_data"].split("|")[2]
        for b in api.buttons(reply)
        if "|e|" in b.get("callback_data", "")
    }
    assert languages == {language}


async def open_all_events(api: BotApiServer, user: JSON) -> JSON:
    api.send_text(user, "/events")
    menu = await api.reply(user["id"])
    api.press_button(user, menu, "📋")
    return await api.edited(menu)


async def test_paging_forward_and_back_edits_in_place(
    api: BotApiServer, bot: BotApp, answerer: Answerer
) -> None:
    user = api.user(120, "Dana", "en")
    first = await open_all_events(api, user)
    page_one = event_buttons(api, first)
    assert page_one and "1/" in " ".join(b["text"] for b in api.buttons(first))

    api.press_button(user, first, "▶")
    second = await api.edited(first)
    assert second["message_id"] == first["message_id"]  # the same message, edited
    page_two = event_buttons(api, second)
    assert page_two and not set(page_two) & set(page_one)

    api.press_button(user, second, "◀")
    back = await api.edited(second)
    assert event_buttons(api, back) == page_one
    assert len(api.bot_messages(120)) == 1  # paging never sent a new message


async def test_browse_by_year_then_back_to_menu(api: BotApiServer, bot: BotApp) -> None:
    user = api.user(121, "Dana", "en")
    api.send_text(user, "/events")
    menu = await api.reply(121)
    api.press_button(user, menu, "📅")
    years = await api.edited(menu)
    api.press_button(user, years, "2017")
    listing = await api.edited(years)
    assert all(event_id.startswith("2017-") for event_id in event_buttons(api, listing))
    api.press_button(user, listing, "↩️")
    again = await api.edited(listing)
    assert [b["text"] for b in api.buttons(again)] == [b["text"] for b in api.buttons(menu)]


async def test_browse_by_city_offers_only_cities_where_something_took_place(
    api: BotApiServer, bot: BotApp
) -> None:
    user = api.user(122, "Dana", "en")
    api.send_text(user, "/events")
    menu = await api.reply(122)
    api.press_button(user, menu, "📍")
    cities = await api.edited(menu)
    offered = {b["text"] for b in api.buttons(cities)} - {"↩️ Menu"}
    # Hasselt and Genk are only mentioned (the Nooruz broadcast), Liège is where the
    # delegation came from: nothing took place there.
    assert offered == {"Brussels", "Ghent", "Bruges", "Turnhout", "Bishkek"}
    api.press_button(user, cities, "Bishkek")
    listing = await api.edited(cities)
    assert "2012" in listing["text"]  # the one event held there: the Liège delegation


async def test_event_button_opens_its_card(
    api: BotApiServer, bot: BotApp, answerer: Answerer
) -> None:
    user = api.user(130, "Emil", "en")
    api.send_text(user, "films")
    listing = await api.reply(130)
    assert CENTAUR in event_buttons(api, listing)
    query = api.press(user, listing, f"1|e|en|{CENTAUR}")
    card = await api.reply(130)
    event = answerer.catalog.event(CENTAUR)
    assert event is not None and event.title["en"] in card["text"]
    assert (await api.callback_answer(query)).get("text") is None  # no notice: it worked


@pytest.mark.parametrize(
    "data",
    [
        "garbage",
        "1|p|en|0|-|!!forged-token!!",
        "1|e|en|2099-01-no-such-event",
        "9|e|en|" + CENTAUR,  # a version this bot does not speak
        "1|p|xx|0|-|abc",
        "1|b|en|t|atlantis",
    ],
)
async def test_forged_or_stale_buttons_get_a_short_notice(
    api: BotApiServer, bot: BotApp, data: str
) -> None:
    user = api.user(140, "Faruh", "en")
    api.send_text(user, "hello")
    greeting = await api.reply(140)
    query = api.press(user, greeting, data)
    notice = await api.callback_answer(query)
    assert "out of date" in notice["text"]
    api.send_text(user, "films")  # and the bot carries on
    assert CENTAUR in event_buttons(api, await api.reply(140))


async def test_suggestion_chip_gives_a_follow_up_answer(api: BotApiServer, bot: BotApp) -> None:
    user = api.user(141, "Gulnara", "en")
    api.send_text(user, "tell me about Centaur")
    card = await api.reply(141)
    chips = [b for b in api.buttons(card) if b.get("callback_data", "").startswith("1|s|")]
    assert chips, "a card offers follow-ups (same year, city or category)"
    api.press(user, card, chips[0]["callback_data"])
    follow_up = await api.reply(141)
    assert follow_up["text"] != card["text"]


async def test_lang_choice_is_kept_across_restarts(
    api: BotApiServer, answerer: Answerer, state_dir: Path
) -> None:
    user = api.user(150, "Hasan", "en")
    async with running(build_application(settings_for(api, state_dir), answerer)):
        api.send_text(user, "/lang")
        picker = await api.reply(150)
        api.press_button(user, picker, "Кыргызча")
        confirmed = await api.edited(picker)
        assert "кыргызча" in confirmed["text"]

    async with running(build_application(settings_for(api, state_dir), answerer)):
        api.send_text(user, "/help")
        help_text = (await api.reply(150))["text"]
    assert "Буйруктар" in help_text
    assert api.errors == []


async def test_quiz_is_a_telegram_quiz_poll(api: BotApiServer, bot: BotApp) -> None:
    user = api.user(160, "Ilim", "ky")
    api.send_text(user, "/quiz")
    _intro, message = await api.replies(160, 2)
    poll = message["poll"]
    assert poll["type"] == "quiz"
    assert 3 <= len(poll["options"]) <= 4
    assert [0 <= c < len(poll["options"]) for c in poll["correct_option_ids"]] == [True]
    assert len(poll["question"]) <= 300 and len(poll["explanation"]) <= 200


async def test_fact_and_another_fact(api: BotApiServer, bot: BotApp) -> None:
    user = api.user(170, "Jyldyz", "en")
    api.send_text(user, "/fact")
    fact = await api.reply(170)
    assert "From the source" in fact["text"] or fact["text"]
    api.press_button(user, fact, "🎲")
    another = await api.reply(170)
    assert another["text"].strip()


async def test_help_lists_the_commands(api: BotApiServer, bot: BotApp) -> None:
    user = api.user(180, "Kanat", "en")
    api.send_text(user, "/help")
    text = (await api.reply(180))["text"]
    for command in ("/events", "/fact", "/quiz", "/lang"):
        assert command in text


async def test_thirty_messages_in_a_burst_are_all_answered(
    api: BotApiServer, answerer: Answerer, state_dir: Path
) -> None:
    """Throughput and order, with the per-user limit off (tests/e2e/test_abuse.py has it on)."""
    settings = replace(settings_for(api, state_dir), limits=Limits(user_messages=0))
    async with running(build_application(settings, answerer)):
        user = api.user(190, "Lola", "en")
        questions = ["concerts", "films", "what happened in 2017", "exhibitions in Ghent", "sport"]
        for n in range(30):
            api.send_text(user, questions[n % len(questions)])
        replies = await api.replies(190, 30, timeout=20)
        assert len(replies) == 30
        await asyncio.sleep(0.3)
        assert len(api.bot_messages(190)) == 30  # one answer each, none twice
    assert api.errors == []


async def test_command_menus_are_localized(api: BotApiServer, bot: BotApp) -> None:
    scopes = {scope for scope, _ in api.commands}
    assert {"default", "all_private_chats", "all_group_chats"} <= scopes
    for language in ("", "en", "ru", "ky", "fr", "nl"):
        assert api.commands[("all_private_chats", language)]
    assert api.commands[("all_private_chats", "ky")] != api.commands[("all_private_chats", "fr")]
    group = {c["command"] for c in api.commands[("all_group_chats", "ru")]}
    assert "ask" in group
