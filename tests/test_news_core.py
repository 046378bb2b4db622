"""News without Telegram: what a reload announces, to whom, once, and how the outbox drains."""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from bot.answering import Answerer
from bot.catalog.model import LANGUAGES, Catalog, PartialDate, Status
from bot.news.changes import Change, ChangeKind, detect_changes, version_of
from bot.news.delivery import Courier, Delivery, Outcome
from bot.news.filters import Filter, resolve_filter
from bot.news.pacing import FakeClock
from bot.news.store import Channel, NewsStore, OutboxItem
from tests.news_helpers import new_event, with_events

TODAY = date(2031, 5, 1)


@pytest.fixture
def catalog(answerer: Answerer) -> Catalog:
    return answerer.catalog


@pytest.fixture
def store(tmp_path: Path) -> NewsStore:
    return NewsStore(tmp_path / "news.sqlite3")


def added(catalog: Catalog, *, categories: tuple[str, ...] = ("concert",)) -> Catalog:
    event = new_event(
        catalog.events[-1], "2031-06-gala", start=PartialDate(2031, 6, 12), categories=categories
    )
    return with_events(catalog, (*catalog.events, event))


# -- the change detector --------------------------------------------------------------------


def test_a_new_event_is_the_only_change(catalog: Catalog) -> None:
    for event in catalog.events:
        before = {e.id: e.status.value for e in catalog.events if e.id != event.id}
        assert detect_changes(before, version_of(catalog)) == (Change(event.id, ChangeKind.NEW),)


def test_rewording_every_event_announces_nothing(catalog: Catalog) -> None:
    reworded = with_events(
        catalog,
        tuple(
            dataclasses.replace(
                e,
                title={lang: f"{text} (rev.)" for lang, text in e.title.items()},
                summary={lang: text.upper() for lang, text in e.summary.items()},
            )
            for e in catalog.events
        ),
    )
    assert len(reworded.events) == 19
    assert detect_changes(version_of(catalog), version_of(reworded)) == ()


def test_planned_to_held_is_announced_and_nothing_else_about_status(catalog: Catalog) -> None:
    planned = [e for e in catalog.events if e.status is Status.PLANNED]
    assert planned, "the record has a planned event"
    held = with_events(
        catalog,
        tuple(
            dataclasses.replace(e, status=Status.HELD) if e.status is Status.PLANNED else e
            for e in catalog.events
        ),
    )
    changes = detect_changes(version_of(catalog), version_of(held))
    assert changes == tuple(Change(e.id, ChangeKind.HELD) for e in planned)
    assert detect_changes(version_of(held), version_of(catalog)) == ()  # held -> planned


def test_a_removed_event_is_not_news(catalog: Catalog) -> None:
    fewer = with_events(catalog, catalog.events[1:])
    assert detect_changes(version_of(catalog), version_of(fewer)) == ()


# -- filters --------------------------------------------------------------------------------


def test_every_category_and_city_name_in_every_language_resolves_to_itself(
    catalog: Catalog,
) -> None:
    for category in catalog.categories:
        for name in category.names.values():
            assert resolve_filter(catalog, name) == Filter("category", category.id), name
    for place in catalog.places:
        if place.kind == "city":
            for name in place.names.values():
                assert resolve_filter(catalog, name) == Filter("city", place.id), name


@pytest.mark.parametrize("typed", ["concerts", "концерты", "концерттер", "Concerten", "CONCERTS"])
def test_plural_and_other_scripts_find_the_category(catalog: Catalog, typed: str) -> None:
    assert resolve_filter(catalog, typed) == Filter("category", "concert")


def test_nonsense_finds_nothing(catalog: Catalog) -> None:
    assert resolve_filter(catalog, "xyzzy plugh") is None
    assert resolve_filter(catalog, "   ") is None


# -- queuing --------------------------------------------------------------------------------


def test_the_first_catalog_is_a_baseline_and_announces_nothing(
    store: NewsStore, catalog: Catalog
) -> None:
    store.subscribe(1, "en", Filter(""), TODAY)
    assert store.record_catalog(catalog, now=0) == ()
    assert store.pending_count() == 0


def test_each_matching_subscriber_gets_one_row_in_their_language(
    store: NewsStore, catalog: Catalog
) -> None:
    store.record_catalog(catalog, now=0)
    store.subscribe(1, "ky", Filter(""), TODAY)
    store.subscribe(2, "fr", Filter("category", "concert"), TODAY)
    store.subscribe(2, "fr", Filter("city", "brussels"), TODAY)  # two filters, one message
    store.subscribe(3, "nl", Filter("category", "exhibition"), TODAY)
    channel = Channel("@kg_be_news", "ru")
    changes = store.record_catalog(added(catalog), now=10, channel=channel)
    assert changes == (Change("2031-06-gala", ChangeKind.NEW),)
    rows = store.due(now=10)
    assert sorted((r.chat, r.language) for r in rows) == [
        ("1", "ky"),
        ("2", "fr"),
        ("@kg_be_news", "ru"),
    ]
    # the same catalog again, or a restart that records it again: nothing more
    assert store.record_catalog(added(catalog), now=20, channel=channel) == ()
    assert len(store.due(now=20)) == 3


def test_the_version_and_its_rows_are_one_transaction(
    store: NewsStore, catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.record_catalog(catalog, now=0)
    store.subscribe(1, "en", Filter(""), TODAY)

    def crash(*_: object, **__: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(NewsStore, "_queue", crash)
    with pytest.raises(OSError):
        store.record_catalog(added(catalog), now=5)
    monkeypatch.undo()
    # nothing was half-recorded: the next reload finds the change again
    assert store.record_catalog(added(catalog), now=6) == (Change("2031-06-gala", ChangeKind.NEW),)
    assert [r.chat for r in store.due(now=6)] == ["1"]


def test_reminders_go_the_day_before_only_once_and_only_with_a_known_day(
    store: NewsStore, catalog: Catalog
) -> None:
    store.subscribe(1, "ru", Filter(""), TODAY)
    day = new_event(catalog.events[0], "2031-05-02-day", start=PartialDate(2031, 5, 2))
    month = new_event(catalog.events[0], "2031-05-month", start=PartialDate(2031, 5))
    later = new_event(catalog.events[0], "2031-05-09-later", start=PartialDate(2031, 5, 9))
    future = with_events(catalog, (*catalog.events, day, month, later))
    assert store.plan_reminders(future, TODAY, now=0) == ("2031-05-02-day",)
    assert store.plan_reminders(future, TODAY, now=1) == ()
    assert [(r.event_id, r.change) for r in store.due(now=1)] == [
        ("2031-05-02-day", ChangeKind.REMINDER)
    ]


def test_forget_erases_the_chats_subscriptions_and_unsent_rows(
    store: NewsStore, catalog: Catalog
) -> None:
    store.record_catalog(catalog, now=0)
    store.subscribe(7, "en", Filter(""), TODAY)
    store.subscribe(7, "en", Filter("city", "ghent"), TODAY)
    store.subscribe(8, "en", Filter(""), TODAY)
    store.record_catalog(added(catalog), now=1)
    forgotten = store.forget(7)
    assert (forgotten.subscriptions, forgotten.pending) == (2, 1)
    assert store.subscriptions(7) == ()
    assert [r.chat for r in store.due(now=1)] == ["8"]
    assert store.forget(7).subscriptions == 0


def test_what_is_kept_about_a_subscriber_is_id_language_filter_and_date(
    store: NewsStore,
) -> None:
    store.subscribe(5, "ky", Filter("category", "concert"), TODAY)
    import sqlite3

    db = sqlite3.connect(store.path)
    columns = [row[1] for row in db.execute("PRAGMA table_info(subscriptions)")]
    assert columns == ["chat_id", "language", "filter", "since"]
    assert db.execute("SELECT * FROM subscriptions").fetchall() == [
        (5, "ky", "category:concert", "2031-05-01")
    ]


# -- delivering -----------------------------------------------------------------------------


class Telegram:
    """A transport that records what went where and when, and answers as told."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.sent: list[tuple[float, str, str]] = []  # (time, chat, event id)
        self.blocked: set[str] = set()
        self.flood_at: set[int] = set()  # the n-th call answers 429
        self.calls = 0

    async def __call__(self, item: OutboxItem) -> Delivery:
        self.calls += 1
        at = self.clock.now()  # when the request reached Telegram
        await asyncio.sleep(0)  # the answer comes back later
        if self.calls in self.flood_at:
            return Delivery(Outcome.FLOOD, retry_after=7)
        if item.chat in self.blocked:
            return Delivery(Outcome.BLOCKED)
        self.sent.append((at, item.chat, item.event_id))
        return Delivery(Outcome.SENT)


def fill(store: NewsStore, catalog: Catalog, subscribers: int) -> None:
    store.record_catalog(catalog, now=0)
    for chat in range(1, subscribers + 1):
        store.subscribe(chat, LANGUAGES[chat % 5], Filter(""), TODAY)
    store.record_catalog(added(catalog), now=0)


def assert_paced(sent: list[tuple[float, str, str]], per_second: float = 25) -> None:
    times = sorted(t for t, _, _ in sent)
    for index in range(len(times) - int(per_second)):
        assert times[index + int(per_second)] - times[index] >= 1.0 - 1e-9, "over 25 in 1 s"
    last: dict[str, float] = {}
    for at, chat, _ in sorted(sent):
        assert at - last.get(chat, -10.0) >= 1.0 - 1e-9, "two in one second to one chat"
        last[chat] = at


async def test_a_broadcast_to_500_is_paced_and_reaches_each_once(
    store: NewsStore, catalog: Catalog
) -> None:
    fill(store, catalog, 500)
    clock = FakeClock(0.0)
    telegram = Telegram(clock)
    tally = await Courier(store, telegram, clock).run_until_idle()
    assert tally.sent == 500
    assert Counter(chat for _, chat, _ in telegram.sent) == {str(c): 1 for c in range(1, 501)}
    assert_paced(telegram.sent)
    assert 19.0 <= clock.now() <= 21.0  # limits-bound: 500 at 25/s
    assert store.pending_count() == 0
    [progress] = store.progress()
    assert (progress.total, progress.sent, progress.pending) == (500, 500, 0)


async def test_a_blocked_chat_is_unsubscribed_and_the_rest_still_go(
    store: NewsStore, catalog: Catalog
) -> None:
    fill(store, catalog, 5)
    clock = FakeClock(0.0)
    telegram = Telegram(clock)
    telegram.blocked = {"3"}
    tally = await Courier(store, telegram, clock).run_until_idle()
    assert (tally.sent, tally.blocked) == (4, 1)
    assert store.subscriptions(3) == ()
    assert store.subscriptions(4) == (Filter(""),)
    assert store.progress()[0].blocked == 1


async def test_429_pauses_every_send_for_retry_after_and_loses_nothing(
    store: NewsStore, catalog: Catalog
) -> None:
    fill(store, catalog, 40)
    clock = FakeClock(0.0)
    telegram = Telegram(clock)
    telegram.flood_at = {10}
    await Courier(store, telegram, clock, in_flight=1).run_until_idle()
    assert Counter(chat for _, chat, _ in telegram.sent) == {str(c): 1 for c in range(1, 41)}
    times = sorted(t for t, _, _ in telegram.sent)
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert max(gaps) >= 7.0  # nobody was sent anything during the flood wait


async def test_a_crash_mid_broadcast_resumes_without_loss_or_repeat(
    tmp_path: Path, catalog: Catalog
) -> None:
    path = tmp_path / "news.sqlite3"
    store = NewsStore(path)
    fill(store, catalog, 500)
    clock = FakeClock(0.0)
    telegram = Telegram(clock)

    crash_after = 230

    async def dies_midway(item: OutboxItem) -> Delivery:
        if len(telegram.sent) >= crash_after:
            await asyncio.Event().wait()  # hangs: the process dies with these in flight
        return await telegram(item)

    courier = Courier(store, dies_midway, clock, grace_seconds=0)  # as kill -9: no grace
    task = asyncio.create_task(courier.run_until_idle())
    while len(telegram.sent) < crash_after:
        await asyncio.sleep(0)
    for _ in range(20):
        await asyncio.sleep(0)
    task.cancel()  # the database is left exactly as a kill -9 would leave it
    store.close()

    restarted = NewsStore(path)
    in_flight = restarted.recover()
    assert 0 < len(in_flight) <= 4  # never more than the in-flight bound is ambiguous
    assert not {i.chat for i in in_flight} & {chat for _, chat, _ in telegram.sent}
    await Courier(restarted, telegram, clock).run_until_idle()
    assert Counter(chat for _, chat, _ in telegram.sent) == {str(c): 1 for c in range(1, 501)}
    assert restarted.pending_count() == 0


async def test_a_clean_stop_lets_the_sends_on_the_wire_finish(
    store: NewsStore, catalog: Catalog
) -> None:
    fill(store, catalog, 50)
    clock = FakeClock(0.0)
    telegram = Telegram(clock)
    release = asyncio.Event()

    async def slow(item: OutboxItem) -> Delivery:
        if len(telegram.sent) >= 10:
            await release.wait()
        return await telegram(item)

    task = asyncio.create_task(Courier(store, slow, clock, grace_seconds=5).run_until_idle())
    while telegram.calls < 10:
        await asyncio.sleep(0)
    for _ in range(20):
        await asyncio.sleep(0)
    task.cancel()
    await asyncio.sleep(0)
    release.set()  # the answers come back during the grace period
    with pytest.raises(asyncio.CancelledError):
        await task
    assert store.recover() == ()  # nothing left in flight: nothing to send twice


def test_a_new_language_choice_rewords_the_next_announcements(
    store: NewsStore, catalog: Catalog
) -> None:
    store.record_catalog(catalog, now=0)
    store.subscribe(9, "ru", Filter(""), TODAY)
    store.set_language(9, "ky")
    store.record_catalog(added(catalog), now=1)
    assert [(r.chat, r.language) for r in store.due(now=1)] == [("9", "ky")]


def test_a_group_that_became_a_supergroup_keeps_its_subscription_and_queue(
    store: NewsStore, catalog: Catalog
) -> None:
    store.record_catalog(catalog, now=0)
    store.subscribe(-500, "fr", Filter("category", "concert"), TODAY)
    store.record_catalog(added(catalog), now=1)
    store.migrate(-500, -1000500)
    assert store.subscriptions(-500) == ()
    assert store.subscriptions(-1000500) == (Filter("category", "concert"),)
    assert [r.chat for r in store.due(now=1)] == ["-1000500"]
