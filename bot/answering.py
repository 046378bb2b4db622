"""The single front door of the core: a question in, an Answer value out.

Adapters (Telegram, terminal, command line) call only this module and `bot.rendering`.
"""

from __future__ import annotations

import random
import re
from dataclasses import replace
from pathlib import Path

from bot.catalog import load_catalog
from bot.catalog.model import DEFAULT_LANGUAGE, LANGUAGES, Catalog, Event, Fact, fact_kinds
from bot.conversation import Conversation
from bot.conversing import converse
from bot.decision import Answer, Intent, Suggestion
from bot.search import Bits, EventIndex
from bot.understanding.event_words import EventWords
from bot.understanding.follow_up import FollowUpReader
from bot.understanding.language import reply_language
from bot.understanding.normalise import fold
from bot.understanding.parser import Thresholds, Understander
from bot.understanding.query import Query
from bot.understanding.replay import TokenCodec
from bot.understanding.textsearch import EventTexts, best_sentence


class Answerer:
    """Understands a question, selects events and decides the reply; holds no adapter state.

    Built once per Catalog (start or reload); every method is a pure function of its arguments.
    """

    def __init__(
        self,
        catalog: Catalog,
        thresholds: Thresholds | None = None,
        *,
        understander: Understander | None = None,
        index: EventIndex | None = None,
        tokens: TokenCodec | None = None,
        texts: EventTexts | None = None,
    ) -> None:
        """The parts not given are built from `catalog`; those given (bot/incremental.py, after
        an edit) must be what building them from `catalog` would give."""
        self.catalog = catalog
        self.understander = understander or Understander(catalog, thresholds)
        self.index = index or EventIndex(catalog)
        self.tokens = tokens or TokenCodec(catalog)
        self.follow_ups = FollowUpReader(catalog.follow_ups)
        self.event_words = EventWords()  # this catalog's events' own words, as asked for
        self.texts = texts or EventTexts(catalog, self.understander.vocabulary)
        self._audiences = frozenset(c.id for c in catalog.categories if c.audience)
        self._own_words: dict[str, frozenset[str]] = {}  # event id -> words naming it
        self._searched: dict[tuple[str, ...], tuple[str, ...]] = {}  # words -> the events found
        self._follow_up_of: dict[tuple[str, int | str], tuple[Bits, Suggestion]] = {}
        self._markers = frozenset(
            fold(w) for words in catalog.lexicon.language_markers.values() for w in words
        )

    @classmethod
    def from_directory(cls, data_dir: Path) -> Answerer:
        """Load and validate data/; raises bot.catalog.DataError with file:line problems."""
        return cls(load_catalog(data_dir))

    def answer(self, question: str, user_language: str | None = None) -> Answer:
        """Answer a question typed by a person.

        Args:
            question: the raw text, any length, any script.
            user_language: the user's chosen or Telegram language, used when the question's
                own language cannot be told.
        Returns:
            The Answer; its language is the question's, else the user's, else English.
        """
        text = question[:MAX_QUESTION_CHARS]
        query = self.understand(text)
        detected = self.language_of(text, query, user_language)
        language = reply_language(detected, text, supported_language(user_language))
        return self._decide(question, query, language)

    def understand(self, text: str) -> Query:
        """A question of its own as understood: the parse, then the events' own texts searched
        for words the lists lack."""
        return self.with_text_search(self.understander.understand(text))

    def language_of(self, text: str, query: Query, user_language: str | None) -> str | None:
        """The question's own language; for a short one no marker word decides ("expo Gent"),
        the user's, when it is written in the user's script."""
        user = supported_language(user_language) if user_language else None
        return self.understander.detector.for_user(text, query.language, user)

    def converse(
        self, question: str, conversation: Conversation, user_language: str | None = None
    ) -> tuple[Answer, Conversation]:
        """Answer a question as the next turn of a conversation (see bot/conversing.py).

        Args:
            question: the raw text.
            conversation: the state `converse` returned last time; `Conversation()` at first.
            user_language: as for `answer`.
        Returns:
            The Answer, and the conversation to hand back with the next question.
        """
        language = supported_language(user_language) if user_language else None
        return converse(self, question[:MAX_QUESTION_CHARS], conversation, language)

    def decide(self, question: str, query: Query, language: str) -> Answer:
        """The Answer to an already understood question (a follow-up merged with its context)."""
        return self._decide(question, query, supported_language(language))

    def fact_totals(self, kinds: tuple[str, ...], ids: tuple[str, ...]) -> tuple[Fact, ...]:
        return self._fact_totals(kinds, ids)

    def card_token(self, event_id: str) -> str:
        """A token that replays one event's card (for a button)."""
        return self.tokens.encode(Query(intent="detail", events=(event_id,)))

    def card(self, event_id: str, language: str, question: str = "") -> Answer | None:
        """The card of one event, or None when the id is unknown (a stale or forged link).

        `question`, when a question asked for it ("the second one"), is the answer's own; the
        card is the same (it quotes nothing: its query has no loose words)."""
        if self.catalog.event(event_id) is None:
            return None
        query = Query(intent="detail", events=(event_id,))
        return self._decide(question, query, supported_language(language))

    def replay(self, token: str, language: str) -> Answer | None:
        """Rebuild the answer a token stands for; None when it is malformed or stale."""
        query = self.tokens.decode(token)
        if query is None:
            return None
        return self._decide("", query, supported_language(language))

    def browse(
        self,
        language: str,
        *,
        year: int | None = None,
        category: str | None = None,
        city: str | None = None,
    ) -> Answer:
        """A list by year, category and city, for menus that do not start from a question."""
        query = Query(
            intent="list",
            years=(year,) if year else (),
            categories=(category,) if category else (),
            places=(city,) if city else (),
        )
        return self._decide("", query, supported_language(language))

    def random_event_id(self, rng: random.Random) -> str:
        return rng.choice(self.catalog.events).id

    # --- understanding v2: what the word lists do not hold ---------------------------------

    def with_text_search(self, query: Query) -> Query:
        """Words the lists do not hold, found in the events' own texts ("a pianist",
        "про писателей"): only when the parse found nothing to filter by, so it answered "out
        of scope" or would list every event."""
        if (
            not query.loose_words
            or query.out_of_scope_cue
            or query.foreign_place
            or query.intent in _NOT_SEARCHED
            or query.has_filters()
            or query.topic
        ):
            return query
        ranks = self.texts.find_ranks(query.loose_words)
        if not ranks:
            return query
        if len(ranks) <= _SORTED_BY_ID:  # their order shows in a replay token and a header
            found = tuple(sorted(self.index.ids[rank] for rank in ranks))
        else:  # read out as a search result, its bit set known at once (31,000: 6 ms less)
            found = self.index.read_ranks(ranks)
        searched = self._searched
        searched[query.loose_words] = found
        while len(searched) > _SEARCHES_KEPT:
            del searched[next(iter(searched))]
        intent = "list" if query.intent == "out_of_scope" else query.intent
        return replace(query, intent=intent, events=found)

    def _narrowed_by_text(self, query: Query, ids: tuple[str, ...]) -> tuple[str, ...]:
        """ "war memorial exhibition", "оперная певица", "концерт народной музыки": the words
        the lists do not hold pick, among the events found, those whose texts hold them."""
        if len(ids) < 2 or not query.loose_words or query.intent in _NOT_SEARCHED:
            return ids
        if query.events and self._searched.get(query.loose_words) is query.events:
            # the events these very words found: all of them score best, so they narrow
            # nothing (5,000 events searched again for nothing: 5 ms at 100,000 events)
            return ids
        # a few among many, or it is the question's small talk that happens to be in the texts
        found = self.texts.find(
            query.loose_words,
            within=self.index.bits(ids),
            at_most=len(ids) // 2,
        )
        return self.index.ordered(found) if found else ids

    def _future(self, question: str, query: Query, language: str) -> Answer:
        """ "Next concert", "upcoming", "will there be Nooruz in 2026": the record ends with its
        latest event and knows nothing later; offer the latest event of the kind asked."""
        timeless = replace(
            query,
            intent="latest",
            years=(),
            months=(),
            days=(),
            season=None,
            period=None,
            period_years=(),
            year_months=(),
            period_month=None,
            future=False,
            planned=False,  # "quoi de prévu cette année": what is planned after the record
        )
        ids = self.index.last(timeless) or self.index.latest()
        # only beside a kind of event ("next chess tournament") or an off-topic word ("match de
        # foot"): a bare "что будет в этом году" still gets the latest event
        unknown = (
            bool(query.categories) and not query.events and self.texts.unknown(query.loose_words)
        )
        if query.out_of_scope_cue:
            unknown = True
        elif _TYPED_YEAR.search(question) and not replace(timeless, intent="list").has_filters():
            ids = ()  # "что будет в 2024": nothing known for that year, and no kind to offer
        if unknown:
            ids = ()  # "next chess tournament": nothing of that kind, not the latest contest
        return Answer(
            question=question,
            language=language,
            intent=Intent.FUTURE,
            event_ids=ids,
            query=timeless,
            # the words no event holds and a typed later year are not in a token: an answer
            # they emptied is not replayed (a replay would offer the latest event after all)
            token="" if not ids else self.tokens.encode(timeless, intent="future"),
            confidence=query.confidence,
        )

    def _quote(
        self, question: str, query: Query, ids: tuple[str, ...], intent: Intent, language: str
    ) -> str:
        """For a question about one event that asks more than its date or card ("the Benelux
        release of Centaur", "which edition"), the summary's sentence that says it. Only when
        the parse left words unexplained: "concerts in Brussels 2015" asks nothing beyond."""
        if len(ids) != 1 or intent not in _QUOTED or not question or not query.loose_words:
            return ""
        event = self._event(ids[0])
        own = self._own_words.get(event.id)
        if own is None:
            own = frozenset(
                w for text in (*event.title.values(), *event.aliases) for w in fold(text).split()
            )
            self._own_words[event.id] = own
        vocabulary = self.understander.vocabulary
        asked = [
            w
            for w in fold(question).split()
            if len(w) >= 4
            and w not in own
            and w not in self._markers
            and (w not in vocabulary.function_words or w in vocabulary.stopwords)
        ]
        if not asked:
            return ""
        summary = event.summary.get(language) or event.summary["en"]
        return best_sentence(summary, asked, set()) or ""

    # --- deciding ------------------------------------------------------------------------

    def _decide(self, question: str, query: Query, language: str) -> Answer:
        intent = _INTENT_OF.get(query.intent) or Intent(query.intent)  # (ValueError if unknown)
        if intent in _SMALLTALK:
            return Answer(
                question,
                language,
                intent,
                token=self.tokens.encode(query),
                foreign_place=query.foreign_place if intent is Intent.OUT_OF_SCOPE else None,
            )

        if intent is Intent.FUTURE or query.future:
            return self._future(question, query, language)

        ids = self._select(query, intent)
        if intent is Intent.COMPARE and len(query.events) >= 2:
            # "Centaur or the Nomadstan evening": each named thing, whatever the other words
            ids = self.index.ordered(e for e in query.events if e in self.index.order)
        if not ids:
            # A typo read one way finds nothing; read the other way it does: not a guess.
            found = ((alt, self.index.select(alt)) for alt in query.alternatives)
            query, ids = next(((alt, alt_ids) for alt, alt_ids in found if alt_ids), (query, ids))
        unstated = self._number_not_in_source(query, ids)
        if unstated:
            ids = unstated  # the event exists; only the number asked for is not in the source
        if not ids and set(query.all_categories) & self._audiences:
            # "with my children": no event for children there, so the events themselves
            broad = replace(
                query,
                all_categories=tuple(c for c in query.all_categories if c not in self._audiences),
            )
            query, ids = broad, self.index.select(broad)
            # then, as its token replays: maybe only the number asked for is not in the source
            ids = ids or self._number_not_in_source(query, ids)
        narrowed = self._narrowed_by_text(query, ids)
        if narrowed != ids:  # named from now on, so a replayed token shows the same events
            query, ids = replace(query, events=narrowed), narrowed
        readings = self._readings(query, ids)
        if readings:
            return Answer(
                question,
                language,
                Intent.CLARIFY,
                suggestions=readings,
                confidence=query.confidence,
            )

        facts: tuple[Fact, ...] = ()
        not_stated: tuple[str, ...] = ()
        if intent is Intent.OVERVIEW:
            ids = self.index.section(query.topic) if query.topic else ids
        elif intent is Intent.FIRST:
            ids = ids[:1]
        elif intent is Intent.LATEST:
            ids = ids[-1:]
        elif intent in (Intent.COUNT, Intent.LIST) and query.facts:
            # "which edition was it", "how many medals": the number, or that the source has none
            facts = self._fact_totals(query.facts, ids)
            if not facts:
                not_stated = query.facts
        elif query.facts and ids and len(ids) <= 3 and intent in _STATES_FACTS:
            facts = self._fact_totals(query.facts, ids)  # "which edition was it": say 13
        elif intent is Intent.DETAIL and len(ids) > 1:
            intent = Intent.LIST
        elif intent is Intent.COMPARE and len(ids) < 2:
            intent = Intent.DETAIL if ids else Intent.LIST
        if intent is Intent.LIST and len(ids) == 1:
            intent = Intent.DETAIL  # one event found: its card (who, what), not a list of one

        no_match = not ids and (query.has_filters() or intent is not Intent.OVERVIEW)
        quote = self._quote(question, query, ids, intent, language) if not facts else ""
        return Answer(
            quote=quote,
            question=question,
            language=language,
            intent=intent,
            event_ids=ids,
            topic_id=query.topic if intent is Intent.OVERVIEW else None,
            facts=facts,
            facts_not_stated=not_stated,
            query=query,
            no_match=no_match,
            suggestions=self._relaxations(query)
            if no_match
            else self._follow_ups(ids, query)
            if len(ids) == 1
            else (),
            token=self.tokens.encode(query, intent=intent.value),
            confidence=query.confidence,
            asks_who=(query.asks_who or "organiser") if intent is Intent.ORGANISER else None,
        )

    def _select(self, query: Query, intent: Intent) -> tuple[str, ...]:
        """The events found; for "the first ..." or "the latest ..." only that one, when
        nothing below looks at the others (no words to narrow by, no other reading to weigh):
        at 100,000 events "the first event in Ghent" need not read out 4,000."""
        ends = intent in (Intent.FIRST, Intent.LATEST)
        if ends and not query.loose_words and not query.alternatives:
            return (self.index.first if intent is Intent.FIRST else self.index.last)(query)
        return self.index.select(query)

    def _number_not_in_source(self, query: Query, ids: tuple[str, ...]) -> tuple[str, ...]:
        """ "How many people came to the Raimbekova concert": the events found once the number
        asked for is left out, when only that number made the search come back empty."""
        # DETAIL too: a list of one is shown (and replayed) as its card
        if (
            ids
            or not query.facts
            or query.intent not in (Intent.COUNT, Intent.LIST, Intent.DETAIL)
        ):
            return ()
        if not (query.events or query.people or query.organisations):
            return ()  # "medals in 2015" names no event: nothing there to point at
        without = replace(query, facts=(), numbers=())
        return self.index.select(without)

    def _fact_totals(self, kinds: tuple[str, ...], ids: tuple[str, ...]) -> tuple[Fact, ...]:
        wanted = [k for kind in kinds for k in fact_kinds(kind)]
        if len(ids) < _FACTS_BY_EVENT:
            return self._fact_totals_by_event(wanted, ids)
        found = self.index.bits(ids)
        totals: list[Fact] = []
        for kind in wanted:
            counts = self.index.fact_counts(kind, found)
            if counts is None:
                return self._fact_totals_by_event(wanted, ids)
            if not counts:
                continue
            if kind in _ADDITIVE_FACTS:
                value = sum(value * events for value, events in counts)
            elif len(counts) == 1:
                value = counts[0][0]
            else:  # the first event's, in the order given
                value = next(
                    f.value for fs in self.catalog.facts_of(ids) for f in fs if f.kind == kind
                )
            totals.append(Fact(kind, value, self.index.fact_approximate(kind, found)))
        return tuple(totals)

    def _fact_totals_by_event(self, wanted: list[str], ids: tuple[str, ...]) -> tuple[Fact, ...]:
        """The sum (or the first value) of each kind of fact over these events' own facts."""
        stated = [
            fact for facts in self.catalog.facts_of(ids) for fact in facts if fact.kind in wanted
        ]
        totals: list[Fact] = []
        for kind in wanted:
            values = [fact for fact in stated if fact.kind == kind]
            if values:
                totals.append(
                    Fact(
                        kind,
                        sum(f.value for f in values)
                        if kind in _ADDITIVE_FACTS
                        else values[0].value,
                        any(f.approximate for f in values),
                    )
                )
        return tuple(totals)

    def _readings(self, query: Query, ids: tuple[str, ...]) -> tuple[Suggestion, ...]:
        """Close alternative readings of a typo that lead elsewhere: "did you mean"."""
        if not query.alternatives:
            return ()  # (before hashing `ids`: 100,000 of them for "all events")
        options: list[Suggestion] = []
        seen = {ids}
        for alternative in query.alternatives:
            alt_ids = self.index.select(alternative)
            if not alt_ids or alt_ids in seen:
                continue
            seen.add(alt_ids)
            options.append(Suggestion("reading", alternative, self.tokens.encode(alternative)))
        if not options or not ids:
            return ()
        return (Suggestion("reading", query, self.tokens.encode(query)), *options)

    def _follow_ups(self, ids: tuple[str, ...], query: Query) -> tuple[Suggestion, ...]:
        """Same year, same city, same category as the first event, when that shows more."""
        if not ids:
            return ()
        event = self._event(ids[0])
        current = self.index.bits(ids)
        candidates: list[tuple[str, int | str]] = [("year", event.start.year)]
        if event.cities:
            candidates.append(("city", event.cities[0]))
        if event.categories:
            candidates.append(("category", event.categories[0]))
        suggestions = []
        for kind, value in candidates:
            found, suggestion = self._follow_up(kind, value)
            if found and found != current:
                suggestions.append(suggestion)
        return tuple(suggestions)

    def _follow_up(self, kind: str, value: int | str) -> tuple[Bits, Suggestion]:
        """ "More in 2016", "more in Ghent", "more concerts": the events and the suggestion,
        worked out once per year, city or category (a handful) and kept with this catalog."""
        known = self._follow_up_of.get((kind, value))
        if known is None:
            if kind == "year":
                follow_up = Query("list", years=(int(value),))
            elif kind == "city":
                follow_up = Query("list", places=(str(value),))
            else:
                follow_up = Query("list", categories=(str(value),))
            found = self.index.select_bits(follow_up)  # a follow-up names no event
            known = found, Suggestion(kind, follow_up, self.tokens.encode(follow_up))
            self._follow_up_of[(kind, value)] = known
        return known

    def _relaxations(self, query: Query) -> tuple[Suggestion, ...]:
        """After "nothing found": each part of the question alone, where that finds something
        ("concerts in Ghent" -> all concerts, everything in Ghent)."""
        parts = [("city", Query("list", places=(p,))) for p in query.places]
        parts += [("category", Query("list", categories=(c,))) for c in query.categories]
        parts += [("year", Query("list", years=(y,))) for y in query.years]
        if len(parts) < 2:
            return ()  # the one filter there was is what found nothing
        return tuple(
            Suggestion(kind, alone, self.tokens.encode(alone))
            for kind, alone in parts
            if self.index.count(alone)
        )

    def _event(self, event_id: str) -> Event:
        event = self.catalog.event(event_id)
        if event is None:
            raise KeyError(event_id)
        return event


MAX_QUESTION_CHARS = 4096
_TYPED_YEAR = re.compile(r"(?<!\d)(19|20)\d\d(?!\d)")
# Replies that list no events: their words come from the catalog as a whole.
_SMALLTALK = (Intent.HELP, Intent.GREETING, Intent.THANKS, Intent.OUT_OF_SCOPE, Intent.PLACES)
# Questions about one event whose reply may quote the summary's sentence that answers them.
_QUOTED = (Intent.DATE_OF, Intent.DETAIL, Intent.COUNT)
# A number asked beside a list or a card ("which edition", "how big") is stated first.
_STATES_FACTS = (Intent.LIST, Intent.DETAIL, Intent.DATE_OF)
# Greetings and help keep their reply whatever else the message holds.
_NOT_SEARCHED = ("help", "greeting", "thanks", "places", "overview")
# Fewer events than this have their facts summed one by one, more from the index's bit sets
# (which cost a pass over every event's bit, about 30 µs at 100,000 events).
_FACTS_BY_EVENT = 64
# The events a question's words find name its query sorted by id when they are this few (no
# token or header names more); more, in date order as the index reads them out.
_SORTED_BY_ID = 64
# The latest text searches kept, for the answer in progress to know its events (a few: one
# found tuple may hold 100,000 ids, 800 KB).
_SEARCHES_KEPT = 4
_ADDITIVE_FACTS = {"gold_medals", "bronze_medals", "guests"}
_INTENT_OF = {intent.value: intent for intent in Intent}  # a dict lookup, not Enum's call


def supported_language(code: str | None) -> str:
    """A Telegram language_code ("ru", "fr-BE", "de") -> one of ours, English otherwise."""
    if not code:
        return DEFAULT_LANGUAGE
    base = code.split("-")[0].split("_")[0].lower()
    return base if base in LANGUAGES else DEFAULT_LANGUAGE


__all__ = ["Answer", "Answerer", "Intent", "Suggestion", "supported_language"]
