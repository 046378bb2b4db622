"""What a subscriber asked to hear about: everything, one kind of event, or one city.

A filter is stored as one short string: "" (everything), "category:<id>" or "city:<id>", ids
from data/lexicon, so a filter survives a re-wording of the names.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.catalog.model import Catalog, Entity, Event
from bot.understanding.normalise import fold

EVERYTHING = ""


@dataclass(frozen=True)
class Filter:
    kind: str  # "" | "category" | "city"
    value: str = ""

    @property
    def key(self) -> str:
        """The stored form."""
        return f"{self.kind}:{self.value}" if self.kind else EVERYTHING

    @classmethod
    def parse(cls, key: str) -> Filter:
        kind, _, value = key.partition(":")
        return cls(kind, value) if value else cls("")

    def matches(self, event: Event) -> bool:
        if not self.kind:
            return True
        if self.kind == "category":
            return self.value in event.categories
        if self.kind == "city":
            return self.value in event.cities
        return False

    def name(self, catalog: Catalog, language: str) -> str:
        """The filter in words ("concert", "Brussels"); "" for everything."""
        entity = catalog.entity("category" if self.kind == "category" else "place", self.value)
        return entity.name(language) if entity is not None else self.value


def resolve_filter(catalog: Catalog, text: str) -> Filter | None:
    """The category or city a user typed after /subscribe ("concerts", "Брюссель", "Gent").

    Exact after folding (case, accents, Cyrillic/Latin) against names and aliases in every
    language, then a plural/inflection allowance (a shared stem of 5+ letters). None when
    nothing fits: the adapter then lists what does.
    """
    wanted = fold(text)
    if not wanted:
        return None
    pools: tuple[tuple[str, tuple[Entity, ...]], ...] = (
        ("category", catalog.categories),
        ("city", tuple(p for p in catalog.places if p.kind == "city")),
    )
    for kind, pool in pools:
        for entity in pool:
            if wanted in _keys(entity):
                return Filter(kind, entity.id)
    for kind, pool in pools:
        for entity in pool:
            if any(_same_stem(wanted, key) for key in _keys(entity)):
                return Filter(kind, entity.id)
    return None


def _keys(entity: Entity) -> set[str]:
    return {fold(name) for name in (*entity.names.values(), *entity.aliases, entity.id)}


def _same_stem(a: str, b: str) -> bool:
    if " " in a or " " in b:
        return False
    stem = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        stem += 1
    return stem >= 5 and max(len(a), len(b)) - stem <= 3
