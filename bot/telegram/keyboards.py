"""Inline keyboards: paging, a button per event, follow-up chips, menus, language picker."""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable, Sequence

from telegram import (
    CopyTextButton,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    SwitchInlineQueryChosenChat,
)

from bot.answering import Answer
from bot.catalog.model import LANGUAGES, Catalog
from bot.rendering import Page, Texts
from bot.rendering.describe import button_title, suggestion_label
from bot.sharing import quotable_line
from bot.telegram import callbacks as cb
from bot.text import clip

LANGUAGE_NAMES = {
    "en": "🇬🇧 English",
    "ru": "🇷🇺 Русский",
    "ky": "🇰🇬 Кыргызча",
    "fr": "🇫🇷 Français",
    "nl": "🇳🇱 Nederlands",
}
BUTTON_TEXT = 48  # longer labels get cut by Telegram clients anyway
MAX_CHIPS = 6
DEEP_LINK_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")
GROUP_PAYLOAD = "group"
"""The ?startgroup= payload of /help's "add me to a group" link (the greeting does the rest)."""


def deep_link(bot_username: str, event_id: str) -> str | None:
    """t.me/<bot>?start=<event id>: opens the event's card; None if the id cannot be a payload."""
    if not bot_username or not DEEP_LINK_PAYLOAD.fullmatch(event_id):
        return None
    return f"https://t.me/{bot_username}?start={event_id}"


def _button(text: str, action: cb.Action) -> InlineKeyboardButton:
    return InlineKeyboardButton(clip(text, BUTTON_TEXT), callback_data=cb.encode(action))


ROWS_KEPT = 512
"""Event rows (a card button, a Share/Copy pair) kept for reuse: popular events' rows are
made once, not per reply; bounded, since a catalog may hold 100,000 events x 5 languages."""

Row = list[InlineKeyboardButton]


class _EventRows:
    """The rows that depend only on the catalog, the language and the event, made once.

    PTB's buttons are immutable, so one row object can sit under any number of replies. Only
    the latest catalog's rows are kept: a reload starts afresh (an id names another event
    after an edit)."""

    def __init__(self) -> None:
        self._catalog: Catalog | None = None
        self._rows: OrderedDict[tuple[str, str, str], tuple[InlineKeyboardButton, ...]] = (
            OrderedDict()
        )

    def get(self, catalog: Catalog, key: tuple[str, str, str], make: Callable[[], Row]) -> Row:
        """A new list each time (callers may add to it), of the same button objects."""
        if catalog is not self._catalog:
            self._catalog = catalog
            self._rows.clear()
        row = self._rows.get(key)
        if row is None:
            row = self._rows[key] = tuple(make())
            if len(self._rows) > ROWS_KEPT:
                self._rows.popitem(last=False)
        else:
            self._rows.move_to_end(key)
        return list(row)


_EVENT_ROWS = _EventRows()


def answer_keyboard(
    answer: Answer,
    page: Page,
    catalog: Catalog,
    bot_username: str,
    words: Texts,
    *,
    menu: bool = False,
) -> InlineKeyboardMarkup | None:
    """Buttons under one page of an answer.

    A button per event on the page (opens its card), ◀ n/m ▶ when there are several pages and
    the answer can be replayed, follow-up chips, and "back to menu" for lists from /events.
    """
    lang = answer.language
    rows: list[list[InlineKeyboardButton]] = []
    if answer.shows_card:
        event = catalog.event(page.event_ids[0]) if page.event_ids else None
        if event is not None:
            rows.append(share_row(catalog, event.id, words))
    else:  # a card already carries its share link in the text
        for event_id in page.event_ids:
            if catalog.event(event_id) is not None:
                rows.append(card_row(catalog, event_id, words))
    if page.page_count > 1 and answer.token:
        nav: list[InlineKeyboardButton] = []
        if page.page > 0:
            nav.append(_button("◀", cb.ShowPage(lang, page.page - 1, answer.token, menu)))
        nav.append(_button(f"{page.page + 1}/{page.page_count}", cb.Noop()))
        if page.page < page.page_count - 1:
            nav.append(_button("▶", cb.ShowPage(lang, page.page + 1, answer.token, menu)))
        rows.append(nav)
    labels = [(s, suggestion_label(catalog, s, words)) for s in answer.suggestions[:MAX_CHIPS]]
    chips = [_button(label, cb.Follow(lang, s.token)) for s, label in labels if s.token and label]
    rows.extend(chips[i : i + 2] for i in range(0, len(chips), 2))
    if menu:
        rows.append([_button(words.get("tg_back_to_menu"), cb.Menu(lang))])
    return InlineKeyboardMarkup(rows) if rows else None


def fact_keyboard(
    words: Texts, catalog: Catalog | None = None, event_id: str | None = None
) -> InlineKeyboardMarkup:
    """ "Another fact", under the Share and Copy buttons of the fact's card."""
    rows = [[_button(words.get("tg_another_fact"), cb.AnotherFact(words.language))]]
    if catalog is not None and event_id is not None and catalog.event(event_id) is not None:
        rows.insert(0, share_row(catalog, event_id, words))
    return InlineKeyboardMarkup(rows)


def card_row(catalog: Catalog, event_id: str, words: Texts) -> Row:
    """One button opening the event's card: "2019 · <title>" (the event must exist)."""

    def make() -> Row:
        event = catalog.event(event_id)
        assert event is not None
        title = button_title(event, words)
        return [_button(f"{event.start.year} · {title}", cb.OpenCard(words.language, event_id))]

    return _EVENT_ROWS.get(catalog, ("card", words.language, event_id), make)


def share_row(catalog: Catalog, event_id: str, words: Texts) -> Row:
    """Share: Telegram's chat picker with the card ready to send (an inline query for the
    event's id); Copy: one quotable line (title, date, place, source) for a speech or e-mail."""
    return _EVENT_ROWS.get(
        catalog, ("share", words.language, event_id), lambda: _share_row(catalog, event_id, words)
    )


def _share_row(catalog: Catalog, event_id: str, words: Texts) -> Row:
    event = catalog.event(event_id)
    assert event is not None
    chosen = SwitchInlineQueryChosenChat(
        query=event_id, allow_user_chats=True, allow_group_chats=True, allow_channel_chats=True
    )
    line = quotable_line(catalog, event, words.language)
    return [
        InlineKeyboardButton(words.get("share_button"), switch_inline_query_chosen_chat=chosen),
        InlineKeyboardButton(words.get("copy_button"), copy_text=CopyTextButton(line)),
    ]


def add_to_group_keyboard(bot_username: str, words: Texts) -> InlineKeyboardMarkup | None:
    """/help's "Add me to a group": Telegram's group picker, then the bot greets the group."""
    if not bot_username:
        return None
    link = f"https://t.me/{bot_username}?startgroup={GROUP_PAYLOAD}"
    return InlineKeyboardMarkup([[InlineKeyboardButton(words.get("group_add_button"), url=link)]])


def open_in_bot_keyboard(
    event_id: str, bot_username: str, words: Texts
) -> InlineKeyboardMarkup | None:
    """Under a card sent through inline mode: the deep link that opens it in the bot."""
    link = deep_link(bot_username, event_id)
    if link is None:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(words.get("tg_open_in_bot"), url=link)]])


def examples_keyboard(examples: Sequence[str], language: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[_button(text, cb.Example(language, i))] for i, text in enumerate(examples)]
    )


def example_buttons(examples: Sequence[tuple[int, str]], language: str) -> InlineKeyboardMarkup:
    """(index, question) pairs as Example buttons: the index is the question's place in
    BotContext.examples, so the button still means the same question after a restart."""
    return InlineKeyboardMarkup([[_button(text, cb.Example(language, i))] for i, text in examples])


def language_keyboard() -> InlineKeyboardMarkup:
    buttons = [_button(LANGUAGE_NAMES[code], cb.SetLanguage(code)) for code in LANGUAGES]
    return InlineKeyboardMarkup([buttons[:3], buttons[3:]])


def events_menu(words: Texts) -> InlineKeyboardMarkup:
    lang = words.language
    return InlineKeyboardMarkup(
        [
            [
                _button(words.get("tg_by_year"), cb.Menu(lang, "year")),
                _button(words.get("tg_by_category"), cb.Menu(lang, "category")),
            ],
            [
                _button(words.get("tg_by_city"), cb.Menu(lang, "city")),
                _button(words.get("tg_all_events"), cb.Browse(lang, "all")),
            ],
        ]
    )


def choices_keyboard(
    choices: Sequence[tuple[str, str]], kind: str, words: Texts, per_row: int
) -> InlineKeyboardMarkup:
    """(value, label) pairs as Browse buttons, then "back to menu"."""
    lang = words.language
    buttons = [_button(label, cb.Browse(lang, kind, value)) for value, label in choices]
    rows = [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]
    rows.append([_button(words.get("tg_back_to_menu"), cb.Menu(lang))])
    return InlineKeyboardMarkup(rows)
