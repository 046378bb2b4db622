"""The words of an announcement: a line saying what happened, then the event's card.

Rendered once per (event, change, language) and reused for every chat of a broadcast: 10,000
subscribers cost five renderings, not 10,000.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from functools import lru_cache

from bot.answering import Answerer
from bot.catalog.upcoming import first_day, is_upcoming
from bot.news.changes import ChangeKind
from bot.rendering import Texts, render_html
from bot.rendering.html import TELEGRAM_LIMIT
from bot.rendering.marks import HTML

HEADER_KEYS = {
    ChangeKind.NEW: "news_header_new",
    ChangeKind.HELD: "news_header_held",
    ChangeKind.REMINDER: "news_header_reminder",
}


class Announcer:
    """Announcement HTML for the catalog of one Answerer (a reload makes a new Announcer)."""

    def __init__(self, answerer: Answerer, share_url: Callable[[str], str] | None) -> None:
        self.answerer = answerer
        self._share_url = share_url
        self.html = lru_cache(maxsize=256)(self._html)

    def _html(self, event_id: str, change: ChangeKind, language: str, today: date) -> str | None:
        """None when the event is no longer in the data (a curator removed it meanwhile), or
        for a reminder whose event has already begun."""
        catalog = self.answerer.catalog
        event = catalog.event(event_id)
        card = self.answerer.card(event_id, language)
        if event is None or card is None:
            return None
        start = first_day(event)
        if change is ChangeKind.REMINDER and (start is None or start <= today):
            return None  # "tomorrow" would be wrong now (the bot was down): not sent
        words = Texts(catalog, language)
        header = words.get(HEADER_KEYS[change])
        if change is not ChangeKind.REMINDER and is_upcoming(event, today):
            words_part, colon = re.fullmatch(r"(.*?)(\s*:?)", header, re.S).groups()  # type: ignore[union-attr]
            header = f"{words_part} ({words.get('news_upcoming')}){colon}"  # French spacing kept
        head = HTML.bold(HTML.text(header)) + "\n\n"
        body = render_html(
            card, catalog, share_url=self._share_url, limit=TELEGRAM_LIMIT - len(head), today=today
        ).text
        return head + body
