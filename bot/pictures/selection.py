"""Which events a timeline shows: all of them, a span of years, or one kind of event."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.catalog.model import Catalog, Event
from bot.understanding.parser import Understander

YEAR_SPAN = re.compile(r"^\s*((?:19|20)\d\d)\s*(?:[-–—.]+|\s+)\s*((?:19|20)\d\d)\s*$")
ONE_YEAR = re.compile(r"^\s*((?:19|20)\d\d)\s*$")


@dataclass(frozen=True)
class Selection:
    """A timeline's filter: years from..to (inclusive) and/or one category id."""

    first_year: int | None = None
    last_year: int | None = None
    category: str | None = None

    def events(self, catalog: Catalog) -> tuple[Event, ...]:
        """The catalog's events that fall in the span and are of the kind, in date order."""
        kept = (e for e in catalog.events if self.keeps(e))
        return tuple(sorted(kept, key=lambda e: e.start.sort_key))

    def keeps(self, event: Event) -> bool:
        if self.first_year is not None and self.last_year is not None:
            years = range(self.first_year, self.last_year + 1)
            if not any(year in years for year in event.years()):
                return False
        return self.category is None or self.category in event.categories

    @property
    def key(self) -> str:
        """A short stable key for caches and file names: '2015-2017', 'concert', 'all'."""
        parts = []
        if self.first_year is not None:
            parts.append(f"{self.first_year}-{self.last_year}")
        if self.category:
            parts.append(self.category)
        return "_".join(parts) or "all"


def parse_selection(understander: Understander, text: str) -> Selection | None:
    """What `/timeline <text>` asks for; None when the words name neither years nor a kind.

    "2015-2017", "2016", "concerts", "концерты 2015" are understood; the kind is found by the
    same understanding as questions (five languages, typos).
    """
    text = text.strip()
    if not text:
        return Selection()
    span = YEAR_SPAN.match(text) or ONE_YEAR.match(text)
    if span:
        first = int(span.group(1))
        last = int(span.group(span.lastindex or 1))
        return Selection(min(first, last), max(first, last))
    query = understander.understand(text)
    years = sorted({*query.years, *query.period_years})
    category = query.categories[0] if len(query.categories) == 1 else None
    if not years and category is None:
        return None
    return Selection(years[0] if years else None, years[-1] if years else None, category=category)
