"""The replay codec: a Query as a short ASCII token, so a button can replay an answer after a
restart (not tokenisation of text: that is normalise.py).

Entity ids are replaced by 4-character digests, longer only where two entities share those four:
the token stays under 48 bytes and carries no user text. A token naming something the current
data no longer has, or no longer tells apart, decodes to None (stale).
"""

from __future__ import annotations

import hashlib
from array import array
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import fields
from functools import lru_cache
from typing import Protocol

from bot.catalog.model import Catalog, Event
from bot.understanding.query import Period, Query

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


@lru_cache(maxsize=4096)  # a token per answer, each naming a few entities: hash them once
def _digest(kind: str, entity_id: str) -> str:
    """An entity's short name in tokens: four hex digits, as every published token has them."""
    return hashlib.blake2s(f"{kind}:{entity_id}".encode(), digest_size=3).hexdigest()[:4]


def _long_digest(kind: str, entity_id: str) -> str:
    """The short name's continuation, for entities whose four digits another one shares: the
    same six digits first (so a prefix of four is the short name), then 64 more."""
    key = f"{kind}:{entity_id}".encode()
    return hashlib.blake2s(key, digest_size=3).hexdigest() + hashlib.blake2s(key).hexdigest()


def _event_digest(event: Event) -> int:
    """An event's short name as a number (four hex digits: 0-65535); past the cache, which is
    for the few entities of each answer, not for every event of a catalog being built."""
    return int(_digest.__wrapped__("event", event.id), 16)


_HEX = frozenset("0123456789abcdef")
_LONGEST_NAME = 6 + 64
_SHORTEST_NAMED = 4 + 1  # an entity's part of a token: four digits and a dot at least


class Layout(Protocol):
    """Where the events of a new catalog were in the previous one (bot/incremental.py)."""

    added: tuple[int, ...]
    removed: tuple[Event, ...]


class _EventsByDigest:
    """Event ids in the order of their four-digit digests, found by binary search: two arrays
    rather than a dict entry per event (100,000 events: 1 MB), updated in place of rebuilt when
    an edit adds or removes a few events."""

    def __init__(self, events: Sequence[Event]) -> None:
        digests = [_event_digest(event) for event in events]
        order = sorted(range(len(digests)), key=digests.__getitem__)
        self._digests = array("H", (digests[rank] for rank in order))
        self._ids = [events[rank].id for rank in order]

    def ids(self, digest: int) -> list[str]:
        low = bisect_left(self._digests, digest)
        return self._ids[low : bisect_right(self._digests, digest, low)]

    def updated(self, removed: Iterable[Event], added: Iterable[Event]) -> _EventsByDigest:
        new = object.__new__(_EventsByDigest)
        new._digests, new._ids = array("H", self._digests), list(self._ids)
        for event in removed:
            digest = _event_digest(event)
            low = bisect_left(new._digests, digest)
            at = new._ids.index(event.id, low, bisect_right(new._digests, digest, low))
            del new._digests[at], new._ids[at]
        for event in added:
            digest = _event_digest(event)
            at = bisect_right(new._digests, digest)
            new._digests.insert(at, digest)
            new._ids.insert(at, event.id)
        return new


class TokenCodec:
    """Entities named by their four-digit digest, or by as many digits of the longer one as
    tell them apart from the entities sharing it: a token never brings back an entity other
    than the one it was made for while both are in the data; a short name that two entities
    have come to share decodes to None (stale), not to either of them."""

    def __init__(self, catalog: Catalog) -> None:
        ids: dict[str, list[str]] = {
            "place": [p.id for p in catalog.places],
            "category": [c.id for c in catalog.categories],
            "person": [p.id for p in catalog.people],
            "organisation": [o.id for o in catalog.organisations],
            "fact": [f.id for f in catalog.facts] + ["medals"],
        }
        by_digest: dict[tuple[str, int], list[str]] = defaultdict(list)
        for kind, values in ids.items():
            for value in dict.fromkeys(values):  # each once, in the catalog's order
                by_digest[(kind, int(_digest(kind, value), 16))].append(value)
        self._lexicon = {key: tuple(values) for key, values in by_digest.items()}
        self._events = _EventsByDigest(catalog.events)
        self._topics = {t.id for t in catalog.topics}

    def updated(self, catalog: Catalog, layout: Layout) -> TokenCodec:
        """The codec of `catalog`, whose events are this codec's catalog's but those `layout`
        says were removed or added (same lexicon), as `TokenCodec(catalog)` would make it."""
        new = object.__new__(TokenCodec)
        new._topics = {t.id for t in catalog.topics}
        new._lexicon = self._lexicon
        added = (catalog.events[rank] for rank in layout.added)
        new._events = self._events.updated(layout.removed, added)
        return new

    def _ids(self, kind: str, digest: int) -> Sequence[str]:
        if kind == "event":
            return self._events.ids(digest)
        return self._lexicon.get((kind, digest), ())

    def _name(self, kind: str, entity_id: str) -> str:
        short = _digest(kind, entity_id)
        rivals = [other for other in self._ids(kind, int(short, 16)) if other != entity_id]
        if not rivals:
            return short
        mine = _long_digest(kind, entity_id)
        theirs = [_long_digest(kind, other) for other in rivals]
        size = 5  # the four digits are shared: one more at least
        while any(other.startswith(mine[:size]) for other in theirs):
            size += 1
        return mine[:size]

    def _entity(self, kind: str, name: str) -> str | None:
        if not 4 <= len(name) <= _LONGEST_NAME or not _HEX.issuperset(name):
            return None
        ids = self._ids(kind, int(name[:4], 16))
        if len(name) > 4:
            ids = [other for other in ids if _long_digest(kind, other).startswith(name)]
        return ids[0] if len(ids) == 1 else None

    def encode(self, query: Query, intent: str | None = None) -> str:
        """The token, or "" when the query cannot be replayed from ids alone: too rich to fit, or
        naming a place we have no record of (the caller then shows no pager). `intent`, when
        given, stands for the query's own (the answer's intent after deciding)."""
        if query.unknown_place:
            return ""
        parts = [_INTENTS.get(intent or query.intent, "L")]
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
                if len(values) * _SHORTEST_NAMED > MAX_TOKEN_BYTES:
                    return ""  # cannot fit, however short the names (600 events: 10 ms to name)
                parts.append(prefix + ".".join(self._name(kind, v) for v in values))
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
                    resolved = tuple(self._entity(kind, v) for v in values)
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
