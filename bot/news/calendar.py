"""An event as an iCalendar file (RFC 5545), for the card's "Add to calendar" button.

Only as precise as the seed: a day gives an all-day event (VALUE=DATE, no invented hour); a
month alone gives no file at all, since a calendar entry must have a day.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.catalog.model import Catalog, Event, PartialDate
from bot.rendering.describe import event_place

PRODUCT = "-//kg-be-bot//Kyrgyzstan-Belgium ties//EN"
UID_DOMAIN = "kg-be-bot"
MAX_OCTETS = 75  # RFC 5545 3.1: lines longer than this are folded


def has_calendar_file(event: Event) -> bool:
    """Whether the source gives a day (start, and end when there is one)."""
    return event.start.day is not None and (event.end is None or event.end.day is not None)


def event_ics(catalog: Catalog, event: Event, language: str, stamp: datetime) -> bytes | None:
    """The .ics file of one event in one language, or None when the source gives no day.

    Args:
        catalog: for the names of the venue and cities.
        event: the event.
        language: the language of the title, description and place.
        stamp: when the file is made (DTSTAMP), timezone-aware.
    """
    if not has_calendar_file(event):
        return None
    first = _day(event.start)
    last = _day(event.end) if event.end is not None else first
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{event.id}@{UID_DOMAIN}",
        f"DTSTAMP:{stamp.astimezone(UTC):%Y%m%dT%H%M%SZ}",
        f"DTSTART;VALUE=DATE:{first:%Y%m%d}",
        f"DTEND;VALUE=DATE:{last + timedelta(days=1):%Y%m%d}",  # exclusive: the day after
        f"SUMMARY:{escape_text(event.title.get(language) or event.title['en'])}",
        f"DESCRIPTION:{escape_text(event.summary.get(language) or event.summary['en'])}",
    ]
    place = event_place(catalog, event, language)
    if place:
        lines.append(f"LOCATION:{escape_text(place)}")
    lines += ["TRANSP:TRANSPARENT", "END:VEVENT", "END:VCALENDAR"]
    return "".join(fold_line(line) + "\r\n" for line in lines).encode("utf-8")


def file_name(event: Event) -> str:
    return f"{event.id}.ics"


def escape_text(text: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11): backslash, semicolon, comma, newline."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold_line(line: str) -> str:
    """Fold at 75 octets without splitting a UTF-8 character (continuations start with a
    space, which counts towards their 75)."""
    pieces: list[str] = []
    current = ""
    size = 0
    limit = MAX_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append(current)
            current, size, limit = "", 0, MAX_OCTETS - 1
        current += char
        size += width
    pieces.append(current)
    return "\r\n ".join(pieces)


def _day(value: PartialDate) -> date:
    assert value.day is not None
    return date(value.year, value.month, value.day)
