"""One quotable line per event, for speeches and e-mails: title, date, place, and the source.

The source is the section of the record the event comes from ("Cultural and humanitarian
cooperation"), in the reader's language. The line fits Telegram's copy-text button (256).
"""

from __future__ import annotations

from bot.catalog.model import Catalog, Event
from bot.quiz import title
from bot.rendering.dates import format_when
from bot.rendering.describe import event_place
from bot.rendering.texts import texts
from bot.text import clip

COPY_TEXT_LIMIT = 256


def quotable_line(catalog: Catalog, event: Event, language: str) -> str:
    """ "Title — date, place (source: “Section”)", at most 256 characters."""
    words = texts(catalog, language)
    lang = words.language
    topic = next((t for t in catalog.topics if t.id == event.section), None)
    source = (topic.title.get(lang) or topic.title["en"]) if topic else event.section
    place = event_place(catalog, event, lang)
    key = "share_copy_line" if place else "share_copy_line_no_place"
    line = words.get(
        key,
        title=title(event, lang),
        date=format_when(catalog, event, words),
        place=place,
        source=source,
    )
    return clip(line, COPY_TEXT_LIMIT)
