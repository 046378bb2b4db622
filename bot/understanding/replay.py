"""The replay codec: a Query as a short ASCII token, so a button can replay an answer after a
restart (not tokenisation of text: that is normalise.py).

Entity ids are replaced by 4-character digests: the token stays under 48 bytes and carries no
user text. A token naming something the current data no longer has decodes to None (stale).
"""

from __future__ import annotations

import hashlib
import re
from array import array
from collections.abc import Callable, Sequence
from dataclasses import fields
from typing import Protocol, TypeVar

from bot.catalog.model import Catalog, Event
from bot.understanding.query import Period, Query

V = TypeVar("V")

MAX_TOKEN_BYTES = 48
_SEP = "~"
_INTENTS = {
    "list": "L", "detail": "D", "date_of": "W", "count": "N", "first": "F", "latest": "T",
    "overview": "O", "help": "H", "greeting": "G", "thanks": "K", "out_of_scope": "X",
    "places": "C", "organiser": "R", "compare": "V", "future": "U",
}  # fmt: skip
_INTENT_OF = {code: intent for intent, code in _INTENTS.items()}
_PERIODS = {Period.BEFORE: "b", Period.AFTER: "a", Period.SINCE: "s", Period.BETWEEN: "r"}
_PERIOD_OF = {code: period for period, code in _PERIODS.items()}
# slot name -> (prefix, entity kind used for the digest)
_ENTITY_SLOTS = {
    "places": ("p", "place"),
    "categories": ("c", "category"),
    "all_categories": ("g", "category"),
    "people": ("h", "person"),
    "organisations": ("o", "organisation"),
    "events": ("e", "event"),
    "facts": ("f", "fact"),
    "without_categories": ("x", "category"),
    "without_places": ("z", "place"),
    "without_events": ("w", "event"),
    "period_events": ("v", "event"),
}
_SEASON_NAMES = ("spring", "summer", "autumn", "winter")
_SLOT_OF_PREFIX = {prefix: (slot, kind) for slot, (prefix, kind) in _ENTITY_SLOTS.items()}
_DIGEST = re.compile(r"[0-9a-f]{4}")
_DIGESTS = 1 << 16  # four hex digits


def _digest(kind: str, entity_id: str) -> str:
    return hashlib.blake2s(f"{kind}:{entity_id}".encode(), digest_size=3).hexdigest()[:4]


def _event_digest(event: Event) -> int:
    """An event's digest as a number (four hex digits: 0-65535)."""
    return int(_digest("event", event.id), 16)


class Layout(Protocol):
    """Where the events of a new catalog were in the previous one (bot/incremental.py)."""

    added: tuple[int, ...]
    removed: tuple[Event, ...]

    def spliced(
        self, old: Sequence[V], make: Callable[[Event], V], events: Sequence[Event]
    ) -> list[V]: ...


class TokenCodec:
    def __init__(self, catalog: Catalog) -> None:
        ids: dict[str, list[str]] = {
            "place": [p.id for p in catalog.places],
            "category": [c.id for c in catalog.categories],
            "person": [p.id for p in catalog.people],
            "organisation": [o.id for o in catalog.organisations],
            "fact": [f.id for f in catalog.facts] + ["medals"],
        }
        self._by_digest: dict[tuple[str, str], str] = {}
        for kind, values in ids.items():
            for value in values:
                self._by_digest.setdefault((kind, _digest(kind, value)), value)
        # Events, which may be 100,000: each one's digest by rank (2 bytes each, kept for
        # `updated`), and for each of the 65,536 digests the id of the first event in date order
        # that has it (the catalog's own string; None for none): 512 kB whatever the catalog's
        # size, where a dict of (kind, digest) pairs took 80 bytes an event. Ids, not ranks:
        # ranks shift when `updated` adds or removes events before them.
        self._event_digests = array("H", (_event_digest(e) for e in catalog.events))
        event_of_digest: list[str | None] = [None] * _DIGESTS
        for digest, event in zip(self._event_digests, catalog.events, strict=True):
            if event_of_digest[digest] is None:
                event_of_digest[digest] = event.id
        self._event_of_digest = event_of_digest
        self._topics = {t.id for t in catalog.topics}

    def updated(self, catalog: Catalog, layout: Layout) -> TokenCodec:
        """The codec of `catalog`, whose events are this codec's catalog's but those `layout`
        says were removed or added (same lexicon): a digest two events share stays the first
        one's in date order, as `TokenCodec(catalog)` has it."""
        new = object.__new__(TokenCodec)
        new._topics = {t.id for t in catalog.topics}
        new._by_digest = self._by_digest  # the lexicon's, unchanged (never written after init)
        digests = array("H", layout.spliced(self._event_digests, _event_digest, catalog.events))
        new._event_digests = digests
        event_of_digest = list(self._event_of_digest)
        touched = {_event_digest(event) for event in layout.removed}
        touched.update(digests[rank] for rank in layout.added)
        for digest in touched:
            event_of_digest[digest] = None
        if touched:  # each touched digest goes to the first event that has it
            events = catalog.events
            for rank, digest in enumerate(digests):
                if digest in touched:
                    event_of_digest[digest] = events[rank].id
                    touched.discard(digest)
                    if not touched:
                        break
        new._event_of_digest = event_of_digest
        return new

    def _resolve(self, kind: str, digest: str) -> str | None:
        """The id of the entity of that kind whose digest this is, if any."""
        if kind != "event":
            return self._by_digest.get((kind, digest))
        if not _DIGEST.fullmatch(digest):
            return None
        return self._event_of_digest[int(digest, 16)]

    def encode(self, query: Query) -> str:
        """The token, or "" when the query cannot be replayed from ids alone: too rich to fit, or
        naming a place we have no record of (the caller then shows no pager)."""
        if query.unknown_place:
            return ""
        parts = [_INTENTS.get(query.intent, "L")]
        if query.years:
            parts.append("y" + ".".join(map(str, query.years)))
        if query.months:
            parts.append("m" + ".".join(map(str, query.months)))
        if query.days:
            parts.append("d" + ".".join(map(str, query.days)))
        if query.without_years:
            parts.append("u" + ".".join(map(str, query.without_years)))
        if query.year_months:
            parts.append("j" + ".".join(f"{y}-{m}" for y, m in query.year_months))
        if query.period_month:
            parts.append(f"M{query.period_month}")
        if query.future:
            parts.append("Z")
        if query.organised:
            parts.append("Q")
        if query.period:
            parts.append(_PERIODS[query.period] + ".".join(map(str, query.period_years)))
        for slot, (prefix, kind) in _ENTITY_SLOTS.items():
            values: tuple[str, ...] = getattr(query, slot)
            if values:
                parts.append(prefix + ".".join(_digest(kind, v) for v in values))
        if query.season:
            parts.append("S" + query.season)
        if query.numbers:
            parts.append("n" + ".".join(map(str, query.numbers)))
        if query.planned:
            parts.append("P")
        if query.topic:
            parts.append("t" + query.topic)
        token = _SEP.join(parts)
        return token if len(token.encode()) <= MAX_TOKEN_BYTES else ""

    def decode(self, token: str) -> Query | None:
        if not token or len(token.encode()) > MAX_TOKEN_BYTES or not token.isascii():
            return None
        head, *parts = token.split(_SEP)
        intent = _INTENT_OF.get(head)
        if intent is None:
            return None
        slots: dict[str, object] = {}
        try:
            for part in parts:
                prefix, body = part[:1], part[1:]
                values = body.split(".") if body else []
                if prefix in ("y", "m", "d", "n", "u"):
                    numbers = tuple(int(v) for v in values)
                    slot = {
                        "y": "years",
                        "m": "months",
                        "d": "days",
                        "n": "numbers",
                        "u": "without_years",
                    }[prefix]
                    slots[slot] = numbers
                elif part == "P":
                    slots["planned"] = True
                elif part == "Z":
                    slots["future"] = True
                elif part == "Q":
                    slots["organised"] = True
                elif prefix == "M":
                    slots["period_month"] = int(body)
                elif prefix == "j":
                    pairs = [v.split("-") for v in values]
                    slots["year_months"] = tuple((int(y), int(m)) for y, m in pairs)
                elif prefix == "S" and body in _SEASON_NAMES:
                    slots["season"] = body
                elif prefix in _PERIOD_OF:
                    slots["period"] = _PERIOD_OF[prefix]
                    slots["period_years"] = tuple(int(v) for v in values)
                elif prefix in _SLOT_OF_PREFIX:
                    slot, kind = _SLOT_OF_PREFIX[prefix]
                    resolved = tuple(self._resolve(kind, v) for v in values)
                    if not values or None in resolved:
                        return None
                    slots[slot] = resolved
                elif prefix == "t" and body in self._topics:
                    slots["topic"] = body
                else:
                    return None
        except ValueError:
            return None
        known = {f.name for f in fields(Query)}
        return Query(intent=intent, **{k: v for k, v in slots.items() if k in known})  # type: ignore[arg-type]
