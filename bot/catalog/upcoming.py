"""Which events are still to come, judged against today's date, at the source's precision."""

from __future__ import annotations

import calendar
from datetime import date

from bot.catalog.model import Event, PartialDate


def last_possible_day(value: PartialDate) -> date:
    """The day itself, or the month's last day when the source gives only the month."""
    day = value.day or calendar.monthrange(value.year, value.month)[1]
    return date(value.year, value.month, day)


def is_upcoming(event: Event, today: date) -> bool:
    """True while the event may still be ahead or under way: its last possible day is today or
    later. "June 2031" stays upcoming through 30 June 2031; nothing is invented about the day."""
    return last_possible_day(event.end or event.start) >= today


def first_day(event: Event) -> date | None:
    """The day it begins, when the source gives one."""
    start = event.start
    return None if start.day is None else date(start.year, start.month, start.day)
