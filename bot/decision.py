"""What the core decided for one question (Answer, Intent, Suggestion): the values renderers and
adapters read. `answering.py` decides; this module only names the result."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.catalog.model import Fact
from bot.understanding.query import Query


class Intent(StrEnum):
    LIST = "list"  # filtered list of events
    DETAIL = "detail"  # one event's card ("tell me about Centaur")
    DATE_OF = "date_of"  # "when was the Aitmatov concert"
    COUNT = "count"  # "how many concerts", "how many medals"
    FIRST = "first"
    LATEST = "latest"
    OVERVIEW = "overview"  # "cultural ties", "sports cooperation"
    HELP = "help"
    GREETING = "greeting"
    THANKS = "thanks"
    OUT_OF_SCOPE = "out_of_scope"
    CLARIFY = "clarify"  # two readings are close: "did you mean"
    PLACES = "places"  # "which cities": the places with events, not the events
    WHICH_ONE = "which_one"  # a follow-up that points at nothing: "which one?" and the way on
    ORGANISER = "organiser"  # "who organised the Nomadstan evening": names first
    COMPARE = "compare"  # "which came first, Centaur or Nooruz"
    FUTURE = "future"  # "next concert": the record ends; the latest of that kind


@dataclass(frozen=True)
class Suggestion:
    """A follow-up the user can tap: same year, city or category, or another reading.

    `query` is what it would ask (rendering words its label: "More in Ghent"); `token` replays
    it through `Answerer.replay`; it is ASCII and at most 48 bytes.
    """

    kind: str  # year | city | category | event | reading
    query: Query
    token: str


@dataclass(frozen=True)
class Answer:
    """What the core decided; renderers turn it into words.

    `query` is the question as understood (after a typo's other reading, when that was the one
    that found something); renderers word its filter ("concerts, Brussels, 2015"). None for
    replies that describe no filter (small talk, "did you mean").
    `event_ids` holds every matching event in rank order (not only the first page).
    `token` replays this exact answer (for paging buttons that survive restarts).
    """

    question: str
    language: str
    intent: Intent
    event_ids: tuple[str, ...] = ()
    topic_id: str | None = None
    facts: tuple[Fact, ...] = ()  # totals over the events, e.g. gold_medals = 1
    facts_not_stated: tuple[str, ...] = ()  # asked-for numbers the source does not give
    query: Query | None = None
    no_match: bool = False  # a filter was understood but matched nothing
    suggestions: tuple[Suggestion, ...] = ()
    token: str = ""
    confidence: float = 1.0
    # Conversation (bot/conversing.py): the page of the list to show ("more"), that the list has
    # no further page, and which side of one event a follow-up asked about ("who organised it?").
    page: int = 0
    end_of_list: bool = False
    aspect: str | None = None  # organisers | people | place | results
    foreign_place: str | None = None  # "in Kazakhstan": a place outside the ties
    asks_who: str | None = None  # "organiser" or "performer": the names come first
    # The sentence of the event's summary that answers what the question asks beyond the event
    # ("the Benelux release": spring 2018), in the reply language; "" when none stands out.
    quote: str = ""

    @property
    def shows_card(self) -> bool:
        """One event asked about directly (by name, the first, the latest): shown as its full
        card, not as a list of one. Every renderer and adapter asks here. A follow-up about
        one side of it ("who organised it?") shows that side instead, with a button to the card."""
        return (
            len(self.event_ids) == 1
            and self.intent
            in (Intent.DETAIL, Intent.FIRST, Intent.LATEST, Intent.FUTURE, Intent.ORGANISER)
            and self.aspect is None
        )
