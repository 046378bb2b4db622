"""The news buttons: Subscribe and the language picker under the welcome, "Add to calendar"
under an upcoming event's card, Share under an announcement. Callback data starts with `n|`
(n|sub|<lang>, n|lang|<lang>, n|ics|<lang>|<event id>); bot.telegram.news acts on it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from urllib.parse import quote

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.answering import Answer, Answerer
from bot.catalog.model import DEFAULT_LANGUAGE, Catalog, Event
from bot.catalog.upcoming import is_upcoming
from bot.rendering import Page, Texts, texts
from bot.telegram import keyboards as kb

PREFIX = "n|"
PICKER_ORDER = ("en", "ru", "ky", "fr", "nl")
KYRGYZ_FIRST = ("ky", "ru", "en", "fr", "nl")
"""Few phones report `ky`: people whose Telegram speaks ru or ky see Кыргызча first."""


def _button(text: str, data: str) -> InlineKeyboardButton:
    assert len(data.encode("utf-8")) <= 64
    return InlineKeyboardButton(text, callback_data=data)


def welcome_rows(
    markup: InlineKeyboardMarkup, words: Texts, telegram_language: str | None
) -> InlineKeyboardMarkup:
    """The welcome's buttons, then Subscribe, then the five languages (Кыргызча first for
    people whose Telegram speaks ru or ky)."""
    order = KYRGYZ_FIRST if (telegram_language or "")[:2] in ("ru", "ky") else PICKER_ORDER
    languages = [_button(kb.LANGUAGE_NAMES[code], f"{PREFIX}lang|{code}") for code in order]
    rows = [list(row) for row in markup.inline_keyboard]
    rows.append([_button(words.get("news_subscribe_button"), f"{PREFIX}sub|{words.language}")])
    rows.append(languages[:3])
    rows.append(languages[3:])
    return InlineKeyboardMarkup(rows)


def calendar_button(
    event: Event, words: Texts, today: date | None = None
) -> list[InlineKeyboardButton]:
    """An "Add to calendar" button under an upcoming event's card; none for past events."""
    today = today or datetime.now(UTC).date()
    if not is_upcoming(event, today):
        return []
    data = f"{PREFIX}ics|{words.language}|{event.id}"
    if len(data.encode("utf-8")) > 64:
        return []
    return [_button(words.get("news_add_to_calendar"), data)]


def announcement_keyboard(
    catalog: Catalog, event: Event, words: Texts, username: str, today: date, *, channel: bool
) -> InlineKeyboardMarkup | None:
    """Under an announcement: the cards' Share and Copy, then Add to calendar for an event still
    ahead. In a channel: Telegram's share page with the event's deep link, and "Open in the bot"
    (where the card has Add to calendar)."""
    if channel:  # a tap in a channel must not post to the channel: links only
        link = kb.deep_link(username, event.id)
        if not link:
            return None
        title = event.title.get(words.language) or event.title[DEFAULT_LANGUAGE]
        share = f"https://t.me/share/url?url={quote(link, safe='')}&text={quote(title, safe='')}"
        return InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(words.get("share_button"), url=share),
                    InlineKeyboardButton(words.get("tg_open_in_bot"), url=link),
                ]
            ]
        )
    rows: list[list[InlineKeyboardButton]] = [kb.share_row(catalog, event.id, words)]
    calendar = calendar_button(event, words, today)
    if calendar:
        rows.append(calendar)
    return InlineKeyboardMarkup(rows) if rows else None


def with_calendar(
    markup: InlineKeyboardMarkup | None, answer: Answer, page: Page, answerer: Answerer
) -> InlineKeyboardMarkup | None:
    """A card's buttons plus "Add to calendar" when it shows one upcoming event."""
    if len(page.event_ids) != 1 or not answer.shows_card:
        return markup
    event = answerer.catalog.event(page.event_ids[0])
    if event is None:
        return markup
    extra = calendar_button(event, texts(answerer.catalog, answer.language))
    if not extra:
        return markup
    rows = [list(row) for row in markup.inline_keyboard] if markup else []
    return InlineKeyboardMarkup([*rows, extra])
