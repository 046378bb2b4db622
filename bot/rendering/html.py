"""Answer -> Telegram HTML pages: escaped, Telegram's tags only, each within 4096 characters."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from bot.catalog.model import Catalog, Event, Role, in_language
from bot.catalog.upcoming import is_upcoming
from bot.decision import Answer, Intent
from bot.rendering.dates import format_span, format_when
from bot.rendering.describe import (
    answer_filter,
    entity_name,
    event_place,
    suggestion_label,
    who_took_part,
)
from bot.rendering.marks import HTML, Marks
from bot.rendering.numbers import alphabetical, fact_sentences
from bot.rendering.roles import ROLE_MARKS, involved, role_label
from bot.rendering.texts import Texts

TELEGRAM_LIMIT = 4096
DEFAULT_PAGE_SIZE = 8


@dataclass(frozen=True)
class Page:
    text: str  # Telegram HTML, or plain text from render_text
    page: int  # 0-based
    page_count: int
    event_ids: tuple[str, ...]  # the events listed on this page, in order


def render_html(
    answer: Answer,
    catalog: Catalog,
    *,
    page: int | None = None,
    page_size: int = DEFAULT_PAGE_SIZE,
    share_url: Callable[[str], str] | None = None,
    limit: int | None = TELEGRAM_LIMIT,
    marks: Marks = HTML,
    today: datetime.date | None = None,
) -> Page:
    """One page of the reply. `page` is clamped into range, so a stale button still works.

    Args:
        answer: what the core decided.
        page: 0-based page number; None: the answer's own (a "more" follow-up's page).
        page_size: events per page for lists. A line is at most about 300 characters (titles
            are validated to 80), so the default page stays far below Telegram's limit.
        share_url: event id -> deep link; cards then carry a share link.
        limit: the most characters a page may have; None for the terminal.
        marks: HTML for Telegram; PLAIN (render_text) for the terminal.
        today: the adapter's date; events still ahead of it are marked "upcoming". None
            marks nothing (the core reads no clock).
    Returns:
        The page; only its own events are formatted, so a 10,000-event list costs a page.
    """
    texts = Texts(catalog, answer.language)
    ids = answer.event_ids
    if page is None:
        page = answer.page
    if answer.end_of_list:
        return Page(marks.italic(marks.text(texts.get("more_none", count=len(ids)))), 0, 1, ())
    if answer.aspect and len(ids) == 1:
        text = _about(answer, _event(catalog, ids[0]), catalog, texts, marks)
        return Page(_fit(text, limit), 0, 1, ids)
    head = _lead(answer, catalog, texts, ids, marks)
    if answer.quote:
        head = "\n".join(part for part in (marks.bold(marks.text(answer.quote)), head) if part)
    if answer.shows_card:
        body = _card(_event(catalog, ids[0]), catalog, texts, share_url, marks, today)
        text = "\n\n".join(part for part in (head, body) if part)
        return Page(_fit(text, limit), 0, 1, ids)

    size = max(1, page_size)
    page_count = max(1, -(-len(ids) // size))
    index = min(max(page, 0), page_count - 1)
    shown = ids[index * size : (index + 1) * size]
    parts = [head] if head else []
    if shown:
        parts.append(
            "\n".join(_line(_event(catalog, i), catalog, texts, marks, today) for i in shown)
        )
    if page_count > 1:
        parts.append(
            marks.italic(marks.text(texts.get("page_of", page=index + 1, pages=page_count)))
        )
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


_ABOUT_EVENTS = frozenset(
    {
        Intent.LIST,
        Intent.DETAIL,
        Intent.DATE_OF,
        Intent.FIRST,
        Intent.LATEST,
        Intent.ORGANISER,
        Intent.COMPARE,
    }
)
"""Intents whose reply is about the events found: without one, the reply says none was."""


def _lead(answer: Answer, catalog: Catalog, texts: Texts, ids: tuple[str, ...], m: Marks) -> str:
    """The text before the events: header, count, date or fact; all of it for smalltalk."""
    intent = answer.intent
    if (
        intent is Intent.DETAIL
        and len(ids) == 1
        and not (answer.no_match or answer.facts_not_stated or answer.facts)
    ):
        return ""  # a card (the commonest reply in a conversation) says it all: no lead
    events = [_event(catalog, i) for i in ids[:3]]  # the lead never names more than three

    if intent in (Intent.GREETING, Intent.HELP, Intent.THANKS, Intent.OUT_OF_SCOPE):
        examples = texts.get("example_questions").replace(" | ", " · ")
        key = {
            Intent.GREETING: "greeting",
            Intent.HELP: "help" if answer.question.strip() else "empty_question",
            Intent.THANKS: "thanks",
            Intent.OUT_OF_SCOPE: "out_of_scope",
        }[intent]
        years = catalog.years
        if answer.foreign_place and intent is Intent.OUT_OF_SCOPE:
            place = entity_name(catalog, "place", answer.foreign_place, texts.language)
            return m.text(texts.get("out_of_scope_foreign", place=place, examples=examples))
        return m.text(
            texts.get(
                key,
                examples=examples,
                count=len(catalog.events),
                first=years[0] if years else "",
                last=years[-1] if years else "",
            )
        )
    if intent is Intent.WHICH_ONE:
        return _which_one(answer, texts, m)
    if intent is Intent.PLACES:
        # Only what took place counts as a place "where events took place"; a planned event's
        # city is named on a line of its own.
        tally = catalog.city_tally
        lines = [m.text(texts.get("places_list", places=_city_counts(catalog, tally.held, texts)))]
        if tally.planned:
            places = _city_counts(catalog, tally.planned, texts)
            lines.append(m.text(texts.get("places_planned", places=places)))
        if tally.without_city:
            lines.append(m.text(texts.get("places_no_city", count=tally.without_city)))
        return "\n".join(lines)
    if intent is Intent.CLARIFY:
        options = "\n".join(
            f"• {m.text(suggestion_label(catalog, s, texts))}"
            for s in answer.suggestions
            if s.kind == "reading"
        )
        return f"{m.bold(m.text(texts.get('did_you_mean')))}\n{options}"
    if answer.no_match or (not ids and intent in _ABOUT_EVENTS):
        # an answer about events that has none is "nothing found", never a "0 events:" header
        return _no_match(catalog, texts, _described(catalog, answer, texts), m)
    if intent is Intent.OVERVIEW:
        topics = [t for t in catalog.topics if answer.topic_id in (None, t.id)]
        blocks = [
            f"{m.bold(m.text(in_language(t.title, texts.language)))}\n"
            f"{m.text(in_language(t.summary, texts.language))}"
            for t in topics
        ]
        if ids:  # "Events (n):" heads the list below; no list, no heading
            blocks.append(m.bold(m.text(texts.get("overview_events", count=len(ids)))))
        return "\n\n".join(blocks)
    if answer.facts_not_stated:
        what = ", ".join(
            lower_first(entity_name(catalog, "fact", kind, texts.language))
            for kind in answer.facts_not_stated
        )
        return m.bold(m.text(texts.get("fact_not_stated", what=what)))
    if answer.facts:
        return "\n".join(m.bold(m.text(s)) for s in fact_sentences(answer.facts, texts))
    if intent is Intent.COUNT:
        key = "count_events_one" if len(ids) == 1 else "count_events"
        if not ids:
            key = "count_events_zero"
        return m.bold(
            m.text(texts.get(key, count=len(ids), filter=_filter_text(catalog, answer, texts)))
        )
    if intent is Intent.DATE_OF and events:
        return "\n".join(
            m.text(
                texts.get(
                    "date_of",
                    title=_title(e, texts),
                    date=format_when(catalog, e, texts),
                )
            )
            for e in events[:3]
        )
    if intent is Intent.ORGANISER and events:
        return _who_lead(catalog, texts, events, answer.asks_who or "organiser", m)
    if intent is Intent.COMPARE and len(events) >= 2:
        first, second = events[0], events[1]
        sentence = texts.get(
            "compare_order",
            first=_title(first, texts),
            date1=format_when(catalog, first, texts),
            second=_title(second, texts),
            date2=format_when(catalog, second, texts),
        )
        return m.bold(m.text(sentence))
    if intent is Intent.FUTURE and catalog.events:
        return _future_lead(
            catalog, texts, events[0] if events else None, _filter_text(catalog, answer, texts), m
        )
    if intent in (Intent.FIRST, Intent.LATEST) and events:
        event = events[0]
        key = "first_of" if intent is Intent.FIRST else "latest_of"
        sentence = texts.get(
            key,
            filter=_filter_text(catalog, answer, texts),
            title=_title(event, texts),
            date=format_when(catalog, event, texts, inline=True),
        )
        return m.bold(m.text(sentence))
    key = "list_header_one" if len(ids) == 1 else "list_header"
    return m.bold(
        m.text(texts.get(key, count=len(ids), filter=_filter_text(catalog, answer, texts)))
    )


def _described(catalog: Catalog, answer: Answer, texts: Texts) -> str:
    """ "concerts, Brussels, 2015": worked out only by the leads that say it (a card's says
    nothing of the filter)."""
    return ", ".join(answer_filter(catalog, answer, texts))


def _filter_text(catalog: Catalog, answer: Answer, texts: Texts) -> str:
    described = _described(catalog, answer, texts)
    return texts.get("list_filter_intro", filter=described) if described else ""


def _who_lead(catalog: Catalog, texts: Texts, events: list[Event], asks_who: str, m: Marks) -> str:
    """ "Who organised / who sang": the names the source gives, one line per event."""
    lines = []
    for event in events:
        ids = who_took_part(event, asks_who)
        kinds = ["person" if i in event.people else "organisation" for i in ids]
        names = [
            entity_name(catalog, k, i, texts.language) for k, i in zip(kinds, ids, strict=True)
        ]
        if names:
            key = "organised_by" if asks_who == "organiser" else "performed_by"
            line = texts.get(key, title=_title(event, texts), who=", ".join(names))
        else:
            key = "organiser_not_stated" if asks_who == "organiser" else "performer_not_stated"
            line = texts.get(key, title=_title(event, texts))
        lines.append(m.bold(m.text(line)))
    return "\n".join(lines)


def _future_lead(
    catalog: Catalog, texts: Texts, latest_of_kind: Event | None, filter_text: str, m: Marks
) -> str:
    """The record's end in words, then the latest event of the kind asked (none for a year
    after the record with no kind named, or a kind the record does not hold)."""
    last = catalog.events[-1]
    ends = texts.get(
        "future_record_ends", title=_title(last, texts), date=format_when(catalog, last, texts)
    )
    if latest_of_kind is None:
        return m.text(ends)
    offer = texts.get(
        "latest_of",
        filter=filter_text,
        title=_title(latest_of_kind, texts),
        date=format_when(catalog, latest_of_kind, texts),
    )
    return f"{m.text(ends)}\n{m.bold(m.text(offer))}"


def _about(answer: Answer, event: Event, catalog: Catalog, texts: Texts, m: Marks) -> str:
    """One side of one event: the fact in the first line, then the event and its summary
    (which often says the rest: "released in the Benelux in 2018", "the grand prize")."""
    lang = texts.language
    aspect = answer.aspect
    organisers = _names(catalog, event, (Role.ORGANISER,), lang)
    taking_part = _names(catalog, event, _TAKING_PART, lang)
    separator = texts.get("facts_separator")
    won = tuple(f for f in event.facts if f.kind in RESULT_FACTS)
    results = separator.join(s.rstrip(".") for s in fact_sentences(won, texts))
    named = texts.get(
        "date_of", title=_title(event, texts), date=format_when(catalog, event, texts)
    )
    first: str | None
    if aspect == "date":
        first, named = named, ""
    elif aspect == "organisers":
        first = texts.get("about_organisers", names=organisers) if organisers else None
        first = first or texts.get("about_no_organisers")
    elif aspect == "people" and taking_part:
        first = texts.get("about_people", names=taking_part)
    elif aspect == "people" and _makers(catalog, event, texts):
        # "who directed it?", "who was the photographer?": nobody on stage, the maker by role
        first = _makers(catalog, event, texts)
    elif aspect == "place":
        place = event_place(catalog, event, lang)
        first = texts.get("about_place", place=place) if place else texts.get("about_no_place")
    elif aspect == "results" and results:
        first = texts.get("about_results", results=results)
    else:
        # What was won, who directed: in the title and summary, if anywhere; never a "no one"
        # line above a summary that names someone in a role the data does not give.
        first, named = named, ""
    lines = [m.bold(m.text(first))]
    if named:
        lines.append(m.italic(m.text(named)))
    lines.append("")
    lines.append(m.text(in_language(event.summary, lang)))
    return "\n".join(lines)


def _makers(catalog: Catalog, event: Event, texts: Texts) -> str:
    """ "Director: Aktan Arym Kubat": those who made what was shown, under their role's label."""
    lines = []
    for role in _MAKERS:
        who = event.with_role(role)
        if who:
            names = _names(catalog, event, (role,), texts.language)
            label = role_label(texts, role, len(who))
            lines.append(texts.get("label_value", label=label, value=names))
    return "\n".join(lines)


_MAKERS = (Role.DIRECTOR, Role.PHOTOGRAPHER)


def _names(catalog: Catalog, event: Event, roles: tuple[Role, ...], language: str) -> str:
    """The names of the event's people and organisations in these roles, people first."""
    return ", ".join(
        entity_name(catalog, "person" if who in event.people else "organisation", who, language)
        for role in roles
        for who in event.with_role(role)
    )


# "Who sang?", "who took part?": those on stage, then those who took part otherwise.
_TAKING_PART = (Role.PERFORMER, Role.PARTICIPANT, Role.DELEGATION)
RESULT_FACTS = ("gold_medals", "bronze_medals", "place_won")
"""The facts that answer "what did they win?"."""


def _which_one(answer: Answer, texts: Texts, m: Marks) -> str:
    """A follow-up that points at nothing: the question back, and how to go on."""
    if answer.suggestions:
        return m.text(texts.get("which_one_pick"))
    examples = [q.strip() for q in texts.get("example_questions").split("|") if q.strip()]
    return m.text(texts.get("which_one", example=examples[0] if examples else ""))


def lower_first(text: str) -> str:
    """ "Guests" -> "guests" inside a sentence; an abbreviation ("ЖМК") stays as it is."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def _city_counts(catalog: Catalog, counts: dict[str, int], texts: Texts) -> str:
    """ "Brussels (6), Ghent (2)": cities by how many events took place there."""
    ranked = sorted(counts, key=lambda city: (-counts[city], city))
    return ", ".join(
        f"{entity_name(catalog, 'place', city, texts.language)} ({counts[city]})"
        for city in ranked
    )


def _no_match(catalog: Catalog, texts: Texts, described: str, m: Marks) -> str:
    lang = texts.language
    years = catalog.years
    by_letter = alphabetical(lang)
    cities = sorted(
        (entity_name(catalog, "place", c, lang) for c in catalog.used_cities), key=by_letter
    )
    categories = sorted(
        (entity_name(catalog, "category", c, lang) for c in catalog.used_categories),
        key=by_letter,
    )
    lines = [m.bold(m.text(texts.get("no_match", filter=described or "—")))]
    if years:
        lines.append(m.text(texts.get("no_match_years", first=years[0], last=years[-1])))
    lines.append(m.text(texts.get("no_match_cities", cities=", ".join(cities))))
    lines.append(m.text(texts.get("no_match_categories", categories=", ".join(categories))))
    return "\n".join(lines)


def _title(event: Event, texts: Texts) -> str:
    return event.title_in(texts.language)


def _line(
    event: Event, catalog: Catalog, texts: Texts, m: Marks, today: datetime.date | None = None
) -> str:
    date = format_span(catalog, event, texts)
    place = event_place(catalog, event, texts.language)
    planned = f" ({texts.get('card_planned')})" if event.is_planned else ""
    if today is not None and is_upcoming(event, today):
        planned = f" ({texts.get('news_upcoming')})"
    parts = [m.bold(m.text(date)) + m.text(planned)]  # the date bold, the status not
    if place:
        parts.append(m.text(place))
    parts.append(m.text(_title(event, texts)))
    return "• " + " · ".join(parts)


def _card(
    event: Event,
    catalog: Catalog,
    texts: Texts,
    share_url: Callable[[str], str] | None,
    m: Marks,
    today: datetime.date | None = None,
) -> str:
    lang = texts.language

    def labelled(key: str, value: str) -> str:
        return texts.get("label_value", label=texts.get(key), value=value).rstrip()

    place = event_place(catalog, event, lang) or texts.get("card_place_unknown")
    date = format_when(catalog, event, texts)
    if today is not None and is_upcoming(event, today):
        date = f"{format_span(catalog, event, texts)} ({texts.get('news_upcoming')})"
    place_label = "card_place_planned" if event.is_planned else "card_place"
    lines = [
        m.bold(m.text(_title(event, texts))),
        f"📅 {m.text(labelled('card_date', date))}",
        f"📍 {m.text(labelled(place_label, place))}",
        "",
        m.text(in_language(event.summary, lang)),
    ]
    groups = involved(catalog, event, lang)
    for number, (role, names) in enumerate(groups):
        label = role_label(texts, role, len(names), planned=event.is_planned)
        value = texts.get("label_value", label=label, value=", ".join(names))
        lines.append(("\n" if number == 0 else "") + f"{ROLE_MARKS[role]} {m.text(value)}")
    if event.facts:
        separator = texts.get("facts_separator")
        facts = separator.join(s.rstrip(".") for s in fact_sentences(event.facts, texts))
        gap = "" if groups else "\n"  # the facts open the block after the summary
        lines.append(f"{gap}🔢 {m.text(labelled('card_facts', facts))}")
    lines.append("\n" + m.italic(m.text(labelled("card_source", ""))))
    # Collapsed: the quote is English and as long as the summary; one tap opens it.
    lines.append(m.quote(m.text(event.source)))
    if share_url:
        # The address itself, so staff can copy it; Telegram makes it a link.
        lines.append(f"🔗 {m.text(labelled('card_link', share_url(event.id)))}")
    return "\n".join(lines)
