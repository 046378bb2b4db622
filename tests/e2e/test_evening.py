"""A cultural evening with the bot in the guests' group: a scored quiz round, the timeline
picture, one-tap sharing, the greeting, the QR code — the real bot over the local Bot API."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from bot.answering import Answerer
from bot.game.store import GameStore
from bot.telegram.app import BotApp, build_application
from bot.telegram.evening import GAME_FILE
from tests.botapi import BotApiServer
from tests.e2e.conftest import running, settings_for
from tests.test_pictures import png_size

JSON = dict[str, Any]
GROUP_ID = -1001234567890
CENTAUR = "2017-04-mooov-centaur"
ADMIN = 7_700_002


def correct(message: JSON) -> int:
    ids: list[int] = message["poll"]["correct_option_ids"]
    return ids[0]


def wrong(message: JSON) -> int:
    return (correct(message) + 1) % len(message["poll"]["options"])


async def counted(api: BotApiServer, state_dir: Path, poll: JSON, votes: int) -> None:
    """Wait until the bot has scored `votes` answers to the poll (read from its own store)."""
    store = GameStore(state_dir / GAME_FILE)
    try:

        def done() -> bool:
            row = store._db.execute(
                "SELECT COUNT(*) FROM answers JOIN polls USING (round_id, position) "
                "WHERE polls.poll_id = ?",
                (poll["poll"]["id"],),
            ).fetchone()
            return int(row[0]) >= votes

        await api.wait_for(done, what=f"{votes} answers counted")
    finally:
        store.close()


async def test_a_whole_round_in_a_group_with_two_players_and_the_scoreboard(
    api: BotApiServer, bot: BotApp, state_dir: Path
) -> None:
    group = api.group_chat(GROUP_ID)
    host = api.user(301, "Ainura", "en")
    guest = api.user(302, "Bram", "nl")
    api.send_text(host, "/quiz 3", chat=group)
    intro, poll = await api.replies(GROUP_ID, 2)
    assert "3 questions" in intro["text"] and "Ainura" in intro["text"]
    for number in range(1, 4):
        assert poll["poll"]["question"].startswith(f"{number}/3. ")
        assert poll["poll"]["is_anonymous"] is False and poll["poll"]["open_period"] == 30
        api.answer_poll(guest, poll, [correct(poll) if number != 2 else wrong(poll)])
        api.answer_poll(host, poll, [correct(poll)])
        await counted(api, state_dir, poll, 2)
        # a guest cannot move the round on: only the host
        toast = await api.callback_answer(
            api.press(guest, poll, api.buttons(poll)[0]["callback_data"])
        )
        assert "Alleen wie de ronde is begonnen" in toast["text"]  # in the guest's language
        label = "Scoreboard" if number == 3 else "Next question"
        api.press_button(host, poll, label)
        if number < 3:
            poll = await api.reply(GROUP_ID)
    board = (await api.reply(GROUP_ID))["text"]
    lines = board.splitlines()
    assert "after 3 questions" in lines[0]
    assert lines[1].startswith("🥇 Ainura — 3/3") and lines[2].startswith("🥈 Bram — 2/3")
    assert "Congratulations, Ainura!" in board
    assert all(m["poll"]["is_closed"] for m in api.bot_messages(GROUP_ID) if "poll" in m)
    # the round is over: /quiz stop finds nothing to stop, a new round may start
    api.send_text(host, "/quiz stop", chat=group)
    assert "No round is on here" in (await api.reply(GROUP_ID))["text"]


async def test_a_vote_cast_before_the_bot_has_heard_back_about_its_poll_still_counts(
    api: BotApiServer, bot: BotApp, state_dir: Path
) -> None:
    """Telegram shows a poll as soon as it is sent; a busy bot may get the vote before the
    answer to its own sendPoll, and must not drop it as a vote for a poll that is not ours."""
    group = api.group_chat(GROUP_ID)
    host = api.user(321, "Aida", "en")
    api.inject("sendPoll", late=1.5)
    api.send_text(host, "/quiz 1", chat=group)
    _intro, poll = await api.replies(GROUP_ID, 2)
    api.answer_poll(host, poll, [correct(poll)])
    await counted(api, state_dir, poll, 1)
    api.press_button(host, poll, "Scoreboard")
    assert "Aida — 1/1" in (await api.reply(GROUP_ID))["text"]


async def test_a_restart_in_the_middle_of_a_round_loses_nothing(
    api: BotApiServer, answerer: Answerer, state_dir: Path
) -> None:
    group = api.group_chat(GROUP_ID)
    host = api.user(311, "Nurlan", "ru")
    guest = api.user(312, "Sofie", "fr")
    async with running(build_application(settings_for(api, state_dir), answerer)):
        api.send_text(host, "/quiz 2", chat=group)
        _intro, first = await api.replies(GROUP_ID, 2)
        api.answer_poll(host, first, [correct(first)])
        api.answer_poll(guest, first, [wrong(first)])
        await counted(api, state_dir, first, 2)
    async with running(build_application(settings_for(api, state_dir), answerer)):
        api.send_text(host, "/quiz", chat=group)  # the round from before the restart goes on
        assert "уже идёт раунд" in (await api.reply(GROUP_ID))["text"]
        api.press_button(host, first, "Следующий вопрос")
        second = await api.reply(GROUP_ID)
        assert second["poll"]["question"].startswith("2/2. ")
        api.answer_poll(guest, second, [correct(second)])
        await counted(api, state_dir, second, 1)
        api.press_button(host, second, "Итоги")
        board = (await api.reply(GROUP_ID))["text"]
    assert "Nurlan — 1/2" in board and "Sofie — 1/2" in board
    assert api.errors == []


async def test_the_host_stops_a_round_and_a_private_round_has_one_player(
    api: BotApiServer, bot: BotApp, state_dir: Path
) -> None:
    user = api.user(321, "Jyldyz", "ky")
    api.send_text(user, "/quiz 11")
    assert "1ден 10 суроого чейин" in (await api.reply(321))["text"]  # the reviewed wording
    api.send_text(user, "/quiz 2")
    _intro, poll = await api.replies(321, 2)
    api.answer_poll(user, poll, [correct(poll)])
    await counted(api, state_dir, poll, 1)
    api.send_text(user, "/quiz stop")
    board = (await api.reply(321))["text"]
    assert "токтотулду" in board and "Jyldyz — 1/1" in board
    assert api.bot_messages(321)[-2]["poll"]["is_closed"]


async def test_a_round_and_every_reply_stay_in_their_forum_topic(
    api: BotApiServer, bot: BotApp
) -> None:
    forum = api.forum_chat()
    member = api.user(331, "Timur", "en")
    api.send_text(member, "/quiz 1", chat=forum, thread_id=77)
    intro, poll = await api.replies(forum["id"], 2)
    assert intro["message_thread_id"] == 77 and poll["message_thread_id"] == 77
    api.press_button(member, poll, "Scoreboard")
    board = await api.reply(forum["id"])
    assert board["message_thread_id"] == 77
    api.send_text(member, "/ask concerts in 2015", chat=forum, thread_id=77)
    assert (await api.reply(forum["id"]))["message_thread_id"] == 77
    api.send_text(member, "/timeline 2015", chat=forum, thread_id=77)
    assert (await api.reply(forum["id"]))["message_thread_id"] == 77


async def test_timeline_in_private_and_in_a_group(
    api: BotApiServer, bot: BotApp, answerer: Answerer
) -> None:
    user = api.user(341, "Marie", "fr")
    api.send_text(user, "/timeline")
    picture = await api.reply(341)
    width, height = png_size(api.photo_bytes(picture))
    assert width == 1080 and height > width
    assert f"{len(answerer.catalog.events)} événements" in picture["caption"]

    group = api.group_chat(GROUP_ID)
    guest = api.user(342, "Aibek", "ru")
    asked = api.send_text(guest, "/timeline концерты", chat=group)
    concerts = await api.reply(GROUP_ID)
    assert concerts["reply_to_message"]["message_id"] == asked["message_id"]
    assert "концерты" in concerts["caption"]
    assert png_size(api.photo_bytes(concerts))[0] == 1080
    api.send_text(guest, "/timeline фиолетовые слоны", chat=group)
    assert "/timeline 2015-2017" in (await api.reply(GROUP_ID))["text"]


async def test_a_card_shares_in_one_tap_and_copies_one_quotable_line(
    api: BotApiServer, bot: BotApp
) -> None:
    user = api.user(351, "Sofie", "nl")
    api.send_text(user, "Centaur")
    card = await api.reply(351)
    share, copy = api.buttons(card)[:2]
    assert share["switch_inline_query_chosen_chat"]["query"] == CENTAUR
    line = copy["copy_text"]["text"]
    assert line.startswith("“Centaur”") or "Centaur" in line.split("—")[0]
    assert "2017" in line and "Brugge" in line and "bron:" in line

    # the chat picker sends "@bot <event id>": exactly that card, with a description line
    query = api.inline_query(user, CENTAUR, chat_type="group")
    results = (await api.inline_answer(query))["results"]
    assert [r["id"] for r in results] == [CENTAUR]
    assert "2017" in results[0]["description"]

    api.send_text(user, "/fact")
    fact = await api.reply(351)
    labels = [b["text"] for b in api.buttons(fact)]
    assert labels[:2] == ["📤 Delen", "📋 Kopiëren"]


async def test_added_to_a_group_the_bot_greets_once_in_the_adders_language(
    api: BotApiServer, bot: BotApp
) -> None:
    group = api.group_chat(-1005550001, "Кыргыз кечеси")
    organiser = api.user(361, "Aigul", "ky")
    api.add_to_group(organiser, group)
    greeting = await api.reply(group["id"])
    for command in ("/ask", "/quiz", "/timeline"):
        assert command in greeting["text"]
    assert "Саламатсыздарбы" in greeting["text"]
    api.send_text(organiser, f"/start@{api.username} group", chat=group)  # ?startgroup= link
    await api.idle(0.5)
    assert len(api.bot_messages(group["id"])) == 1


async def test_help_offers_the_add_to_group_link(api: BotApiServer, bot: BotApp) -> None:
    user = api.user(371, "Kanat", "en")
    api.send_text(user, "/help")
    help_message = await api.reply(371)
    [button] = api.buttons(help_message)
    assert button["url"] == f"https://t.me/{api.username}?startgroup=group"


async def test_qr_for_admins_only(api: BotApiServer, answerer: Answerer, state_dir: Path) -> None:
    settings = dataclasses.replace(settings_for(api, state_dir), admin_ids=frozenset({ADMIN}))
    async with running(build_application(settings, answerer)):
        admin = api.user(ADMIN, "Curator", "en")
        api.send_text(admin, f"/qr {CENTAUR}")
        code = await api.reply(ADMIN)
        assert f"https://t.me/{api.username}?start={CENTAUR}" in code["caption"]
        width, height = png_size(api.photo_bytes(code))
        assert width == height
        api.send_text(admin, "/qr soirée")
        assert "/qr evening" in (await api.reply(ADMIN))["text"]
        guest = api.user(381, "Guest", "en")
        api.send_text(guest, "/qr")
        assert "photo" not in await api.reply(381)
    assert api.errors == []


async def test_a_picture_is_uploaded_once_then_sent_by_its_telegram_id(
    api: BotApiServer, bot: BotApp
) -> None:
    user = api.user(391, "Ilim", "en")
    api.send_text(user, "/timeline 2017")
    first = await api.reply(391)
    uploads = api.uploads()
    api.send_text(user, "/timeline 2017")
    second = await api.reply(391)
    assert api.uploads() == uploads
    assert second["photo"][-1]["file_id"] == first["photo"][-1]["file_id"]


async def test_a_timeline_too_tall_for_a_photo_comes_as_a_file(
    api: BotApiServer, answerer: Answerer, state_dir: Path
) -> None:
    """Telegram refuses a photo whose sides add up to more than 10,000 px: with a catalog of
    200 events the same PNG is sent as a document, and nothing is refused."""
    from benchmarks.core import synthetic_catalog

    big = Answerer(synthetic_catalog(answerer.catalog, 200))
    async with running(build_application(settings_for(api, state_dir), big)):
        user = api.user(392, "Aibek", "en")
        api.send_text(user, "/timeline")
        sent = await api.reply(392, timeout=30)
        assert "document" in sent and "photo" not in sent
        width, height = png_size(api.photo_bytes(sent))
        assert width == 1080 and width + height > 10_000
    assert api.errors == []


async def test_votes_for_unknown_or_finished_rounds_are_ignored_quietly(
    api: BotApiServer, bot: BotApp, state_dir: Path
) -> None:
    user = api.user(393, "Kubat", "en")
    api.stray_poll_answer(user, "poll-from-another-life", [1])
    api.send_text(user, "/quiz 1")
    _intro, poll = await api.replies(393, 2)
    api.send_text(user, "/quiz stop")
    board = await api.reply(393)
    assert "Nobody answered" in board["text"]
    api.stray_poll_answer(user, poll["poll"]["id"], [correct(poll)])  # after the round ended
    await api.idle(0.5)
    assert api.bot_messages(393)[-1]["message_id"] == board["message_id"]
    store = GameStore(state_dir / GAME_FILE)
    try:
        assert store._db.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == 0
    finally:
        store.close()
