"""Every phrase the bot recognises, folded, mapped to what it means.

Built once per Catalog from data/ (entity aliases, intent cues, period words), so curators extend
understanding by editing YAML.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from bot.catalog.model import Catalog, Entity
from bot.understanding.normalise import fold


@dataclass(frozen=True, order=True)
class Sense:
    """One meaning of a phrase: kind is place, category, person, organisation, month, fact, event,
    topic, intent or period; id names the thing within its kind."""

    kind: str
    id: str


ENTITY_KINDS = ("place", "category", "person", "organisation", "month", "fact")


class Vocabulary:
    """Folded phrase -> senses, plus the suffixes and stop words for words that do not match."""

    def __init__(self, catalog: Catalog) -> None:
        senses: dict[str, set[Sense]] = defaultdict(set)

        def add(phrase: str, sense: Sense) -> None:
            key = fold(phrase)
            if key:
                senses[key].add(sense)

        pools: dict[str, tuple[Entity, ...]] = {
            "place": catalog.places,
            "category": catalog.categories,
            "person": catalog.people,
            "organisation": catalog.organisations,
            "month": catalog.months,
            "fact": catalog.facts,
        }
        for kind, entities in pools.items():
            for entity in entities:
                for phrase in (*entity.aliases, *entity.names.values()):
                    add(phrase, Sense(kind, entity.id))
        for event in catalog.events:
            for phrase in event.aliases:
                add(phrase, Sense("event", event.id))
        for topic in catalog.topics:
            for phrase in (*topic.aliases, *topic.title.values()):
                add(phrase, Sense("topic", topic.id))
        for intent, cues in catalog.lexicon.intents.items():
            for phrase in cues:
                add(phrase, Sense("intent", intent))
        for period, cues in catalog.lexicon.periods.items():
            for phrase in cues:
                add(phrase, Sense("period", period))

        self.senses: dict[str, frozenset[Sense]] = {k: frozenset(v) for k, v in senses.items()}
        self.max_words = max((k.count(" ") + 1 for k in self.senses), default=1)
        self.stopwords = frozenset(fold(w) for w in catalog.lexicon.stopwords)
        self.suffixes = tuple(
            sorted(
                {fold(s) for group in catalog.lexicon.suffixes.values() for s in group if fold(s)},
                key=len,
                reverse=True,
            )
        )
        # Fuzzy matching only looks at names of things, never at function words or cue phrases:
        # a typo in "Aitmatov" should be forgiven, a near-miss of "in" must not become "on".
        self.fuzzy_keys: tuple[str, ...] = tuple(
            key
            for key, meaning in self.senses.items()
            if len(key) >= 4 and any(s.kind not in ("intent", "period") for s in meaning)
        )

    def lookup(self, key: str) -> frozenset[Sense]:
        return self.senses.get(key, frozenset())

    def stems(self, word: str) -> list[str]:
        """Candidate stems of an inflected word (Брюсселде -> bryussel), longest suffix first."""
        return [
            word[: -len(suffix)]
            for suffix in self.suffixes
            if word.endswith(suffix) and len(word) - len(suffix) >= 4
        ]
