"""The news feature of one Application: the core's News, the loop that announces and delivers,
the transport that performs one send, the bot's profile texts, and the admins' progress lines.

No handlers here (they are in news.py), and nothing from context.py, so BotContext can name this
type without an import cycle.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime

from telegram import Bot, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from bot.catalog.model import DEFAULT_LANGUAGE, LANGUAGES, Catalog
from bot.config import Settings
from bot.news.announce import Announcer
from bot.news.delivery import Delivery, Outcome
from bot.news.pacing import SystemClock
from bot.news.service import News
from bot.news.store import NewsStore, OutboxItem
from bot.rendering import Texts, texts
from bot.telegram import keyboards as kb
from bot.telegram.live import LiveData
from bot.telegram.news_keyboards import announcement_keyboard

log = logging.getLogger(__name__)

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


@dataclass
class TelegramNews:
    """The news feature of one Application: the core's News, and what sends need."""

    news: News
    data: LiveData
    retention_days: int
    conversation_minutes: float = 30.0
    _announcers: dict[int, Announcer] = field(default_factory=dict)
    _task: asyncio.Task[None] | None = None

    # ------------------------------------------------------------------ life cycle

    async def start(self, bot: Bot) -> None:
        """At start-up: the profile texts, then the loop that announces and delivers."""
        await set_profile(bot, self.data.latest().catalog)

        async def transport(item: OutboxItem) -> Delivery:
            return await self.deliver(bot, item)

        self._task = asyncio.create_task(
            self.news.run(lambda: self.data.latest().catalog, transport)
        )

    async def stop(self) -> None:
        """Stop the loop (sends on the wire may finish) and close the store; twice is fine."""
        task, self._task = self._task, None
        if task is None:
            return
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        self.news.store.close()

    # ------------------------------------------------------------------ the transport

    def announcer(self, bot: Bot) -> Announcer:
        answerer = self.data.latest()
        announcer = self._announcers.get(id(answerer))
        if announcer is None or announcer.answerer is not answerer:
            username = bot.username

            def share(event_id: str) -> str:
                return kb.deep_link(username, event_id) or ""

            announcer = Announcer(answerer, share)
            self._announcers = {id(answerer): announcer}
        return announcer

    async def deliver(self, bot: Bot, item: OutboxItem) -> Delivery:
        """One announcement to one chat; Telegram's answer as an Outcome."""
        today = datetime.now(UTC).date()
        announcer = self.announcer(bot)
        html = announcer.html(item.event_id, item.change, item.language, today)
        event = announcer.answerer.catalog.event(item.event_id)
        if html is None or event is None:
            return Delivery(Outcome.REFUSED)  # the event left the data meanwhile
        words = texts(announcer.answerer.catalog, item.language)
        announce_to = self.news.channel
        channel = announce_to is not None and item.chat == announce_to.chat
        markup = announcement_keyboard(
            announcer.answerer.catalog, event, words, bot.username, today, channel=channel
        )
        try:
            await bot.send_message(
                item.chat_id,
                html,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
                link_preview_options=NO_PREVIEW,
            )
        except Forbidden:
            return Delivery(Outcome.BLOCKED)
        except ChatMigrated as moved:
            if isinstance(item.chat_id, int):
                await asyncio.to_thread(self.news.store.migrate, item.chat_id, moved.new_chat_id)
            return Delivery(Outcome.RETRY)  # the row now names the new id
        except RetryAfter as flood:
            return Delivery(Outcome.FLOOD, retry_after=_seconds(flood.retry_after))
        except BadRequest as refused:
            log.info("announcement refused: %s", refused.message)
            return Delivery(Outcome.REFUSED)
        except NetworkError:
            return Delivery(Outcome.RETRY)
        return Delivery(Outcome.SENT)


def build_news(settings: Settings, data: LiveData) -> TelegramNews:
    store = NewsStore.in_state_dir(settings.state_dir)
    return TelegramNews(
        News(store, settings.news, SystemClock()),
        data,
        settings.missed_retention_days,
        settings.conversation_minutes,
    )


async def set_profile(bot: Bot, catalog: Catalog) -> None:
    """The bot's description (shown before /start) and short description (its profile), in
    each language and as the default; a refusal is logged, never fatal."""
    try:
        for language in (None, *LANGUAGES):
            words = texts(catalog, language or DEFAULT_LANGUAGE)
            await bot.set_my_description(words.get("news_bot_description"), language_code=language)
            await bot.set_my_short_description(
                words.get("news_bot_short_description"), language_code=language
            )
    except TelegramError as exc:
        log.warning("could not set the bot's description: %s", exc.message)


# ---------------------------------------------------------------------- commands


def stats_lines(feature_: TelegramNews, words: Texts) -> str:
    """/stats: subscribers, the queue, and how far the newest broadcasts have got; empty
    while nobody has subscribed and nothing was ever announced."""
    store = feature_.news.store
    if not store.subscriber_count() and not store.progress(limit=1):
        return ""
    lines = [
        words.get(
            "news_stats_header",
            subscribers=store.subscriber_count(),
            pending=store.pending_count(),
        )
    ]
    for progress in store.progress():
        lines.append(
            words.get(
                "news_stats_line",
                event=progress.event_id,
                change=progress.change.value,
                sent=progress.sent,
                total=progress.total,
                blocked=progress.blocked,
                failed=progress.failed,
                pending=progress.pending,
            )
        )
    return "\n".join(lines)


def _seconds(value: object) -> float:
    """RetryAfter.retry_after: an int today, a timedelta in a later PTB."""
    total = getattr(value, "total_seconds", None)
    return float(total()) if callable(total) else float(value)  # type: ignore[arg-type]
