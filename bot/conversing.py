"""A question in the light of the conversation so far: follow-ups, positions, "more", "it".

`Answerer.converse` calls `converse` here. The rules, in order:

1. "the next one" / "the previous one" after a card picked from a list: the event after (before)
   it. Else "more" / "ещё" / "дагы" / "meer" / "encore" alone: the next page of the last list.
2. A position ("the second", "номер 3", "экинчиси", "de laatste", a bare "2"): that event of the
   last list, as shown. "The first one ever" is not a position.
3. A question about one side of the event just shown ("who organised it?", "когда это было?",
   "ким ырдаган?", "waar was dat?", "qu'a-t-il gagné ?"): the fact, in the first line. Other
   questions about it ("in welke krant?", "к какой годовщине?") get its card, when what is
   left of them, besides question words and fillers, are words of the event's own texts.
4. A fragment ("and in 2016?", "а в Генте?", "et les films ?") or a correction ("no, I meant
   2016"): the last question with the slots of the same kind replaced, the others kept.
5. Anything else is a question of its own and inherits nothing. Small talk ("thanks") keeps the
   context for the next question.

A follow-up that points at nothing (no list, no card) gets a short "which one?" with the way on.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Protocol

from bot.catalog.model import DEFAULT_LANGUAGE, Catalog, Event, Fact
from bot.conversation import Conversation
from bot.decision import Answer, Intent, Suggestion
from bot.rendering.html import DEFAULT_PAGE_SIZE
from bot.understanding.event_words import EventWords
from bot.understanding.follow_up import LAST, FollowUp, FollowUpReader
from bot.understanding.language import reply_language
from bot.understanding.normalise import fold_word
from bot.understanding.parser import Understander
from bot.understanding.query import Query


class Core(Protocol):
    """What the rules need of the Answerer (bot/answering.py imports this module, not back)."""

    catalog: Catalog
    understander: Understander
    follow_ups: FollowUpReader
    event_words: EventWords

    def with_text_search(self, query: Query) -> Query: ...

    def language_of(self, text: str, query: Query, user_language: str | None) -> str | None: ...

    def decide(self, question: str, query: Query, language: str) -> Answer: ...

    def card(self, event_id: str, language: str, question: str = "") -> Answer | None: ...

    def card_token(self, event_id: str) -> str: ...

    def fact_totals(self, kinds: tuple[str, ...], ids: tuple[str, ...]) -> tuple[Fact, ...]: ...


MAX_CHOICES = 6
"""Events offered as buttons under "which one?": more would not fit a phone's screen."""

# Intents a fragment continues as they were; the others ("tell me about Centaur") go on as a list.
_CONTINUED = frozenset({"list", "count", "first", "latest", "date_of"})
# Replies that do not change what "it", "the second" and "more" point to.
_KEEPS_CONTEXT = frozenset(
    {Intent.GREETING, Intent.THANKS, Intent.HELP, Intent.OUT_OF_SCOPE, Intent.CLARIFY}
)
_SMALLTALK_CUES = frozenset({"greeting", "thanks", "help"})
# Words neither a follow-up word nor known to the parser that a question about "it" may have:
# "where was it supposed to take place?" has three (with "it"); without a pointer none may be
# left: "who is the president of France", "who played piano" are questions of their own.
_POINTED_WORDS = 3
_ANCHORED_WORDS = 1
_BARE_WORDS = 0
# Cues of a question with its own subject: "which concerts were there?", "how many events?".
_OWN_SUBJECT = frozenset({"list", "count", "places", "overview"})
_DIGITS = re.compile(r"\d")
# Slot groups: a fragment that fills one replaces the whole group of the last question.
_TIME = (
    "years",
    "months",
    "season",
    "days",
    "period",
    "period_years",
    "period_month",
    "period_events",
    "year_months",
    "future",
    "without_years",
)
_PLACE = ("places", "unknown_place", "foreign_place", "without_places")
_KIND = ("categories", "all_categories", "without_categories")
_GROUPS: tuple[tuple[str, ...], ...] = (
    _TIME,
    _PLACE,
    _KIND,
    ("people",),
    ("organisations", "organised"),
    ("facts", "numbers"),
    ("planned",),
    ("topic",),
    ("without_events",),
    ("asks_who",),
)


def converse(
    answerer: Core, question: str, conversation: Conversation, user_language: str | None
) -> tuple[Answer, Conversation]:
    """The answer to `question` as the next turn of `conversation`, and the conversation after.

    Args:
        answerer: the core (catalog, understanding, search).
        question: the text, already cut to the length the answerer reads.
        conversation: what was said before; `Conversation()` for a first question.
        user_language: the user's chosen or Telegram language, one of ours, or None; the
            conversation's own language comes first for turns that do not tell ("2", "👍").
    """
    follow = answerer.follow_ups.read(question)
    # The rules read the parse alone: "the second", "who was the photographer?" are follow-up
    # words, not words to look for in the events' texts; a question of its own is searched.
    query = answerer.understander.understand(question)
    fallback = conversation.language or user_language or DEFAULT_LANGUAGE
    own_detected = answerer.language_of(question, query, user_language)
    detected = own_detected or follow.language
    if follow.unexplained == 0 and conversation.language in follow.languages:
        detected = conversation.language  # "номер 4" is Russian and Kyrgyz alike
    elif follow.language is not None and follow.language == conversation.language:
        detected = follow.language  # "no, I meant Ghent" goes on in English, whatever "Ghent" says
    language = reply_language(detected, question, fallback)
    # A question of its own inherits nothing, its language neither: as `Answerer.answer`.
    own = reply_language(own_detected, question, user_language or DEFAULT_LANGUAGE)
    turn = _Turn(answerer, question, conversation, follow, query, language, own)
    return turn.decide()


class _Turn:
    """One question against one conversation; `decide` tries the rules in order."""

    def __init__(
        self,
        answerer: Core,
        question: str,
        conversation: Conversation,
        follow: FollowUp,
        query: Query,
        language: str,
        own_language: str,
    ) -> None:
        self.answerer = answerer
        self.question = question
        self.conversation = conversation
        self.follow = follow
        self.query = query
        self.language = language  # for a follow-up: the conversation's, unless it tells
        self.own_language = own_language  # for a question of its own

    def decide(self) -> tuple[Answer, Conversation]:
        for rule in (self._following, self._more, self._position, self._about, self._fragment):
            outcome = rule()
            if outcome is not None:
                return outcome
        return self._fresh()

    # --- the rules ----------------------------------------------------------------------------

    def _following(self) -> tuple[Answer, Conversation] | None:
        """ "The next one" after a card picked from a list: the event after it in the list."""
        conversation = self.conversation
        step = 1 if self.follow.following else -1 if self.follow.preceding else 0
        if not step or self._identifies() or self.query.categories:
            return None
        if conversation.card is None or conversation.card not in conversation.listed:
            return None  # "next" after a list: the next page, below
        if len(conversation.listed) < 2:
            return None
        index = conversation.listed.index(conversation.card) + step
        if not 0 <= index < len(conversation.listed):
            return self._which_one()
        return self._card(conversation.listed[index])

    def _more(self) -> tuple[Answer, Conversation] | None:
        if not self.follow.more or self._identifies() or self.query.categories:
            return None
        conversation = self.conversation
        if not conversation.listed:
            return self._which_one()
        base = self._list_answer()
        pages = -(-len(conversation.listed) // DEFAULT_PAGE_SIZE)
        following = conversation.page + 1
        if following >= pages:
            answer = replace(base, end_of_list=True, page=pages - 1, suggestions=())
            return answer, replace(conversation, language=self.language)
        answer = replace(base, page=following)
        return answer, replace(conversation, page=following, language=self.language)

    def _position(self) -> tuple[Answer, Conversation] | None:
        position = self.follow.position
        query = self.query
        if position is None or self.follow.ever or self._identifies() or query.facts:
            return None
        if query.cues and set(query.cues) & (_SMALLTALK_CUES | {"count"}):
            return None
        listed = self.conversation.listed
        previous = self.conversation.query
        if query.categories and (
            previous is None or not set(query.categories) <= set(previous.categories)
        ):
            return None  # "the first film" after a list of 2015 asks something new
        if not listed:
            if (
                position in (1, LAST)
                and query.intent in ("first", "latest")
                and self.follow.unexplained > 0
            ):
                return None  # "the first concert" with nothing before: the first of all
            return self._which_one()  # "le premier", "the second one": of what?
        if len(listed) == 1 and position in (1, LAST) and query.intent in ("first", "latest"):
            return None  # after one card, "the last event" is the latest of all
        index = position - 1 if position != LAST else len(listed) - 1
        if not 0 <= index < len(listed):
            return self._which_one()
        return self._card(listed[index])

    def _about(self) -> tuple[Answer, Conversation] | None:
        """A question about the event just shown: "who organised it?", "in welke krant?"."""
        follow, query = self.follow, self.query
        aspect = follow.aspect
        if aspect is None and not (follow.asks or follow.pointer):
            return None
        if follow.following:
            return None  # "the next concert, when?": not the one just shown
        if self._identifies(strict=False):
            return None
        if "out_of_scope" in query.cues:
            return None  # "who won the football match?"
        if set(query.cues) & _SMALLTALK_CUES and not (follow.pointer and aspect):
            return None  # "who are you?"; but "wat heeft hij gewonnen?" is about "him"
        if (follow.fresh and not (follow.pointer and aspect)) or (
            set(query.cues) & _OWN_SUBJECT and not follow.pointer
        ):
            return None  # "which concerts were there?" asks for a list of its own
        target = self._target()
        event = self.answerer.catalog.event(target) if target is not None else None
        anchored = bool(
            event is not None
            and query.categories
            and set(query.categories) <= set(event.categories)
        )  # "who was in the delegation?" after the delegation: one more word may stand
        limit = _POINTED_WORDS if follow.pointer else _ANCHORED_WORDS if anchored else _BARE_WORDS
        if len(self._residue(event)) > limit:
            return None  # "who is the president of France": a question of its own
        if target is None:
            if query.categories or query.facts or aspect is None:
                return None
            if follow.pointer or (self.conversation.listed and not query.cues):
                return self._which_one()
            return None
        if event is None:
            return None
        if query.categories and not set(query.categories) <= set(event.categories):
            return None  # "who organised the films?" after a concert: a new question
        if query.categories and not follow.pointer:
            # "in welke krant?" after the article: the article is one of the papers' events;
            # "кто пел на концерте народной музыки?" names another concert than the one shown
            alone = self.answerer.decide(self.question, query, self.language)
            if target not in alone.event_ids:
                return None
        if query.facts and not _states(event, query.facts):
            return None  # "how many gold medals" after a film: over all events
        if query.facts and query.intent == "count":
            facts = self.answerer.fact_totals(query.facts, (target,))
            card = self.answerer.card(target, self.language)
            if facts and card is not None:
                answer = replace(card, intent=Intent.COUNT, facts=facts, question=self.question)
                return answer, self._keep(target)
        if aspect in (None, "details"):
            return self._card(target)
        card = self.answerer.card(target, self.language)
        if card is None:
            return None
        intent = Intent.DATE_OF if aspect == "date" else card.intent
        answer = replace(
            card, question=self.question, aspect=aspect, intent=intent, suggestions=()
        )
        return answer, self._keep(target)

    def _residue(self, event: Event | None) -> list[str]:
        """Words neither a follow-up word, nor known to the parser, nor found in the texts of
        the event just shown: "piano" after the piano concert is about it, after a film not."""
        leftover = {fold_word(word) for word in self.follow.leftover}
        unknown = [word for word in self.query.unexplained if word in leftover]
        if event is None or not unknown:
            return unknown
        mention = self.answerer.event_words.mention
        return [word for word in unknown if not mention(word, event)]

    def _fragment(self) -> tuple[Answer, Conversation] | None:
        previous = self.conversation.query
        if previous is None or self.conversation.empty:
            return None
        follow = self.follow
        if follow.opener is not None:
            if not follow.rest.strip():
                return None
            fragment = self.answerer.understander.understand(follow.rest)
            if set(fragment.cues) & _SMALLTALK_CUES:
                return None
        elif _implicit_fragment(self.query) and not follow.fresh:
            fragment = self.query
        elif _bare_count(self.query) and not (follow.fresh or follow.ever):
            fragment = self.query  # "how many?" after a list: how many of those
        else:
            return None
        if not (
            fragment.has_filters() or fragment.categories or fragment.topic
        ) and not _bare_count(fragment):
            return None
        merged = _merge(previous, fragment, keep_events=len(self.conversation.listed) > 1)
        answer = self.answerer.decide(self.question, merged, self.language)
        if not answer.event_ids and follow.opener is None:
            # "2012" after "films 2017" found no films: read it as a question of its own.
            alone = self.answerer.decide(self.question, fragment, self.language)
            if alone.event_ids:
                return alone, self._after(alone, fragment)
        return answer, self._after(answer, merged)

    def _fresh(self) -> tuple[Answer, Conversation]:
        query = self.answerer.with_text_search(self.query)  # as `Answerer.answer` does
        answer = self.answerer.decide(self.question, query, self.own_language)
        if answer.intent in _KEEPS_CONTEXT:
            return answer, replace(self.conversation, language=answer.language)
        return answer, self._after(answer, query)

    # --- helpers ------------------------------------------------------------------------------

    def _identifies(self, *, strict: bool = True) -> bool:
        """The question names a year, a place, a person...; unless every word of it is a
        follow-up word, which the parser's typo matching may have misread ("номер" as a month).

        Not strict: a year counts only when typed in digits ("ал кандай сыйлык алды?" is not
        "this year", whatever a typo reading of "алды" says).
        """
        query = self.query
        if (
            not strict
            and self.follow.pointer
            and (query.years or query.period)
            and not _DIGITS.search(self.question)
        ):
            # a time word read in a word ("алды", took) does not outweigh "ал" (it)
            query = replace(query, years=(), period=None, period_years=())
        target = self._target()
        event = self.answerer.catalog.event(target) if target is not None else None
        if (
            not strict
            and query.unknown_place
            and event is not None
            and self.answerer.event_words.mention(fold_word(query.unknown_place), event)
        ):
            query = replace(query, unknown_place=None)  # "qui était au piano ?"
        return _identifies(query) and self.follow.unexplained > 0

    def _target(self) -> str | None:
        """The event "it" stands for: the last card, or the only event of the last list."""
        conversation = self.conversation
        if conversation.card is not None:
            return conversation.card
        if len(conversation.listed) == 1:
            return conversation.listed[0]
        return None

    def _list_answer(self) -> Answer:
        """The last list again, as it was shown (its events in their order)."""
        conversation = self.conversation
        query = conversation.query or Query("list")
        if query.intent not in _CONTINUED or query.intent in ("first", "latest", "date_of"):
            query = replace(query, intent="list")
        answer = self.answerer.decide(self.question, query, self.language)
        return replace(
            answer,
            intent=Intent.LIST,
            event_ids=conversation.listed,
            no_match=False,
        )

    def _card(self, event_id: str) -> tuple[Answer, Conversation]:
        card = self.answerer.card(event_id, self.language, self.question)
        if card is None:  # the data changed under the conversation
            return self._which_one()
        return card, self._keep(event_id)

    def _keep(self, event_id: str) -> Conversation:
        return self.conversation.with_card(event_id, self.language)

    def _after(self, answer: Answer, query: Query) -> Conversation:
        return self.conversation.with_list(query, answer.event_ids, answer.language)

    def _which_one(self) -> tuple[Answer, Conversation]:
        """Nothing to point at, or a position the list does not have: ask, with the way on."""
        listed = self.conversation.listed
        choices: tuple[Suggestion, ...] = ()
        if listed:
            choices = tuple(
                Suggestion("event", Query("detail", events=(event_id,)), token)
                for event_id in listed[:MAX_CHOICES]
                if (token := self.answerer.card_token(event_id))
            )
        answer = Answer(
            self.question,
            self.language,
            Intent.WHICH_ONE,
            suggestions=choices,
        )
        return answer, replace(self.conversation, language=self.language)


def _identifies(query: Query) -> bool:
    """The question names what it is about (a year, a place, a person...): not a pointer."""
    return bool(
        query.events
        or query.people
        or query.organisations
        or query.places
        or query.unknown_place
        or query.years
        or query.months
        or query.days
        or query.period
        or query.topic
        or query.planned
    )


def _implicit_fragment(query: Query) -> bool:
    """ "2016?", "в Генте?", "en in Brugge?": only when or where, no words asking anything."""
    if query.cues or query.intent != "list":
        return False
    if query.categories or query.people or query.organisations or query.events or query.facts:
        return False
    return bool(query.years or query.months or query.period or query.places or query.season)


def _states(event: Event, kinds: tuple[str, ...]) -> bool:
    """Whether the seed gives the event a number of one of these kinds (medals: gold or bronze)."""
    stated = {fact.kind for fact in event.facts}
    if stated & {"gold_medals", "bronze_medals"}:
        stated.add("medals")
    return bool(stated & set(kinds))


def _bare_count(query: Query) -> bool:
    """ "How many?", "сколько?": counting, with nothing said about what."""
    return (
        query.intent == "count"
        and set(query.cues) == {"count"}  # "how many events in total" also says "events"
        and not query.has_filters()
        and not query.categories
        and not query.topic
    )


def _merge(previous: Query, fragment: Query, *, keep_events: bool) -> Query:
    """The last question with each slot group the fragment fills replaced by the fragment's.

    A named event is kept only when it named a series ("Colors of the World", then "and in
    2016?"); one event's card followed by "and in 2016?" asks about 2016.
    """
    changes: dict[str, object] = {} if keep_events else {"events": ()}
    for group in _GROUPS:
        if any(getattr(fragment, slot) for slot in group):
            changes.update({slot: getattr(fragment, slot) for slot in group})
    if fragment.events:
        changes["events"] = fragment.events
    intent = previous.intent if previous.intent in _CONTINUED else "list"
    if fragment.cues and fragment.intent not in ("out_of_scope", "help", "greeting", "thanks"):
        intent = fragment.intent
    if intent == "overview":
        intent = "list"
    return replace(
        previous,
        intent=intent,
        alternatives=(),
        language=fragment.language or previous.language,
        **changes,  # type: ignore[arg-type]
    )
