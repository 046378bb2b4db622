"""Dates in words at the seed's precision: "12 December 2015", "June 2015", "2–5 March 2017"."""

from __future__ import annotations

from bot.catalog.model import Catalog, Event, Month, PartialDate, Status
from bot.rendering.texts import Texts


def _month(catalog: Catalog, number: int, language: str, *, with_day: bool) -> str:
    month = catalog.entity("month", str(number))  # month ids are "1".."12" (the loader checks)
    if not isinstance(month, Month):
        return str(number)
    if with_day:
        return month.with_day.get(language) or month.name(language)
    return month.name(language)


def month_name(catalog: Catalog, number: int, language: str) -> str:
    """The month's standalone form: "June", "июнь"."""
    return _month(catalog, number, language, with_day=False)


def month_with_day(catalog: Catalog, number: int, language: str) -> str:
    """The month's form after a day number: "декабря", "декабры"."""
    return _month(catalog, number, language, with_day=True)


def day_number(language: str, day: int) -> str:
    """The day as written before a month: French writes the first "1er" (1er mai)."""
    return "1er" if language == "fr" and day == 1 else str(day)


def format_date(catalog: Catalog, date: PartialDate, texts: Texts) -> str:
    lang = texts.language
    if date.day is None:
        return texts.get(
            "date_month", month=_month(catalog, date.month, lang, with_day=False), year=date.year
        )
    return texts.get(
        "date_day",
        day=day_number(lang, date.day),
        month=_month(catalog, date.month, lang, with_day=True),
        year=date.year,
    )


def format_span(catalog: Catalog, event: Event, texts: Texts) -> str:
    start, end = event.start, event.end
    if end is None or end == start:
        return format_date(catalog, start, texts)
    if (
        start.day is not None
        and end.day is not None
        and (start.year, start.month) == (end.year, end.month)
    ):
        return texts.get(
            "date_range_days_same_month",
            day1=day_number(texts.language, start.day),
            day2=end.day,
            month=_month(catalog, start.month, texts.language, with_day=True),
            year=start.year,
        )
    if start.year == end.year and (start.day is None) == (end.day is None):
        # "26 May – 2 June 2014", "January–February 2016": the year once.
        lang = texts.language
        if start.day is not None and end.day is not None:
            return texts.get(
                "date_range_days_same_year",
                day1=day_number(lang, start.day),
                month1=_month(catalog, start.month, lang, with_day=True),
                day2=day_number(lang, end.day),
                month2=_month(catalog, end.month, lang, with_day=True),
                year=start.year,
            )
        return texts.get(
            "date_range_months_same_year",
            month1=_month(catalog, start.month, lang, with_day=False),
            month2=_month(catalog, end.month, lang, with_day=False),
            year=start.year,
        )
    return texts.get(
        "date_range",
        start=format_date(catalog, start, texts),
        end=format_date(catalog, end, texts),
    )


def format_when(catalog: Catalog, event: Event, texts: Texts, *, inline: bool = False) -> str:
    """The date as a reader needs it: the span, and "(planned)" when the source says so.

    `inline` is for a date already in brackets ("… (September 2017, planned)").
    """
    span = format_span(catalog, event, texts)
    if event.status is Status.PLANNED:
        planned = texts.get("card_planned")
        return f"{span}, {planned}" if inline else f"{span} ({planned})"
    return span
