"""News as one object the adapter drives: what to answer to /subscribe, /unsubscribe, /forget,
and the loop that turns reloads into announcements and drains the outbox.

No Telegram here: the adapter passes a transport (one send) and says who may subscribe a
group; everything else is decided here and tested with a fake clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from bot.catalog.model import Catalog
from bot.config import NewsSettings
from bot.news.delivery import Courier, Transport
from bot.news.filters import Filter, resolve_filter
from bot.news.pacing import Clock, Pacer
from bot.news.store import Channel, Forgotten, NewsStore
from bot.rendering import Texts

log = logging.getLogger(__name__)

REMINDER_HOUR_UTC = 8
"""Reminders go out from 08:00 UTC the day before: 10:00 in Brussels, 14:00 in Bishkek."""
IDLE_SECONDS = 1.0
"""How often the loop looks for new data and due rows when nothing pokes it."""


@dataclass(frozen=True)
class Reply:
    """A locale key and its values: the adapter words it in the chat's language."""

    key: str
    values: dict[str, object]

    def say(self, words: Texts) -> str:
        return words.get(self.key, **self.values)


class News:
    """Subscriptions, announcements and reminders for one bot."""

    def __init__(
        self,
        store: NewsStore,
        settings: NewsSettings,
        clock: Clock,
        *,
        pacer: Pacer | None = None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.clock = clock
        self.pacer = pacer or Pacer(per_second=settings.messages_per_second)
        self.channel = (
            Channel(settings.channel, settings.channel_language) if settings.channel else None
        )
        self._poke = asyncio.Event()
        self._seen: Catalog | None = None
        self._planned_day: date | None = None

    # -- what people ask -----------------------------------------------------------------------

    def subscribe(self, catalog: Catalog, chat_id: int, language: str, wanted: str) -> Reply:
        """/subscribe [kind or city]: the reply to give."""
        choice = Filter("")
        if wanted.strip():
            found = resolve_filter(catalog, wanted)
            if found is None:
                return Reply(
                    "news_unknown_filter",
                    {"text": wanted.strip()[:60], "choices": _choices(catalog, language)},
                )
            choice = found
        added = self.store.subscribe(chat_id, language, choice, self._today())
        if not added:
            return Reply("news_already_subscribed", {})
        if choice.kind:
            return Reply("news_subscribed_filter", {"filter": choice.name(catalog, language)})
        return Reply("news_subscribed_all", {})

    def unsubscribe(self, chat_id: int) -> Reply:
        removed = self.store.unsubscribe(chat_id)
        return Reply("news_unsubscribed" if removed else "news_not_subscribed", {})

    def forget(self, chat_id: int, *, had_language: bool) -> Reply:
        """/forget: the store's part; the adapter erases the language choice itself and says
        whether there was one."""
        gone: Forgotten = self.store.forget(chat_id)
        if not (gone.subscriptions or gone.pending or had_language):
            return Reply("news_forget_nothing", {})
        return Reply(
            "news_forget_done", {"subscriptions": gone.subscriptions, "pending": gone.pending}
        )

    @staticmethod
    def forget_reply(had_language: bool) -> Reply:
        """/forget by someone who may not erase the chat's rows (a group member): only their
        language choice went."""
        if had_language:
            return Reply("news_forget_done", {"subscriptions": 0, "pending": 0})
        return Reply("news_forget_nothing", {})

    def set_language(self, chat_id: int, language: str) -> None:
        self.store.set_language(chat_id, language)

    # -- the loop ------------------------------------------------------------------------------

    def poke(self) -> None:
        """Something changed (a reload, a subscription): look now rather than in a second."""
        self._poke.set()

    @property
    def last_recorded(self) -> Catalog | None:
        """The catalog the loop last compared (for /stats and tests: has a reload been seen?)."""
        return self._seen

    def notice(self, catalog: Catalog) -> None:
        """Queue what this catalog brings, once per catalog object (cheap to call often)."""
        if catalog is self._seen:
            return
        self._seen = catalog
        self.store.record_catalog(catalog, now=self.clock.now(), channel=self.channel)
        self._planned_day = None  # a new event may start tomorrow

    def plan_reminders(self, catalog: Catalog) -> None:
        """Once a day (and after each reload): reminders for tomorrow's events."""
        if not self.settings.reminders:
            return
        today = self._today()
        if self._planned_day == today:
            return
        self._planned_day = today
        opening = datetime.combine(today, time(REMINDER_HOUR_UTC), tzinfo=UTC).timestamp()
        self.store.plan_reminders(catalog, today, now=max(self.clock.now(), opening))

    async def run(self, latest: Callable[[], Catalog], transport: Transport) -> None:
        """Until cancelled: record each new catalog, plan reminders, deliver what is due."""
        if self.store.recover() or self.store.pending_count():
            # A broadcast resumed after a stop or a crash: what the last run sent in its last
            # second still counts with Telegram, per chat and overall; start a second later.
            self.pacer.pause(self.clock.now() + self.pacer.chat_seconds)
        courier = Courier(self.store, transport, self.clock, self.pacer)
        while True:
            try:
                catalog = latest()
                await asyncio.to_thread(self.notice, catalog)
                self.plan_reminders(catalog)
                await courier.run_until_idle(wait_for_retries=IDLE_SECONDS)
            except asyncio.CancelledError:
                raise
            except Exception:  # the loop must outlive a surprise; rows stay queued
                log.exception("the news loop failed; trying again shortly")
            self._poke.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._poke.wait(), timeout=IDLE_SECONDS)

    def _today(self) -> date:
        return datetime.fromtimestamp(self.clock.now(), UTC).date()


def _choices(catalog: Catalog, language: str, limit: int = 8) -> str:
    """A few kinds and cities that have events, as examples of what /subscribe takes."""
    names = [
        entity.name(language)
        for entity in catalog.categories
        if entity.id in catalog.used_categories
    ][:limit]
    names += [place.name(language) for place in catalog.places if place.id in catalog.used_cities][
        :4
    ]
    return ", ".join(names)
