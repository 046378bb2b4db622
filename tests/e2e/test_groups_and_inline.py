"""A cultural evening's group chat, and @bot inline queries from any chat."""

from __future__ import annotations

from typing import Any

from bot.answering import Answerer
from bot.telegram.app import BotApp
from tests.botapi import BotApiServer

JSON = dict[str, Any]
GROUP_ID = -1001234567890
CENTAUR = "2017-04-mooov-centaur"


async def test_group_chatter_gets_silence_and_a_mention_gets_an_answer(
    api: BotApiServer, bot: BotApp
) -> None:
    group = api.group_chat(GROUP_ID)
    host = api.user(201, "Nurlan", "ru")
    api.send_text(host, "Всем привет! Начинаем в семь.", chat=group)
    api.send_text(host, "concerts in Brussels", chat=group)  # not addressed to the bot
    await api.idle(0.6)
    assert api.bot_messages(GROUP_ID) == []

    asked = api.send_text(host, f"@{api.username} концерты в Брюсселе", chat=group)
    reply = await api.reply(GROUP_ID)
    assert reply["reply_to_message"]["message_id"] == asked["message_id"]  # quotes the asker
    assert "2015-06-ak-maral-bozar" in str(reply["reply_markup"])


async def test_group_reply_to_the_bot_is_answered(api: BotApiServer, bot: BotApp) -> None:
    group = api.group_chat(GROUP_ID)
    guest = api.user(202, "Sofie", "nl")
    api.send_text(guest, f"/ask@{api.username} films", chat=group)
    first = await api.reply(GROUP_ID)
    assert CENTAUR in str(first["reply_markup"])

    api.send_text(guest, "en concerten in Brussel?", chat=group, reply_to=first)
    second = await api.reply(GROUP_ID)
    assert "2015-06-ak-maral-bozar" in str(second["reply_markup"])


async def test_group_commands_with_and_without_the_bot_name(
    api: BotApiServer, bot: BotApp
) -> None:
    group = api.group_chat(GROUP_ID)
    member = api.user(203, "Timur", "en")
    api.send_text(member, "/ask what happened in 2017", chat=group)
    assert (await api.reply(GROUP_ID))["text"]
    api.send_text(member, "/events@some_other_bot", chat=group)  # meant for another bot
    await api.idle(0.4)
    assert len(api.bot_messages(GROUP_ID)) == 1
    api.send_text(member, f"/events@{api.username}", chat=group)
    menu = await api.reply(GROUP_ID)
    assert len(api.buttons(menu)) == 4
    api.send_text(member, "/ask", chat=group)
    prompt = await api.reply(GROUP_ID)  # asks back, with the reply field opened for the asker
    assert api.sent_markup(prompt) == {
        "force_reply": True,
        "selective": True,
        "input_field_placeholder": "e.g. concerts in Brussels",
    }


async def test_group_quiz_and_fact(api: BotApiServer, bot: BotApp) -> None:
    group = api.group_chat(GROUP_ID)
    member = api.user(204, "Ainura", "fr")
    api.send_text(member, "/quiz", chat=group)
    _intro, question = await api.replies(GROUP_ID, 2)
    poll = question["poll"]
    assert poll["type"] == "quiz" and 3 <= len(poll["options"]) <= 4
    assert poll["question"].startswith("1/5. ")
    api.send_text(member, f"/fact@{api.username}", chat=group)
    fact = await api.reply(GROUP_ID)
    assert "Un autre fait" in str(fact["reply_markup"])


async def test_inline_query_answers_with_cards_and_deep_links(
    api: BotApiServer, bot: BotApp, answerer: Answerer
) -> None:
    user = api.user(210, "Marie", "fr")
    query_id = api.inline_query(user, "Centaur")
    answer = await api.inline_answer(query_id)
    results = answer["results"]
    assert 1 <= len(results) <= 50
    assert 0 < answer["cache_time"] <= 300
    centaur = next(r for r in results if r["id"] == CENTAUR)
    event = answerer.catalog.event(CENTAUR)
    assert event is not None
    assert centaur["title"] == event.title["en"] or centaur["title"] in event.title.values()
    assert "2017" in centaur["description"]
    [[button]] = centaur["reply_markup"]["inline_keyboard"]
    assert button["url"] == f"https://t.me/{api.username}?start={CENTAUR}"


async def test_empty_inline_query_offers_highlights(api: BotApiServer, bot: BotApp) -> None:
    query_id = api.inline_query(api.user(211, "Marat", "ky"), "")
    results = (await api.inline_answer(query_id))["results"]
    assert 3 <= len(results) <= 50
    assert all(r["input_message_content"]["parse_mode"] == "HTML" for r in results)


async def test_inline_query_without_events_still_answers(api: BotApiServer, bot: BotApp) -> None:
    query_id = api.inline_query(api.user(212, "Anna", "en"), "concerts in Paris")
    results = (await api.inline_answer(query_id))["results"]
    assert len(results) == 1
    assert results[0]["input_message_content"]["message_text"]


async def test_a_lang_tap_in_a_group_sets_the_tappers_language_with_a_toast(
    api: BotApiServer, bot: BotApp
) -> None:
    group = api.group_chat(GROUP_ID)
    asker, tapper = api.user(205, "Emma", "en"), api.user(206, "Азамат", "en")
    api.send_text(asker, f"/lang@{api.username}", chat=group)
    picker = await api.reply(GROUP_ID)
    tapped = api.press_button(tapper, picker, "Кыргызча")
    toast = await api.callback_answer(tapped)
    assert toast["text"].startswith("Даяр")  # the tapper hears it, in the chosen language
    await api.idle(0.3)
    assert api.bot_messages(GROUP_ID) == [picker]  # the shared picker is left as it was

    api.send_text(tapper, f"/events@{api.username}", chat=group)  # the tapper: Kyrgyz
    assert (await api.reply(GROUP_ID))["text"].startswith("Иш-чараларды")
    api.send_text(asker, f"/events@{api.username}", chat=group)  # the asker: unchanged
    assert (await api.reply(GROUP_ID))["text"].startswith("Browse")
