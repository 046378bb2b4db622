"""The .ics file, "upcoming", and the privacy texts: what a user can check by reading them."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from bot.answering import Answerer
from bot.catalog.model import LANGUAGES, PartialDate
from bot.catalog.upcoming import is_upcoming
from bot.news.calendar import event_ics, fold_line, has_calendar_file
from tests.news_helpers import new_event

STAMP = datetime(2031, 5, 1, 12, 0, tzinfo=UTC)


def unfold(ics: bytes) -> list[str]:
    text = ics.decode("utf-8")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    return text.replace("\r\n ", "").split("\r\n")[:-1]


def test_every_event_with_a_day_gives_an_all_day_entry_in_every_language(
    answerer: Answerer,
) -> None:
    catalog = answerer.catalog
    with_day = [e for e in catalog.events if has_calendar_file(e)]
    assert with_day
    for event in with_day:
        for language in LANGUAGES:
            ics = event_ics(catalog, event, language, STAMP)
            assert ics is not None
            for physical in ics.split(b"\r\n"):
                assert len(physical) <= 75  # folded, never splitting a UTF-8 character
                physical.decode("utf-8")
            lines = unfold(ics)
            assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
            assert f"DTSTART;VALUE=DATE:{event.start.iso().replace('-', '')}" in lines
            assert not any(re.match(r"DT(START|END):\d{8}T", line) for line in lines)  # no hour
            summary = next(line for line in lines if line.startswith("SUMMARY:"))
            assert (
                summary.removeprefix("SUMMARY:").replace("\\,", ",").replace("\\;", ";")
                == (event.title[language])
            )
            assert f"UID:{event.id}@kg-be-bot" in lines
            assert "DTSTAMP:20310501T120000Z" in lines


def test_a_month_only_event_gives_no_file(answerer: Answerer) -> None:
    catalog = answerer.catalog
    month_only = [e for e in catalog.events if e.start.day is None]
    assert month_only
    for event in month_only:
        assert event_ics(catalog, event, "en", STAMP) is None


def test_the_end_is_the_day_after_the_last_day(answerer: Answerer) -> None:
    event = new_event(answerer.catalog.events[0], "x", start=PartialDate(2031, 12, 31))
    lines = unfold(event_ics(answerer.catalog, event, "ky", STAMP) or b"")
    assert "DTEND;VALUE=DATE:20320101" in lines


def test_an_event_without_a_city_has_no_location(answerer: Answerer) -> None:
    catalog = answerer.catalog
    event = new_event(catalog.events[0], "x", start=PartialDate(2031, 6, 1), cities=())
    assert not any(
        line.startswith("LOCATION")
        for line in unfold(event_ics(catalog, event, "en", STAMP) or b"")
    )
    placed = new_event(catalog.events[0], "y", start=PartialDate(2031, 6, 1))
    assert "LOCATION:Brussels" in unfold(event_ics(catalog, placed, "en", STAMP) or b"")


def test_folding_keeps_multibyte_letters_whole() -> None:
    line = "SUMMARY:" + "Кыргызстан жана Бельгия " * 10
    folded = fold_line(line)
    assert folded.replace("\r\n ", "") == line
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))


def test_upcoming_follows_the_sources_precision(answerer: Answerer) -> None:
    template = answerer.catalog.events[0]
    june = new_event(template, "m", start=PartialDate(2031, 6))
    assert is_upcoming(june, date(2031, 6, 30))
    assert not is_upcoming(june, date(2031, 7, 1))
    day = new_event(template, "d", start=PartialDate(2031, 6, 12))
    assert is_upcoming(day, date(2031, 6, 12)) and not is_upcoming(day, date(2031, 6, 13))
    assert not any(is_upcoming(e, date(2026, 11, 29)) for e in answerer.catalog.events)


def test_privacy_says_what_is_kept_for_how_long_and_how_to_erase_it(answerer: Answerer) -> None:
    for language in LANGUAGES:
        text = answerer.catalog.locales[language]["news_privacy"]
        assert "{days}" in text and "{minutes}" in text
        assert "/forget" in text and "/unsubscribe" in text
        assert text.count("\n•") == 7  # language, subscriptions, queue, misses, counts, talk, quiz


def test_the_profile_texts_fit_telegrams_limits(answerer: Answerer) -> None:
    for language in LANGUAGES:
        texts = answerer.catalog.locales[language]
        assert 0 < len(texts["news_bot_description"]) <= 512
        assert 0 < len(texts["news_bot_short_description"]) <= 120


def test_lists_and_cards_mark_what_is_still_ahead(answerer: Answerer) -> None:
    from bot.answering import Answerer as Core
    from bot.rendering import render_html
    from tests.news_helpers import with_events

    catalog = answerer.catalog
    gala = new_event(catalog.events[-1], "2031-06-gala", start=PartialDate(2031, 6, 12))
    core = Core(with_events(catalog, (*catalog.events, gala)))
    for language in LANGUAGES:
        upcoming = core.catalog.locales[language]["news_upcoming"]
        card = core.card("2031-06-gala", language)
        assert card is not None
        ahead = render_html(card, core.catalog, today=date(2031, 5, 1)).text
        after = render_html(card, core.catalog, today=date(2031, 7, 1)).text
        assert f"({upcoming})" in ahead and f"({upcoming})" not in after
        past = core.card(catalog.events[0].id, language)
        assert past is not None
        assert f"({upcoming})" not in render_html(past, core.catalog, today=date(2031, 5, 1)).text

    listing = core.answer("concerts", "en")
    assert len(listing.event_ids) > 1 and "2031-06-gala" in listing.event_ids
    last_page = (len(listing.event_ids) - 1) // 8
    text = render_html(listing, core.catalog, page=last_page, today=date(2031, 5, 1)).text
    assert text.count("(upcoming)") == 1
