"""Every phrase the bot recognises, folded, mapped to what it means.

Built once per Catalog from data/ (entity aliases, intent cues, period words), so curators extend
understanding by editing YAML.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from bot.catalog.model import Catalog, Entity
from bot.understanding.normalise import CYRILLIC, fold


@dataclass(frozen=True, order=True)
class Sense:
    """One meaning of a phrase: kind is place, category, person, organisation, month, fact, event,
    topic, intent or period; id names the thing within its kind."""

    kind: str
    id: str


MIN_FUZZY_LENGTH = 5
_STEM_CACHE_SIZE = 8_192
"""Words whose stems are remembered (about 1 MB when full: a word, its stems and the entry,
~130 bytes); the oldest go first. Was 50,000 filled once, ~6.5 MB that a run of new words
(typos, names, other languages) would take and keep."""
_FUNCTION_WORD_CACHE_SIZE = 2048
"""Words whose "function word?" answer is remembered (a word and a bool, ~0.25 MB when full);
the oldest go first."""


class Vocabulary:
    """Folded phrase -> senses, plus the suffixes and stop words for words that do not match."""

    def __init__(self, catalog: Catalog) -> None:
        senses: dict[str, set[Sense]] = defaultdict(set)

        plain: dict[str, set[Sense]] = defaultdict(set)

        def add(phrase: str, sense: Sense) -> None:
            key = fold(phrase)
            if key:
                senses[key].add(sense)
                plain[fold(phrase, variants=False)].add(sense)

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
        # Self-introductions mark with "..." on which side the user's own affiliation stands.
        self.introduces: dict[str, str] = {}
        for intent, cues in catalog.lexicon.intents.items():
            for phrase in cues:
                core = phrase.replace("...", "").strip()
                add(core, Sense("intent", intent))
                if "..." in phrase:
                    self.introduces[fold(core)] = "after" if phrase.endswith("...") else "before"
        # Short Cyrillic cue words whose Latin fold is an everyday word elsewhere: "до" -> "do",
        # "с" -> "s". They count only in Cyrillic or Latin-typed Russian questions.
        self.cyrillic_lookalikes: frozenset[str] = frozenset(
            fold(phrase)
            for cues in (*catalog.lexicon.periods.values(), *catalog.lexicon.intents.values())
            for phrase in cues
            if CYRILLIC.search(phrase) and len(fold(phrase)) <= 3
        )
        for period, cues in catalog.lexicon.periods.items():
            for phrase in cues:
                # A two-part pattern ("from ... to", "с ... по") cues by each of its parts.
                for part in phrase.split("..."):
                    add(part, Sense("period", period))

        _join_compound_categories(senses)
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
        self.function_words = self.stopwords | frozenset(
            fold(w) for words in catalog.lexicon.language_markers.values() for w in words
        )
        # Typos are forgiven in names and in longer cue words ("relashions", "lastest"), never
        # in short function words: a near-miss of "in" must not become "on".
        suffixes_by_last: dict[str, list[str]] = defaultdict(list)
        for suffix in self.suffixes:  # longest first, kept so within each bucket
            suffixes_by_last[suffix[-1]].append(suffix)
        self._suffixes_by_last = {k: tuple(v) for k, v in suffixes_by_last.items()}
        self._stem_cache: dict[str, tuple[str, ...]] = {}
        self._function_word_cache: dict[str, bool] = {}  # bounded, see is_function_word
        stemmed: dict[str, set[Sense]] = defaultdict(set)
        for key, meaning in self.senses.items():
            stemmed[self.stem_key(key)].update(meaning)
        self.stemmed: dict[str, frozenset[Sense]] = {k: frozenset(v) for k, v in stemmed.items()}
        # A word of a person's full name ("Kubat") names everyone whose name holds it; when
        # that is more than one person, the question is ambiguous and the user is asked.
        parts: dict[str, set[Sense]] = defaultdict(set)
        for person in catalog.people:
            for phrase in (*person.aliases, *person.names.values()):
                for word in fold(phrase).split():
                    if len(word) >= MIN_FUZZY_LENGTH:
                        parts[word].add(Sense("person", person.id))
        self.name_parts: dict[str, tuple[Sense, ...]] = {
            word: tuple(sorted(meaning))
            for word, meaning in parts.items()
            if word not in self.senses and word not in self.function_words
        }
        self._plain: dict[str, frozenset[Sense]] = {k: frozenset(v) for k, v in plain.items()}
        by_length: dict[int, list[str]] = defaultdict(list)
        for key in self._plain:
            if len(key) >= MIN_FUZZY_LENGTH:
                by_length[len(key)].append(key)
        self._plain_by_length = dict(by_length)
        self.known_words = self.function_words | frozenset(
            word for key in self.senses for word in key.split()
        )

    def plain_keys_near_length(self, length: int, spread: int) -> list[str]:
        """Typo candidates in plain form, only those within `spread` of the word's length."""
        return [
            key
            for size in range(length - spread, length + spread + 1)
            for key in self._plain_by_length.get(size, ())
        ]

    def plain_lookup(self, plain_key: str) -> frozenset[Sense]:
        return self._plain.get(plain_key, frozenset())

    def lookup(self, key: str) -> frozenset[Sense]:
        return self.senses.get(key, frozenset())

    def is_name(self, key: str) -> bool:
        """A phrase that names something (not only an intent cue or a period word)."""
        return any(s.kind not in ("intent", "period") for s in self.lookup(key))

    def is_function_word(self, word: str, *, remember: bool = True) -> bool:
        """A function word as typed or inflected (Kyrgyz "болгонун" from "болгон").

        Remembered per word (bounded): a question's leftover words are asked about in the
        parse, in typo matching and in exclusions, and the same words come back. Not with
        `remember=False`: the text index, built once, asks about each of its words once."""
        if not remember:
            return self._is_function_word(word)
        known = self._function_word_cache.get(word)
        if known is None:
            known = self._is_function_word(word)
            cache = self._function_word_cache
            if len(cache) >= _FUNCTION_WORD_CACHE_SIZE:
                del cache[next(iter(cache))]
            cache[word] = known
        return known

    def _is_function_word(self, word: str) -> bool:
        if word in self.function_words or any(s in self.function_words for s in self.stems(word)):
            return True
        # A long function word plus a short ending the suffix list lacks ("болгон" + "ун").
        return any(
            word[:cut] in self.function_words for cut in range(max(5, len(word) - 3), len(word))
        )

    def stem_key(self, phrase: str) -> str:
        """Every word cut at its longest known ending: "архивных фотографий" and
        "архивные фотографии" share one key."""
        return " ".join(self._stem(word) for word in phrase.split())

    def _stem(self, word: str) -> str:
        stems = self.stems(word)
        return stems[0] if stems else word

    def stems(self, word: str) -> tuple[str, ...]:
        """Candidate stems of an inflected word (Брюсселде -> bryussel), longest suffix first.

        Memoised: a word is stemmed once per process, however many phrases it stands in.
        """
        cached = self._stem_cache.get(word)
        if cached is None:
            cached = tuple(
                word[: -len(suffix)]
                for suffix in self._suffixes_by_last.get(word[-1:], ())
                if word.endswith(suffix) and len(word) - len(suffix) >= 4
            )
            if len(self._stem_cache) >= _STEM_CACHE_SIZE:
                del self._stem_cache[next(iter(self._stem_cache))]
            self._stem_cache[word] = cached
        return cached


_MIN_PART = 6  # a category word inside another one's alias, long enough not to be a syllable


def _join_compound_categories(senses: dict[str, set[Sense]]) -> None:
    """An alias that holds another category's word means both at once: "кинофестиваль",
    "film festival" are films AND festivals, "gala concert" a festival AND a concert.

    Such an alias gets one sense of kind "categories" with the ids joined by "+".
    """
    category_keys = {
        key: {s.id for s in meaning if s.kind == "category"}
        for key, meaning in senses.items()
        if any(s.kind == "category" for s in meaning)
    }
    for key, own in category_keys.items():
        inside = {
            category
            for other, categories in category_keys.items()
            if other != key and len(other) >= _MIN_PART and other in key
            for category in categories
        } - own
        if inside:
            senses[key] = {s for s in senses[key] if s.kind != "category"} | {
                Sense("categories", "+".join(sorted(own | inside)))
            }
