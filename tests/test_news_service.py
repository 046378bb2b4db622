"""What /subscribe, /unsubscribe and /forget answer, and what an announcement says."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.answering import Answerer
from bot.catalog.model import LANGUAGES, PartialDate
from bot.config import NewsSettings
from bot.news.announce import Announcer
from bot.news.changes import ChangeKind
from bot.news.filters import Filter
from bot.news.pacing import FakeClock
from bot.news.service import News
from bot.news.store import NewsStore
from bot.rendering import Texts
from tests.news_helpers import new_event, with_events


@pytest.fixture
def news(tmp_path: Path) -> News:
    return News(NewsStore(tmp_path / "news.sqlite3"), NewsSettings(), FakeClock())


def test_subscribe_to_everything_then_again(news: News, answerer: Answerer) -> None:
    catalog = answerer.catalog
    assert news.subscribe(catalog, 1, "ky", "").key == "news_subscribed_all"
    assert news.subscribe(catalog, 1, "ky", "").key == "news_already_subscribed"
    assert news.store.subscriptions(1) == (Filter(""),)


def test_subscribe_to_a_kind_names_it_in_the_chats_language(
    news: News, answerer: Answerer
) -> None:
    reply = news.subscribe(answerer.catalog, 2, "ru", "концерты")
    assert reply.key == "news_subscribed_filter"
    assert reply.values["filter"] == answerer.catalog.entity("category", "concert").name("ru")  # type: ignore[union-attr]


def test_an_unknown_filter_lists_what_exists_and_subscribes_nothing(
    news: News, answerer: Answerer
) -> None:
    reply = news.subscribe(answerer.catalog, 3, "fr", "quidditch")
    assert reply.key == "news_unknown_filter"
    text = reply.say(Texts(answerer.catalog, "fr"))
    assert "quidditch" in text and "Bruxelles" in text
    assert news.store.subscriptions(3) == ()


def test_unsubscribe_and_forget_say_what_happened(news: News, answerer: Answerer) -> None:
    news.subscribe(answerer.catalog, 4, "nl", "")
    assert news.unsubscribe(4).key == "news_unsubscribed"
    assert news.unsubscribe(4).key == "news_not_subscribed"
    assert news.forget(4, had_language=False).key == "news_forget_nothing"
    news.subscribe(answerer.catalog, 4, "nl", "gent")
    reply = news.forget(4, had_language=True)
    assert reply.key == "news_forget_done" and reply.values["subscriptions"] == 1
    assert news.forget(4, had_language=False).key == "news_forget_nothing"


def test_reminders_wait_for_the_morning_of_the_day_before(
    tmp_path: Path, answerer: Answerer
) -> None:
    clock = FakeClock(1_935_964_800.0)  # 2031-05-08 00:00 UTC
    news = News(NewsStore(tmp_path / "n.sqlite3"), NewsSettings(), clock)
    news.subscribe(answerer.catalog, 1, "en", "")
    event = new_event(answerer.catalog.events[0], "2031-05-09-x", start=PartialDate(2031, 5, 9))
    news.plan_reminders(with_events(answerer.catalog, (*answerer.catalog.events, event)))
    assert news.store.due(clock.now()) == []
    assert [i.event_id for i in news.store.due(clock.now() + 8 * 3600)] == ["2031-05-09-x"]
    off = News(NewsStore(tmp_path / "o.sqlite3"), NewsSettings(reminders=False), clock)
    off.subscribe(answerer.catalog, 1, "en", "")
    off.plan_reminders(with_events(answerer.catalog, (*answerer.catalog.events, event)))
    assert off.store.next_due() is None


def test_every_announcement_fits_and_says_what_happened_in_every_language(
    answerer: Answerer,
) -> None:
    catalog = answerer.catalog
    gala = new_event(catalog.events[-1], "2031-06-gala", start=PartialDate(2031, 6, 12))
    grown = with_events(catalog, (*catalog.events, gala))
    announcer = Announcer(Answerer(grown), lambda event_id: f"https://t.me/kgbe?start={event_id}")
    for event in grown.events:
        for change in ChangeKind:
            if change is ChangeKind.REMINDER and event.start.day is None:
                continue  # no reminder without a day
            day = date(event.start.year, event.start.month, 1) - timedelta(days=1)
            for language in LANGUAGES:
                html = announcer.html(event.id, change, language, day)
                assert html is not None and len(html) <= 4096
                header = grown.locales[language][f"news_header_{change.value}"]
                assert html.startswith(f"<b>{header.rstrip(':').rstrip()}")
                assert event.title[language] in html or event.title[language][:20] in html
    late = announcer.html("2031-06-gala", ChangeKind.REMINDER, "en", date(2031, 6, 12))
    assert late is None  # a reminder delayed to the day itself is not sent
    upcoming = announcer.html("2031-06-gala", ChangeKind.NEW, "nl", date(2031, 5, 1))
    assert upcoming is not None and "(nog te komen)" in upcoming
    assert announcer.html("no-such-event", ChangeKind.NEW, "en", date(2031, 5, 1)) is None


def test_news_settings_are_read_and_bad_ones_reported() -> None:
    from bot.config import Settings

    good = Settings.from_env(
        {
            "ANNOUNCE_CHANNEL": "@kg_be_news",
            "ANNOUNCE_CHANNEL_LANGUAGE": "KY",
            "NEWS_REMINDERS": "off",
            "NEWS_MESSAGES_PER_SECOND": "20",
        },
        env_file=None,
    )
    assert good.news == NewsSettings("@kg_be_news", "ky", False, 20.0)
    assert good.problems == ()
    assert Settings.from_env({"ANNOUNCE_CHANNEL": "-1001234567890"}, env_file=None).news.channel
    bad = Settings.from_env(
        {
            "ANNOUNCE_CHANNEL": "https://t.me/kg_be_news",
            "ANNOUNCE_CHANNEL_LANGUAGE": "de",
            "NEWS_REMINDERS": "maybe",
            "NEWS_MESSAGES_PER_SECOND": "100",
        },
        env_file=None,
    )
    assert bad.news == NewsSettings()
    assert [p.split()[0] for p in bad.problems] == [
        "ANNOUNCE_CHANNEL",
        "ANNOUNCE_CHANNEL_LANGUAGE",
        "NEWS_REMINDERS",
        "NEWS_MESSAGES_PER_SECOND",
    ]


def test_forget_drops_the_conversation_in_memory_too() -> None:
    from bot.conversation import Conversation
    from bot.telegram.conversations import ConversationStore

    talk = ConversationStore(1800)
    talk.put((5, 5), Conversation(), message_id=10)
    talk.put((-7, 5), Conversation())
    talk.put((-7, 6), Conversation())
    talk.forget(5, 5)
    assert talk.of_message(5, 10) is None and talk.message_count == 0
    talk.forget(-7, 5)
    assert len(talk) == 1  # the other member of the group keeps theirs
