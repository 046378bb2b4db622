"""News end to end: the real bot, the local Bot API fixture, a curator adding an event."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest

from bot.answering import Answerer
from bot.config import NewsSettings
from bot.paths import DEFAULT_DATA_DIR
from bot.reloading import DataReloader
from bot.telegram.app import BotApp, build_application
from bot.telegram.news import TelegramNews
from tests.botapi import BotApiServer
from tests.news_helpers import GALA_TITLES, add_event_to

from .conftest import running, settings_for

GALA = "2031-06-gala-concert"
CHANNEL_ID = -1001777000111


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A copy of data/ that the test edits like a curator."""
    target = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, target)
    return target


def news_of(app: BotApp) -> TelegramNews:
    return app.bot_data.news


def texts_to(api: BotApiServer, chat_id: int) -> list[str]:
    return [m.get("text", "") for m in api.bot_messages(chat_id)]


def announcements(api: BotApiServer, chat_id: int) -> list[str]:
    return [
        text
        for text in texts_to(api, chat_id)
        if GALA_TITLES["en"] in text or any(title in text for title in GALA_TITLES.values())
    ]


async def test_a_new_event_reaches_each_matching_subscriber_once_in_their_language(
    api: BotApiServer, data: Path, state_dir: Path
) -> None:
    news = NewsSettings(channel="@kg_be_news", channel_language="ky")
    settings = dataclasses.replace(settings_for(api, state_dir), news=news)
    reloader = DataReloader(data, settle_seconds=0)
    app = build_application(settings, reloader, watch_seconds=0.2)
    api.channel(CHANNEL_ID, "kg_be_news")
    aibek = api.user(601, "Aibek", "ky")
    claire = api.user(602, "Claire", "fr")
    jan = api.user(603, "Jan", "nl")
    bolot = api.user(604, "Bolot", "ru")
    async with running(app):
        for user, command in (
            (aibek, "/subscribe"),
            (claire, "/subscribe concerts"),  # concerts only
            (jan, "/subscribe tentoonstellingen"),  # exhibitions only: not this event
            (bolot, "/subscribe"),
        ):
            api.send_text(user, command)
            await api.reply(user["id"])
        assert "concert" in texts_to(api, 602)[0]
        api.blocked.add(604)  # Bolot blocks the bot

        add_event_to(data, GALA, "2031-06-12")  # the curator saves

        store = news_of(app).news.store
        await api.wait_for(
            lambda: store.progress() and store.pending_count() == 0,
            timeout=20,
            what="the broadcast to finish",
        )
        channel_posts = api.bot_messages(CHANNEL_ID)
        [progress] = store.progress()
        assert (progress.total, progress.sent, progress.blocked) == (4, 3, 1)
        assert store.subscriptions(604) == ()  # unsubscribed after the 403
        assert store.subscriptions(601) != ()

    [to_aibek] = announcements(api, 601)
    [to_claire] = announcements(api, 602)
    assert announcements(api, 603) == []
    assert to_aibek.startswith("🆕 Тизмеде жаңы (алдыда):") and "Гала-концерт" in to_aibek
    assert to_claire.startswith(
        "🆕 Ajouté à mes informations (à venir)"
    ) and "Concert de gala" in (to_claire)
    assert len(channel_posts) == 1 and "Гала-концерт" in channel_posts[0]["text"]
    assert "from" not in channel_posts[0] and channel_posts[0]["sender_chat"]["id"] == CHANNEL_ID
    # Share, Copy and Add to calendar under each announcement; in the channel a share link
    ky = Answerer.from_directory(data).catalog.locales["ky"]
    buttons = api.buttons(api.bot_messages(601)[-1])
    assert [b["text"] for b in buttons] == [
        ky["share_button"],
        ky["copy_button"],
        ky["news_add_to_calendar"],
    ]
    assert buttons[0]["switch_inline_query_chosen_chat"]["query"] == GALA
    in_channel = api.buttons(channel_posts[0])
    assert [b["text"] for b in in_channel] == [ky["share_button"], ky["tg_open_in_bot"]]
    assert in_channel[0]["url"].startswith("https://t.me/share/url?url=")
    assert GALA in in_channel[0]["url"]
    assert [f"{c.method}: {c.error}" for c in api.errors] == []


async def test_privacy_answers_and_forget_erases_the_rows(
    api: BotApiServer, answerer: Answerer, state_dir: Path
) -> None:
    app = build_application(settings_for(api, state_dir), answerer)
    user = api.user(611, "Gulnara", "en")
    async with running(app):
        api.send_text(user, "/lang ru")
        await api.reply(611)
        api.send_text(user, "/subscribe Гент")
        assert "Гент" in (await api.reply(611))["text"]
        api.send_text(user, "/privacy")
        privacy = (await api.reply(611))["text"]
        assert "180" in privacy and "/forget" in privacy and privacy.startswith("Что я храню")
        assert "30 мин." in privacy  # the conversation's silence, from the settings

        api.send_text(user, "/forget")
        done = (await api.reply(611))["text"]
        assert done.startswith("Готово")
        store = news_of(app).news.store
        assert store.subscriptions(611) == ()
        prefs = json.loads((state_dir / "user_prefs.json").read_text(encoding="utf-8"))
        assert "611" not in prefs["languages"]

        api.send_text(user, "/forget")
        assert (await api.reply(611))["text"].startswith("Nothing tied to you")
    assert [f"{c.method}: {c.error}" for c in api.errors] == []


async def test_in_a_group_only_an_admin_subscribes_it(
    api: BotApiServer, answerer: Answerer, state_dir: Path
) -> None:
    group = api.group_chat(-1005550001)
    api.group_admins[group["id"]] = {621}
    app = build_application(settings_for(api, state_dir), answerer)
    async with running(app):
        api.send_text(api.user(622, "Member", "en"), "/subscribe", chat=group)
        refused = await api.reply(group["id"])
        assert "only its admins" in refused["text"]
        assert news_of(app).news.store.subscriptions(group["id"]) == ()
        api.send_text(api.user(621, "Admin", "en"), "/subscribe", chat=group)
        await api.reply(group["id"])
        assert news_of(app).news.store.subscriptions(group["id"]) != ()


async def test_the_welcome_offers_subscribe_and_kyrgyz_first_to_russian_phones(
    api: BotApiServer, answerer: Answerer, state_dir: Path
) -> None:
    app = build_application(settings_for(api, state_dir), answerer)
    user = api.user(631, "Asel", "ru")
    async with running(app):
        api.send_text(user, "/start")
        welcome = await api.reply(631)
        data = [b["callback_data"] for b in api.buttons(welcome)]
        languages = [d for d in data if d.startswith("n|lang|")]
        assert languages[0] == "n|lang|ky" and len(languages) == 5
        api.press(user, welcome, "n|lang|ky")
        edited = await api.edited(welcome)
        assert "Салам" in edited["text"] or edited["text"] != welcome["text"]
        api.press(user, edited, "n|sub|ky")
        subscribed = await api.reply(631)
        assert subscribed["text"].startswith("Жазылдыңыз")
        store = news_of(app).news.store
        assert store.subscriptions(631) != ()
    english = api.user(632, "Tom", "en")
    async with running(build_application(settings_for(api, state_dir), answerer)):
        api.send_text(english, "/start")
        welcome = await api.reply(632)
        languages = [
            b["callback_data"] for b in api.buttons(welcome) if b["callback_data"][:7] == "n|lang|"
        ]
        assert languages[0] == "n|lang|en"
    # the profile texts, in each language and as the default
    assert set(api.descriptions) == {"", "en", "ru", "ky", "fr", "nl"}
    assert set(api.short_descriptions) == set(api.descriptions)


async def test_add_to_calendar_sends_an_ics_and_a_month_only_event_says_why_not(
    api: BotApiServer, data: Path, state_dir: Path
) -> None:
    add_event_to(data, GALA, "2031-06-12")
    add_event_to(data, "2031-07-summer-concert", "2031-07")
    app = build_application(settings_for(api, state_dir), Answerer.from_directory(data))
    user = api.user(641, "Eline", "nl")
    async with running(app):
        api.send_text(user, f"/start {GALA}")
        card = await api.reply(641)
        [add] = [b for b in api.buttons(card) if b.get("callback_data", "").startswith("n|ics|")]
        assert add["text"] == "📅 Toevoegen aan agenda"
        api.press(user, card, add["callback_data"])
        [document] = await api.wait_for(
            lambda: [m for m in api.bot_messages(641) if "document" in m], what="the .ics"
        )
        assert document["document"]["file_name"] == f"{GALA}.ics"
        ics = api.upload(document).content.decode("utf-8")
        assert "DTSTART;VALUE=DATE:20310612\r\n" in ics and "SUMMARY:Galaconcert\r\n" in ics

        api.press(user, card, "n|ics|nl|2031-07-summer-concert")
        note = await api.wait_for(
            lambda: [m for m in api.bot_messages(641) if "alleen de maand" in m.get("text", "")],
            what="the month-only note",
        )
        assert note
        # a past event's card has no such button
        api.send_text(user, "/start 2018-01-folk-music-concert")
        [past] = await api.wait_for(
            lambda: [
                m
                for m in api.bot_messages(641)
                if "Kirgizische volksmuziek met" in m.get("text", "")
            ],
            what="a past event's card",
        )
        assert not [b for b in api.buttons(past) if b.get("callback_data", "")[:6] == "n|ics|"]
    assert [f"{c.method}: {c.error}" for c in api.errors] == []


async def test_rewording_announces_nothing_and_planned_to_held_is_announced(
    api: BotApiServer, data: Path, state_dir: Path
) -> None:
    admin = api.user(690, "Curator", "en")
    settings = dataclasses.replace(settings_for(api, state_dir), admin_ids=frozenset({690}))
    reloader = DataReloader(data, settle_seconds=0)
    app = build_application(settings, reloader, watch_seconds=0.2)
    user = api.user(651, "Nurbek", "ru")
    events = data / "events.yaml"
    async with running(app):
        news = news_of(app).news
        api.send_text(user, "/subscribe")
        await api.reply(651)

        def seen_latest() -> bool:
            return news.last_recorded is reloader.current.catalog

        # A curator re-words every event (and both topics): a reload, and no announcement.
        text = events.read_text(encoding="utf-8")
        reworded = text.replace("      en: >-\n        ", "      en: >-\n        Revised. ")
        assert reworded.count("Revised. ") >= 19
        events.write_text(reworded, encoding="utf-8")
        await api.wait_for(
            lambda: (
                reloader.current.catalog.events[0].summary["en"].startswith("Revised")
                and seen_latest()
            ),
            timeout=15,
            what="the re-worded data to be live and seen",
        )
        assert news.store.progress() == ()

        # The planned conference took place.
        text = events.read_text(encoding="utf-8")
        planned = "status: planned                    # the seed"
        assert planned in text
        events.write_text(text.replace(planned, "status: held  # the seed"), encoding="utf-8")
        await api.wait_for(
            lambda: news.store.progress() and news.store.pending_count() == 0,
            timeout=15,
            what="the 'took place' announcement",
        )
        [announcement] = [m for m in texts_to(api, 651) if m.startswith("✅")]
        assert announcement.startswith("✅ Состоялось:")

        api.send_text(admin, "/stats")
        stats = await api.replies(690, 2)
        assert stats[1]["text"].startswith("News: 1 subscribed chat(s), 0 message(s) waiting.")
        assert "2017-09-foreign-ministry-conference (held): 1 of 1 sent" in stats[1]["text"]
    assert [f"{c.method}: {c.error}" for c in api.errors] == []
