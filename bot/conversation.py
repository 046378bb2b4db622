"""What a conversation carries from one question to the next: small, immutable, serialisable.

The answerer takes a Conversation with each question and returns the next one (see
`Answerer.converse`); adapters only keep it (per chat, per bot message) and hand it back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields, replace
from typing import Any

from bot.understanding.query import Period, Query

# Query slots worth keeping; `alternatives` (other typo readings) and `confidence` belong to the
# moment the question was read, not to what it asked.
_SKIPPED = frozenset({"alternatives", "confidence", "cues", "unexplained"})
_TUPLE_SLOTS = frozenset(
    f.name for f in fields(Query) if f.name not in _SKIPPED and f.type.startswith("tuple")
)
MAX_LISTED = 200
"""A list longer than this keeps only its head: "the 150th" is not something people say."""


@dataclass(frozen=True)
class Conversation:
    """The context of the next question.

    Attributes:
        query: the last question that asked for events, as understood (slots, intent).
        listed: the events of the last list, in the order they were shown.
        page: the page of `listed` shown last (0-based), for "more".
        card: the event whose card (or date, or side) was shown last: "it", "that".
        language: the language of the last reply, for turns that do not tell ("2", "👍").
    """

    query: Query | None = None
    listed: tuple[str, ...] = ()
    page: int = 0
    card: str | None = None
    language: str | None = None

    @property
    def empty(self) -> bool:
        return self.query is None and not self.listed and self.card is None

    def to_json(self) -> str:
        """A compact JSON text (a few hundred bytes): what a store may keep across restarts."""
        payload: dict[str, Any] = {}
        if self.query is not None:
            payload["query"] = _query_to_dict(self.query)
        if self.listed:
            payload["listed"] = list(self.listed)
        if self.page:
            payload["page"] = self.page
        if self.card:
            payload["card"] = self.card
        if self.language:
            payload["language"] = self.language
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> Conversation:
        """The conversation a `to_json` text stands for; anything malformed is a fresh start."""
        try:
            raw = json.loads(text)
            if not isinstance(raw, dict):
                return cls()
            query = _query_from_dict(raw["query"]) if "query" in raw else None
            listed = tuple(str(i) for i in raw.get("listed", ()))[:MAX_LISTED]
            page = int(raw.get("page", 0))
            card = raw.get("card")
            language = raw.get("language")
            return cls(
                query=query,
                listed=listed,
                page=max(page, 0),
                card=str(card) if card else None,
                language=str(language) if language else None,
            )
        except (ValueError, TypeError, KeyError):
            return cls()

    def with_list(
        self, query: Query | None, listed: tuple[str, ...], language: str
    ) -> Conversation:
        """After a new list: it becomes what "the second" and "more" point into."""
        card = listed[0] if len(listed) == 1 else None
        return Conversation(_kept(query), listed[:MAX_LISTED], 0, card, language)

    def with_card(self, event_id: str, language: str) -> Conversation:
        """After a card picked from the list: the list stays, "it" is now this event."""
        return Conversation(self.query, self.listed, self.page, event_id, language)


def _kept(query: Query | None) -> Query | None:
    if query is None or (not query.alternatives and query.confidence == 1.0):
        return query  # most questions: already so, and a copy of all its fields costs more
    return replace(query, alternatives=(), confidence=1.0)


def _query_to_dict(query: Query) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for f in fields(Query):
        if f.name in _SKIPPED:
            continue
        value = getattr(query, f.name)
        if value in (None, (), False, ""):
            continue
        result[f.name] = list(value) if isinstance(value, tuple) else str(value)
        if isinstance(value, bool):
            result[f.name] = value
    return result


def _query_from_dict(raw: object) -> Query:
    if not isinstance(raw, dict) or not isinstance(raw.get("intent"), str):
        raise ValueError("not a query")
    slots: dict[str, Any] = {}
    for f in fields(Query):
        if f.name in _SKIPPED or f.name not in raw:
            continue
        value = raw[f.name]
        if f.name in _TUPLE_SLOTS:
            if not isinstance(value, list):
                raise ValueError(f.name)
            slots[f.name] = tuple(value)
        elif f.name == "period":
            slots[f.name] = Period(value)
        elif f.name == "planned":
            slots[f.name] = bool(value)
        else:
            slots[f.name] = str(value)
    return Query(**slots)
