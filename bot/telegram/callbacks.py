"""Callback data: compact, versioned, self-contained, at most 64 bytes in UTF-8.

A button carries everything needed to act on it (the core's replay token, an event id, a
language code), so it still works after a restart and on another replica. Decoding never
raises: anything stale, foreign or forged decodes to None and the user gets a short notice.

Layout: `<version>|<kind>|<fields...>`, with the free-form token always last.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.catalog.model import LANGUAGES

VERSION = "1"
MAX_BYTES = 64
SEP = "|"

_EVENT_ID = re.compile(r"\d{4}-\d{2}-[a-z0-9-]{1,50}")
_SLUG = re.compile(r"[a-z0-9-]{1,40}")
_TOKEN = re.compile(r"[\x21-\x7e]{1,48}")  # the core promises ASCII, at most 48 bytes


@dataclass(frozen=True)
class ShowPage:
    """◀ / ▶: page `page` of the answer `token` stands for, edited in place."""

    language: str
    page: int
    token: str
    menu: bool = False  # keep the "back to the /events menu" button


@dataclass(frozen=True)
class OpenCard:
    """A button per event: its card, as a new message."""

    language: str
    event_id: str


@dataclass(frozen=True)
class Follow:
    """A suggestion chip (same year, same city, same category): a new answer."""

    language: str
    token: str


@dataclass(frozen=True)
class Example:
    """An example question (welcome or fallback), by its index in BotContext.examples."""

    language: str
    index: int


@dataclass(frozen=True)
class SetLanguage:
    language: str


@dataclass(frozen=True)
class Menu:
    """The /events menu: `which` is "" (top), "year", "category" or "city"."""

    language: str
    which: str = ""


@dataclass(frozen=True)
class Browse:
    """A list from the /events menu: kind "year" | "category" | "city" | "all"."""

    language: str
    kind: str
    value: str = ""


@dataclass(frozen=True)
class AnotherFact:
    language: str


@dataclass(frozen=True)
class GameNext:
    """The host's "Next question" under question `position` of quiz round `round_id`."""

    language: str
    round_id: int
    position: int


@dataclass(frozen=True)
class Noop:
    """The page counter between ◀ and ▶: tapping it does nothing."""


Action = (
    ShowPage
    | OpenCard
    | Follow
    | Example
    | SetLanguage
    | Menu
    | Browse
    | AnotherFact
    | GameNext
    | Noop
)

_MENUS = {"": "-", "year": "y", "category": "c", "city": "t"}
_BROWSE = {"year": "y", "category": "c", "city": "t", "all": "a"}


def encode(action: Action) -> str:
    """The callback_data string for an action.

    Raises:
        ValueError: when it would not fit in Telegram's 64 bytes (a bug, never user input).
    """
    match action:
        case ShowPage(language, page, token, menu):
            parts = ["p", language, str(page), "m" if menu else "-", token]
        case OpenCard(language, event_id):
            parts = ["e", language, event_id]
        case Follow(language, token):
            parts = ["s", language, token]
        case Example(language, index):
            parts = ["x", language, str(index)]
        case SetLanguage(language):
            parts = ["l", language]
        case Menu(language, which):
            parts = ["m", language, _MENUS[which]]
        case Browse(language, kind, value):
            parts = ["b", language, _BROWSE[kind], value]
        case AnotherFact(language):
            parts = ["f", language]
        case GameNext(language, round_id, position):
            parts = ["g", language, str(round_id), str(position)]
        case Noop():
            parts = ["n"]
    data = SEP.join([VERSION, *parts])
    if len(data.encode("utf-8")) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


def decode(data: str | None) -> Action | None:
    """The action a button stands for, or None for anything stale, foreign or forged."""
    if not data or len(data.encode("utf-8")) > MAX_BYTES:
        return None
    parts = data.split(SEP)
    if len(parts) < 2 or parts[0] != VERSION:
        return None
    kind, fields = parts[1], parts[2:]
    if kind == "n":
        return Noop() if not fields else None
    if not fields or fields[0] not in LANGUAGES:
        return None
    language, rest = fields[0], fields[1:]
    try:
        return _decode_kind(kind, language, rest)
    except (ValueError, KeyError):
        return None


def _decode_kind(kind: str, language: str, rest: list[str]) -> Action | None:
    if kind == "p" and len(rest) >= 3:
        page, menu, token = rest[0], rest[1], SEP.join(rest[2:])
        if (
            not page.isdigit()
            or int(page) > 999
            or menu not in "m-"
            or not _TOKEN.fullmatch(token)
        ):
            return None
        return ShowPage(language, int(page), token, menu == "m")
    if kind == "e" and len(rest) == 1 and _EVENT_ID.fullmatch(rest[0]):
        return OpenCard(language, rest[0])
    if kind == "s" and rest and _TOKEN.fullmatch(SEP.join(rest)):
        return Follow(language, SEP.join(rest))
    if kind == "x" and len(rest) == 1 and rest[0].isdigit() and int(rest[0]) < 10:
        return Example(language, int(rest[0]))
    if kind == "l" and not rest:
        return SetLanguage(language)
    if kind == "m" and len(rest) == 1:
        which = {v: k for k, v in _MENUS.items()}[rest[0]]
        return Menu(language, which)
    if kind == "b" and len(rest) == 2:
        browse = {v: k for k, v in _BROWSE.items()}[rest[0]]
        value = rest[1]
        if browse == "year" and not (value.isdigit() and len(value) == 4):
            return None
        if browse in ("category", "city") and not _SLUG.fullmatch(value):
            return None
        if browse == "all" and value:
            return None
        return Browse(language, browse, value)
    if kind == "f" and not rest:
        return AnotherFact(language)
    if kind == "g" and len(rest) == 2 and all(r.isdigit() and len(r) <= 12 for r in rest):
        return GameNext(language, int(rest[0]), int(rest[1]))
    return None
