"""Answer -> Telegram HTML pages: escaped, Telegram's tags only, each within 4096 characters."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from bot.answer import Answer, Intent
from bot.catalog.model import Catalog, Event, Status
from bot.catalog.upcoming import is_upcoming
from bot.rendering.dates import format_span, format_when
from bot.rendering.describe import entity_name, event_place
from bot.rendering.roles import ROLE_MARKS, involved, role_label
from bot.rendering.texts import Texts

TELEGRAM_LIMIT = 4096
DEFAULT_PAGE_SIZE = 8


@dataclass(frozen=True)
class Page:
    text: str  # Telegram HTML
    page: int  # 0-based
    page_count: int
    event_ids: tuple[str, ...]  # the events listed on this page, in order


def esc(text: object) -> str:
    return escape(str(text), quote=False)


def render_html(
    answer: Answer,
    catalog: Catalog,
    *,
    page: int = 0,
    page_size: int = DEFAULT_PAGE_SIZE,
    share_url: Callable[[str], str] | None = None,
    limit: int | None = TELEGRAM_LIMIT,
    today: datetime.date | None = None,
) -> Page:
    """One page of the reply. `page` is clamped into range, so a stale button still works.

    Args:
        answer: what the core decided.
        page: 0-based page number.
        page_size: events per page for lists. A line is at most about 300 characters (titles
            are validated to 80), so the default page stays far below Telegram's limit.
        share_url: event id -> deep link; cards then carry a share link.
        limit: the most characters a page may have; None for the terminal.
        today: the adapter's date; events still ahead of it are marked "upcoming". None
            marks nothing (the core reads no clock).
    Returns:
        The page; only its own events are formatted, so a 10,000-event list costs a page.
    """
    texts = Texts(catalog, answer.language)
    ids = answer.event_ids
    head = _lead(answer, catalog, texts, ids)
    if len(ids) == 1 and answer.intent in (Intent.DETAIL, Intent.FIRST, Intent.LATEST):
        body = _card(_event(catalog, ids[0]), catalog, texts, share_url, today)
        text = "\n\n".join(part for part in (head, body) if part)
        return Page(_fit(text, limit), 0, 1, ids)

    size = max(1, page_size)
    page_count = max(1, -(-len(ids) // size))
    index = min(max(page, 0), page_count - 1)
    shown = ids[index * size : (index + 1) * size]
    parts = [head] if head else []
    if shown:
        parts.append("\n".join(_line(_event(catalog, i), catalog, texts, today) for i in shown))
    if page_count > 1:
        parts.append("<i>" + esc(texts.get("page_of", page=index + 1, pages=page_count)) + "</i>")
    return Page(_fit("\n\n".join(parts), limit), index, page_count, shown)


def _event(catalog: Catalog, event_id: str) -> Event:
    event = catalog.event(event_id)
    if event is None:
        raise KeyError(f"unknown event id in an answer: {event_id}")
    return event


def _fit(text: str, limit: int | None) -> str:
    """A last guard: never more than Telegram accepts, cut at a line break (tags never span
    lines in these replies, so the cut keeps the HTML balanced)."""
    if limit is None or len(text) <= limit:
        return text
    cut = text.rfind("\n", 0, limit - 1)
    return text[: cut if cut > 0 else 0] + "\n…"


def _lead(answer: Answer, catalog: Catalog, texts: Texts, ids: tuple[str, ...]) -> str:
    """The text before the events: header, count, date or fact; all of it for smalltalk."""
    events = [_event(catalog, i) for i in ids[:3]]  # the lead never names more than three
    intent = answer.intent
    described = ", ".join(answer.filter_words)
    filter_text = texts.get("list_filter_intro", filter=described) if described else ""
    examples = texts.get("example_questions").replace(" | ", " · ")

    if intent in (Intent.GREETING, Intent.HELP, Intent.THANKS, Intent.OUT_OF_SCOPE):
        key = {
            Intent.GREETING: "greeting",
            Intent.HELP: "help" if answer.question.strip() else "empty_question",
            Intent.THANKS: "thanks",
            Intent.OUT_OF_SCOPE: "out_of_scope",
        }[intent]
        years = catalog.years
        return esc(
            texts.get(
                key,
                examples=examples,
                count=len(catalog.events),
                first=years[0] if years else "",
                last=years[-1] if years else "",
            )
        )
    if intent is Intent.PLACES:
        counts = {
            city: sum(city in e.cities for e in catalog.events) for city in catalog.used_cities
        }
        ranked = sorted(counts, key=lambda city: (-counts[city], city))
        places = ", ".join(
            f"{entity_name(catalog, 'place', city, texts.language)} ({counts[city]})"
            for city in ranked
        )
        without = sum(not e.cities for e in catalog.events)
        lines = [esc(texts.get("places_list", places=places))]
        if without:
            lines.append(esc(texts.get("places_no_city", count=without)))
        return "\n".join(lines)
    if intent is Intent.CLARIFY:
        options = "\n".join(f"• {esc(s.label)}" for s in answer.suggestions if s.kind == "reading")
        return f"<b>{esc(texts.get('did_you_mean'))}</b>\n{options}"
    if answer.no_match:
        return _no_match(answer, catalog, texts, described)
    if intent is Intent.OVERVIEW:
        topics = [t for t in catalog.topics if answer.topic_id in (None, t.id)]
        blocks = [
            f"<b>{esc(t.title.get(texts.language) or t.title['en'])}</b>\n"
            f"{esc(t.summary.get(texts.language) or t.summary['en'])}"
            for t in topics
        ]
        blocks.append(f"<b>{esc(texts.get('overview_events', count=len(ids)))}</b>")
        return "\n\n".join(blocks)
    if intent is Intent.COUNT:
        if answer.facts_not_stated:
            what = ", ".join(
                entity_name(catalog, "fact", kind, texts.language)
                for kind in answer.facts_not_stated
            )
            return f"<b>{esc(texts.get('fact_not_stated', what=what))}</b>"
        if answer.facts:
            return "\n".join(
                "<b>"
                + esc(
                    texts.get(
                        "count_fact_approx" if fact.approximate else "count_fact",
                        label=texts.get(f"fact_{fact.kind}"),
                        value=fact.value,
                    )
                )
                + "</b>"
                for fact in answer.facts
            )
        key = "count_events_one" if len(ids) == 1 else "count_events"
        if not ids:
            key = "count_events_zero"
        return f"<b>{esc(texts.get(key, count=len(ids), filter=filter_text))}</b>"
    if intent is Intent.DATE_OF and events:
        return "\n".join(
            esc(
                texts.get(
                    "date_of",
                    title=_title(e, texts),
                    date=format_span(catalog, e, texts),
                )
            )
            for e in events[:3]
        )
    if intent in (Intent.FIRST, Intent.LATEST) and events:
        event = events[0]
        key = "first_of" if intent is Intent.FIRST else "latest_of"
        sentence = texts.get(
            key,
            filter=filter_text,
            title=_title(event, texts),
            date=format_span(catalog, event, texts),
        )
        return f"<b>{esc(sentence)}</b>"
    if intent is Intent.DETAIL and len(ids) == 1:
        return ""
    key = "list_header_one" if len(ids) == 1 else "list_header"
    return f"<b>{esc(texts.get(key, count=len(ids), filter=filter_text))}</b>"


def _no_match(answer: Answer, catalog: Catalog, texts: Texts, described: str) -> str:
    lang = texts.language
    years = catalog.years
    cities = sorted(entity_name(catalog, "place", c, lang) for c in catalog.used_cities)
    categories = sorted(entity_name(catalog, "category", c, lang) for c in catalog.used_categories)
    lines = [f"<b>{esc(texts.get('no_match', filter=described or '—'))}</b>"]
    if years:
        lines.append(esc(texts.get("no_match_years", first=years[0], last=years[-1])))
    lines.append(esc(texts.get("no_match_cities", cities=", ".join(cities))))
    lines.append(esc(texts.get("no_match_categories", categories=", ".join(categories))))
    return "\n".join(lines)


def _title(event: Event, texts: Texts) -> str:
    return event.title.get(texts.language) or event.title["en"]


def _line(event: Event, catalog: Catalog, texts: Texts, today: datetime.date | None = None) -> str:
    date = format_span(catalog, event, texts)
    place = event_place(catalog, event, texts.language)
    planned = f" ({texts.get('card_planned')})" if event.status is Status.PLANNED else ""
    if today is not None and is_upcoming(event, today):
        planned = f" ({texts.get('news_upcoming')})"
    parts = [f"<b>{esc(date)}</b>{esc(planned)}"]  # the date bold, the status not
    if place:
        parts.append(esc(place))
    parts.append(esc(_title(event, texts)))
    return "• " + " · ".join(parts)


def _card(
    event: Event,
    catalog: Catalog,
    texts: Texts,
    share_url: Callable[[str], str] | None,
    today: datetime.date | None = None,
) -> str:
    lang = texts.language

    def labelled(key: str, value: str) -> str:
        return texts.get("label_value", label=texts.get(key), value=value).rstrip()

    place = event_place(catalog, event, lang) or texts.get("card_place_unknown")
    date = format_when(catalog, event, texts)
    if today is not None and is_upcoming(event, today):
        date = f"{format_span(catalog, event, texts)} ({texts.get('news_upcoming')})"
    lines = [
        f"<b>{esc(_title(event, texts))}</b>",
        f"📅 {esc(labelled('card_date', date))}",
        f"📍 {esc(labelled('card_place', place))}",
        "",
        esc(event.summary.get(lang) or event.summary["en"]),
    ]
    for number, (role, names) in enumerate(involved(catalog, event, lang)):
        label = role_label(texts, role, len(names))
        value = texts.get("label_value", label=label, value=", ".join(names))
        lines.append(("\n" if number == 0 else "") + f"{ROLE_MARKS[role]} {esc(value)}")
    if event.facts:
        facts = "; ".join(
            texts.get(
                "count_fact_approx" if f.approximate else "count_fact",
                label=texts.get(f"fact_{f.kind}"),
                value=f.value,
            ).rstrip(".")
            for f in event.facts
        )
        lines.append(f"🔢 {esc(labelled('card_facts', facts))}")
    lines.append(f"\n<i>{esc(labelled('card_source', ''))}</i>")
    # Collapsed: the quote is English and as long as the summary; one tap opens it.
    lines.append(f"<blockquote expandable>{esc(event.source)}</blockquote>")
    if share_url:
        # The address itself, so staff can copy it; Telegram makes it a link.
        lines.append(f"🔗 {esc(labelled('card_link', share_url(event.id)))}")
    return "\n".join(lines)
