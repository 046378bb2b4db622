"""Names of things in the reply's language: places of an event, the filter of a question."""

from __future__ import annotations

from bot.catalog.model import Catalog, Event, Role
from bot.decision import Answer, Suggestion
from bot.rendering.dates import day_number, month_name, month_with_day
from bot.rendering.texts import Texts
from bot.understanding.query import Period, Query


def entity_name(catalog: Catalog, kind: str, entity_id: str, language: str) -> str:
    entity = catalog.entity(kind, entity_id)
    return entity.name(language) if entity else entity_id


def button_title(event: Event, texts: Texts) -> str:
    """A button's words for an event: its short title in the reply's language (written to keep
    what tells it from the others, never cut from the long one), "(planned)" when it is."""
    lang = texts.language
    short = event.short_title.get(lang) or event.title_in(lang)
    if event.is_planned:
        return f"{short} ({texts.get('card_planned')})"
    return short


def event_place(catalog: Catalog, event: Event, language: str) -> str:
    """Venue and cities as the seed gives them; empty when it names none."""
    parts: list[str] = []
    if event.venue:
        parts.append(entity_name(catalog, "place", event.venue, language))
    parts.extend(entity_name(catalog, "place", city, language) for city in event.cities)
    return ", ".join(parts)


def filter_words(catalog: Catalog, query: Query, texts: Texts) -> tuple[str, ...]:
    """The question's filter in words: ("concerts", "Brussels", "2015")."""
    lang = texts.language
    words: list[str] = []
    for kind, ids in (
        ("category", query.categories),
        ("category", query.all_categories),
        ("event", query.events),
        ("person", query.people),
        ("organisation", query.organisations),
        ("place", query.places),
        ("fact", query.facts),
    ):
        if not ids:  # most slots are empty
            continue
        if kind == "event":
            if len(ids) > _MOST_TITLES:
                continue  # found by their texts, say: the list below names them
            words += [event.title_in(lang) for e in ids if (event := catalog.event(e))]
        else:
            words += [entity_name(catalog, kind, i, lang) for i in ids]
    if query.planned:
        words.append(texts.get("card_planned"))
    if (
        query.without_categories
        or query.without_places
        or query.without_years
        or (query.without_events)
    ):
        left_out = [entity_name(catalog, "category", c, lang) for c in query.without_categories]
        left_out += [entity_name(catalog, "place", p, lang) for p in query.without_places]
        left_out += [str(y) for y in query.without_years]
        left_out += [
            event.title_in(lang) for e in query.without_events if (event := catalog.event(e))
        ]
        if left_out:
            words.append(texts.get("filter_except", what=", ".join(left_out)))
    if query.unknown_place:
        words.append(query.unknown_place.title())
    years = query.years
    if query.days and query.months and len(years) == 1:
        # "1 May 2015", not "1 May, 2015": the date as one phrase, in the language's order.
        words += [
            texts.get(
                "date_day",
                day=day_number(lang, day),
                month=month_with_day(catalog, month, lang),
                year=years[0],
            )
            for day in query.days
            for month in query.months
        ]
        years = ()
    elif query.days and query.months:
        words += [
            texts.get(
                "filter_day_month",
                day=day_number(lang, day),
                month=month_with_day(catalog, month, lang),
            )
            for day in query.days
            for month in query.months
        ]
    elif query.season:
        words.append(texts.get(f"season_{query.season}"))
    elif query.months and len(years) == 1:
        # "June 2015", "2015-жылдын июнь айы"
        words += [
            texts.get("date_month", month=month_name(catalog, m, lang), year=years[0])
            for m in query.months
        ]
        years = ()
    else:
        words += [entity_name(catalog, "month", str(m), lang) for m in query.months]
    if years:
        words.append(", ".join(str(y) for y in years))
    if query.year_months:
        first, last = query.year_months[0][0], query.year_months[-1][0]
        words.append(f"{first}/{last % 100:02d}" if last != first else str(first))
    if query.period:
        anchors: tuple[int | str, ...] = query.period_years
        if query.period_events:
            anchors = tuple(
                event.title_in(lang) for e in query.period_events if (event := catalog.event(e))
            )
        if query.period_month and anchors:
            month = entity_name(catalog, "month", str(query.period_month), lang)
            anchors = (f"{month} {anchors[0]}",)
        key = {
            Period.BEFORE: "filter_before",
            Period.AFTER: "filter_after",
            Period.SINCE: "filter_since",
            Period.BETWEEN: "filter_between",
        }[query.period]
        if anchors:
            words.append(texts.get(key, year=anchors[0], year2=anchors[-1]))
    return tuple(words)


def who_took_part(event: Event, asks_who: str) -> tuple[str, ...]:
    """Ids of the people and organisations that answer "who organised" (organiser) or "who
    sang / played" (performer) for one event."""
    if asks_who == "organiser":
        return event.with_role(Role.ORGANISER)
    # On stage or behind the camera; a namesake (Grumiaux) or an honoree (Aitmatov) was not.
    return (
        *event.with_role(Role.PERFORMER),
        *event.with_role(Role.DIRECTOR),
        *event.with_role(Role.PHOTOGRAPHER),
        *event.with_role(Role.PARTICIPANT),
    )


def answer_filter(catalog: Catalog, answer: Answer, texts: Texts) -> tuple[str, ...]:
    """The answer's filter in words; () for a reply that describes none."""
    return filter_words(catalog, answer.query, texts) if answer.query is not None else ()


def suggestion_label(catalog: Catalog, suggestion: Suggestion, texts: Texts) -> str:
    """A chip's or a "did you mean" line's words: "More in Ghent", "concerts, 2015"."""
    query, lang = suggestion.query, texts.language
    if suggestion.kind == "year" and query.years:
        return texts.get("suggest_year", year=query.years[0])
    if suggestion.kind == "city" and query.places:
        return texts.get("suggest_city", city=entity_name(catalog, "place", query.places[0], lang))
    if suggestion.kind == "category" and query.categories:
        name = entity_name(catalog, "category", query.categories[0], lang)
        label = texts.get("suggest_category", category=name)
        return label[:1].upper() + label[1:]  # «Тасмалар: башка иш-чаралар» starts a button
    return ", ".join(filter_words(catalog, query, texts))


# A filter naming more events than this does not list their titles in the header: at 10,000
# events "een pianist" found 526, whose titles made a header too long for any message.
_MOST_TITLES = 3
