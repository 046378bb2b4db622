"""data/ -> Catalog, checking everything a curator can get wrong and naming its file and line.

Every problem is collected (never only the first) so one run of `check-data` lists all there is
to fix. References between files (an event's categories, places, people...) are checked only
when the file they point into could be read, so one broken file does not bury the report under
hundreds of follow-on complaints.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from itertools import chain
from operator import attrgetter
from pathlib import Path
from typing import TypeVar, cast

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bot.catalog.event_cache import EventCache, FileEvents, Memory, ReadEvent, stat_of
from bot.catalog.follow_ups import load_follow_ups
from bot.catalog.locales import load_locales
from bot.catalog.model import (
    Catalog,
    Category,
    Entity,
    Event,
    Fact,
    Lexicon,
    Localized,
    Month,
    PartialDate,
    Place,
    Role,
    Status,
    Topic,
    chronological,
)
from bot.catalog.problems import DataError, Problem
from bot.catalog.typography import french_spacing
from bot.catalog.yamldoc import (
    Doc,
    Record,
    did_you_mean,
    is_null,
    line_of,
    one_of,
    read_yaml,
)
from bot.text import same_name

TITLE_MAX = 80
"""Titles show in lists and inline results; longer ones get cut by Telegram clients."""

SHORT_TITLE_MAX = 41
"""A button shows "2017 · " (7 characters) and the short title; clients cut labels after 48."""

EVENTS_FOLDER = "events"
"""data/events/*.yaml: more events, one `events:` list per file (e.g. one file per year)."""

_EDITOR_SUFFIXES = ("~", ".swp", ".swx", ".tmp", ".part", ".bak")
"""Editors' swap and backup files next to the data (as bot/reloading.py ignores them)."""

PLACE_KINDS = ("city", "venue", "country", "region", "foreign")
SLUG = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
EVENT_ID = re.compile(r"^(\d{4})-(\d{2})-[a-z0-9]+(?:-[a-z0-9]+)*$")
DATE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")
MONTH_IDS = tuple(str(number) for number in range(1, 13))

ENTITY_KEYS = ("id", "names", "aliases")
EVENT_KEYS = (
    "id",
    "start",
    "end",
    "status",
    "section",
    "categories",
    "cities",
    "mentions",
    "country_unknown",
    "venue",
    "people",
    "organisations",
    "facts",
    "aliases",
    "title",
    "short_title",
    "summary",
    "source",
)
EVENT_REQUIRED = (
    "id",
    "start",
    "status",
    "section",
    "categories",
    "cities",
    "title",
    "summary",
    "source",
)
TOPIC_KEYS = ("id", "aliases", "title", "summary", "source")
TOPIC_REQUIRED = ("id", "title", "summary", "source")
FACT_KEYS = ("kind", "value", "approximate")
ROLE_KEYS = ("id", "role")


@dataclass(frozen=True)
class _Kind:
    """One lexicon file of entities: where it is, its top key, how to speak of one entry."""

    file: str
    key: str
    noun: str
    keys: tuple[str, ...] = ENTITY_KEYS
    controlled: bool = False  # a fixed list (use one of ...) rather than one that grows


PLACES = _Kind(
    "lexicon/places.yaml",
    "places",
    "place",
    (*ENTITY_KEYS, "kind", "city", "country", "contains", "default"),
)
CATEGORIES = _Kind(
    "lexicon/categories.yaml", "categories", "category", (*ENTITY_KEYS, "within", "audience"), True
)
PEOPLE = _Kind("lexicon/people.yaml", "people", "person")
ORGANISATIONS = _Kind("lexicon/organisations.yaml", "organisations", "organisation")
MONTHS = _Kind("lexicon/months.yaml", "months", "month", (*ENTITY_KEYS, "with_day"), True)
FACTS = _Kind("lexicon/facts.yaml", "facts", "fact kind", controlled=True)


def load_catalog(
    data_dir: Path, event_cache: Path | None = None, memory: Memory | None = None
) -> Catalog:
    """Read and validate data/.

    Args:
        data_dir: the data folder (holding events.yaml, lexicon/, locales/, seed/).
        event_cache: where each data/events/*.yaml file's validated events are kept per
            version of the file (bot/catalog/event_cache.py), so that only files edited since
            are read again; None reads every file.
        memory: each event file's part from the last load in this process, by the file's
            stat (bot/catalog/event_cache.py's `Memory`): files not written since are not even
            read. Updated for the next load.

    Returns:
        The catalog, events in chronological order.

    Raises:
        DataError: with every problem found, when there is any.
    """
    catalog, problems = _Loader(data_dir, event_cache, memory).run()
    if problems or catalog is None:
        raise DataError(problems)
    return catalog


def check_data(data_dir: Path) -> list[Problem]:
    """Every problem in data/, sorted by file and line; empty when data/ is clean."""
    return _Loader(data_dir).run()[1]


class _Loader:
    """One pass over data/: reads each file, builds the values, remembers what went wrong."""

    def __init__(
        self, data_dir: Path, event_cache: Path | None = None, memory: Memory | None = None
    ) -> None:
        self.data_dir = data_dir.resolve()
        self.event_cache = event_cache
        self.memory = memory
        self.problems: list[Problem] = []
        self.broken: set[str] = set()  # lexicon files that could not be read at all
        self.seen_ids: dict[str, set[str]] = {}  # ids per lexicon file, valid entries or not

    # -- files ---------------------------------------------------------------------------------

    def display(self, relative: str) -> str:
        """A path as the curator sees it: relative to data/'s parent ("data/events.yaml")."""
        path = self.data_dir / relative
        return path.relative_to(self.data_dir.parent).as_posix()

    def open(self, relative: str, key: str) -> tuple[Doc, Node | None]:
        """A file's top-level value under `key`, or None (reported) when it is unusable."""
        doc, top = self.open_top(relative, (key,))
        if top is None:
            return doc, None
        return doc, self.top_value(doc, top, key)

    def open_top(self, relative: str, keys: tuple[str, ...]) -> tuple[Doc, Record | None]:
        """A file's top-level mapping (keys checked), or None (reported) when it is unusable."""
        doc = Doc(self.display(relative), self.problems)
        path = self.data_dir / relative
        if not path.is_file():
            doc.report(1, f"the file is missing — create it, starting with '{keys[0]}:'")
            return doc, None
        root = read_yaml(path, doc, f"{keys[0]}:")
        if root is None:
            return doc, None
        return doc, doc.record(root, "the file", keys)

    @staticmethod
    def top_value(doc: Doc, top: Record, key: str) -> Node | None:
        """The value under a top-level key; its absence is reported."""
        value = top.get(key)
        if value is None and key not in top.guessed:  # a typo was already reported
            doc.report(
                line_of(top.node),
                f"there is no '{key}:' at the top of the file — the file must have "
                f"'{key}:' with its entries listed under it",
            )
        return value

    # -- the whole run -------------------------------------------------------------------------

    def run(self) -> tuple[Catalog | None, list[Problem]]:
        places = self.places()
        categories = self.categories()
        people = self.entities(PEOPLE)
        organisations = self.entities(ORGANISATIONS)
        months = self.months()
        facts = self.entities(FACTS)
        lexicon = self.lexicon(facts)
        seed = self.seed()
        refs = _Refs(
            places={p.id: p for p in places},
            categories={c.id for c in categories},
            people={p.id for p in people},
            organisations={o.id for o in organisations},
            facts={f.id for f in facts},
            broken=self.broken,
        )
        topics, events = self.events(refs, seed)
        locales = load_locales(self.data_dir, self.display, self.problems)
        follow_ups = load_follow_ups(self.data_dir, self.display, self.problems)
        self.problems.sort()
        if self.problems:
            return None, self.problems
        places = [_french_names(place) for place in places]
        categories = [_french_names(category) for category in categories]
        people = [_french_names(person) for person in people]
        organisations = [_french_names(organisation) for organisation in organisations]
        topics = [_french_topic(topic) for topic in topics]
        locales["fr"] = {key: french_spacing(text) for key, text in locales.get("fr", {}).items()}
        catalog = Catalog(
            events=tuple(sorted(events, key=chronological)),
            topics=tuple(topics),
            places=tuple(places),
            categories=tuple(categories),
            people=tuple(people),
            organisations=tuple(organisations),
            months=tuple(sorted(months, key=lambda m: m.number)),
            facts=tuple(facts),
            lexicon=lexicon,
            locales=locales,
            follow_ups=follow_ups,
        )
        return catalog, self.problems

    # -- lexicon entities ----------------------------------------------------------------------

    def records(self, kind: _Kind) -> tuple[Doc, list[tuple[Record, Entity]]]:
        """The entries of an entity file, each with its id, names and aliases checked."""
        doc, value = self.open(kind.file, kind.key)
        if value is None:
            self.broken.add(kind.key)
            return doc, []
        items = doc.sequence(value, f"'{kind.key}:'")
        if items is None:
            self.broken.add(kind.key)
            return doc, []
        result: list[tuple[Record, Entity]] = []
        seen: dict[str, int] = {}
        aliases: list[tuple[str, Record, list[tuple[str, Node]]]] = []
        for item in items:
            rec = doc.record(item, label(item, kind.noun), kind.keys, ("id", "names"))
            if rec is None:
                continue
            id_node = rec.get("id")
            entity_id = doc.text(id_node, f"a {kind.noun}'s id") if id_node else None
            if entity_id is None:
                continue
            what = f"{kind.noun} '{entity_id}'"
            if entity_id in seen:
                doc.report(
                    rec.line("id"),
                    f"the {kind.noun} id '{entity_id}' is used twice (first on line "
                    f"{seen[entity_id]}) — merge the two entries or rename one",
                )
                continue
            seen[entity_id] = rec.line("id")
            if kind is not MONTHS and not SLUG.match(entity_id):
                doc.report(
                    rec.line("id"),
                    f"the {kind.noun} id '{entity_id}' should be lowercase letters and digits "
                    "joined by '-' (e.g. 'ak-maral')",
                )
            names = doc.localized(rec, "names", what)
            alias_items = doc.texts(rec.get("aliases"), f"{what}: aliases")
            aliases.append((entity_id, rec, alias_items))
            if names is None:
                continue
            entity = Entity(entity_id, names, tuple(a for a, _ in alias_items))
            result.append((rec, entity))
        self.seen_ids[kind.key] = set(seen)
        self.ambiguous_aliases(doc, kind.noun, aliases, {e.id: e.names for _, e in result})
        return doc, result

    def ambiguous_aliases(
        self,
        doc: Doc,
        noun: str,
        entries: list[tuple[str, Record, list[tuple[str, Node]]]],
        names: dict[str, Localized],
    ) -> None:
        """The same word (name or alias) for two different entries: the bot could not choose."""
        owner: dict[str, tuple[str, int]] = {}
        for entity_id, rec, alias_items in entries:
            words = [(name, rec.line("names")) for name in names.get(entity_id, {}).values()]
            words += [(alias, line_of(node)) for alias, node in alias_items]
            for word, line in words:
                key = same_name(word)
                if not key:
                    continue
                first = owner.setdefault(key, (entity_id, line))
                if first[0] != entity_id:
                    doc.report(
                        line,
                        f"'{word}' names both {noun} '{first[0]}' (line {first[1]}) and "
                        f"'{entity_id}' — the bot could not tell which is meant; keep it on "
                        "one of them only",
                    )

    def entities(self, kind: _Kind) -> list[Entity]:
        _doc, records = self.records(kind)
        return [entity for _rec, entity in records]

    @staticmethod
    def _place_country(
        doc: Doc, rec: Record, what: str, kind: str, by_id: dict[str, Record]
    ) -> str | None:
        """A city's country: optional, and when given, the id of a place of kind country."""
        node = rec.get("country")
        country = doc.optional_text(node, f"{what}: country")
        if country is None or node is None:
            return None
        if kind != "city":
            doc.report(
                node, f"{what}: only a city has a country, and this is a {kind} — remove it"
            )
            return None
        target = by_id.get(country)
        target_kind = target.get("kind") if target is not None else None
        if target is not None and getattr(target_kind, "value", None) != "country":
            doc.report(
                node,
                f"{what}: '{country}' is not a country (kind: "
                f"{getattr(target_kind, 'value', '?')}) — give the id of a place of kind: country",
            )
            return None
        if target is None:
            doc.report(
                node,
                f"{what}: unknown country '{country}'.{did_you_mean(country, by_id)} Use the id "
                "of a place of kind: country",
            )
            return None
        return country

    def places(self) -> list[Place]:
        """Places with their kind; a venue's city must be a known city."""
        doc, records = self.records(PLACES)
        by_id = {entity.id: rec for rec, entity in records}
        places: list[Place] = []
        for rec, entity in records:
            what = f"place '{entity.id}'"
            kind_node = rec.get("kind")
            kind = doc.text(kind_node, f"{what}: kind") if kind_node else None
            if kind_node is None and "kind" in rec.guessed:
                continue
            if kind_node is None:
                doc.report(rec.node, f"{what}: 'kind:' is missing — add kind: city (or venue)")
                continue
            if kind is None:
                continue
            if kind not in PLACE_KINDS:
                doc.report(
                    kind_node,
                    f"{what}: unknown kind '{kind}'.{did_you_mean(kind, PLACE_KINDS)} "
                    "Use one of: city, venue, country, region, foreign",
                )
                continue
            city_node = rec.get("city")
            city = doc.optional_text(city_node, f"{what}: city")
            if city is not None and city_node is not None:
                if kind != "venue":
                    doc.report(
                        city_node,
                        f"{what}: only a venue has a city, and this is a {kind} — remove 'city:'",
                    )
                elif city not in by_id:
                    doc.report(
                        city_node,
                        f"{what}: unknown city '{city}'.{did_you_mean(city, by_id)} Add it "
                        f"to {doc.name} (kind: city) or fix the id",
                    )
                else:
                    city_kind = by_id[city].get("kind")
                    if city_kind is not None and getattr(city_kind, "value", None) != "city":
                        doc.report(
                            city_node,
                            f"{what}: '{city}' is not a city (kind: "
                            f"{getattr(city_kind, 'value', '?')}) — give the venue's city",
                        )
            contains = self.contained_cities(doc, rec, what, kind, by_id)
            default_node = rec.get("default")
            default = bool(getattr(default_node, "value", "") in ("true", "True", "yes"))
            if default and kind != "country":
                doc.report(rec.line("default"), f"{what}: only a country can be the default")
            country = self._place_country(doc, rec, what, kind, by_id)
            places.append(
                Place(
                    entity.id,
                    entity.names,
                    entity.aliases,
                    kind=kind,
                    city=city,
                    country=country,
                    contains=contains,
                    default=default,
                )
            )
        return places

    def contained_cities(
        self, doc: Doc, rec: Record, what: str, kind: str, by_id: dict[str, Record]
    ) -> tuple[str, ...]:
        """A region's or country's cities: each a known place of kind city."""
        items = doc.texts(rec.get("contains"), f"{what}: contains")
        if items and kind not in ("region", "country"):
            doc.report(
                rec.line("contains"),
                f"{what}: only a region or a country contains cities, and this is a {kind} — "
                "remove 'contains:'",
            )
            return ()
        if kind == "region" and not items:
            doc.report(rec.line(), f"{what}: a region needs 'contains:' — list its city ids")
        cities: list[str] = []
        for city, node in items:
            city_kind = by_id[city].get("kind") if city in by_id else None
            if city not in by_id:
                doc.report(
                    node,
                    f"{what}: unknown city '{city}'.{did_you_mean(city, by_id)} Add it "
                    f"to {doc.name} (kind: city) or fix the id",
                )
            elif city_kind is not None and getattr(city_kind, "value", None) != "city":
                doc.report(node, f"{what}: '{city}' is not a city — list only city ids")
            else:
                cities.append(city)
        return tuple(cities)

    def categories(self) -> list[Category]:
        """Kinds of events; `within` must name other categories of the same file."""
        doc, records = self.records(CATEGORIES)
        known = {entity.id for _rec, entity in records}
        categories: list[Category] = []
        for rec, entity in records:
            what = f"category '{entity.id}'"
            within: list[str] = []
            for parent, node in doc.texts(rec.get("within"), f"{what}: within"):
                if parent == entity.id or parent not in known:
                    doc.report(
                        node,
                        f"{what}: 'within' names '{parent}', which is not another category."
                        f"{did_you_mean(parent, known)} Use a category id of this file",
                    )
                else:
                    within.append(parent)
            audience_node = rec.get("audience")
            audience = str(getattr(audience_node, "value", "false")) == "true"
            if audience_node is not None and str(getattr(audience_node, "value", "")) not in (
                "true",
                "false",
            ):
                doc.report(audience_node, f"{what}: audience must be true or false")
            categories.append(
                Category(entity.id, entity.names, entity.aliases, tuple(within), audience)
            )
        return categories

    def months(self) -> list[Month]:
        """The twelve months, ids "1".."12", each with the form used after a day number."""
        doc, records = self.records(MONTHS)
        months: list[Month] = []
        for rec, entity in records:
            what = f"month '{entity.id}'"
            if entity.id not in MONTH_IDS:
                doc.report(
                    rec.line("id"),
                    f"{what}: month ids are the numbers 1 to 12 — fix the id",
                )
                continue
            if rec.get("with_day") is None:
                if "with_day" in rec.guessed:
                    continue
                doc.report(
                    rec.node,
                    f"{what}: 'with_day:' is missing — add the form used after a day number "
                    "(ru: мая for 9 мая), in all five languages",
                )
                continue
            with_day = doc.localized(rec, "with_day", what)
            if with_day is None:
                continue
            months.append(Month(entity.id, entity.names, entity.aliases, with_day=with_day))
        if "months" not in self.broken:
            missing = [m for m in MONTH_IDS if m not in self.seen_ids.get("months", set())]
            if missing:
                listed = ", ".join(missing)
                doc.report(
                    1,
                    f"month{'s' if len(missing) > 1 else ''} {listed} missing — all twelve "
                    "(ids 1 to 12) are needed; add the missing entries",
                )
        return months

    # -- word lists ----------------------------------------------------------------------------

    def lexicon(self, facts: list[Entity]) -> Lexicon:
        """Cue phrases, period words and language hints: free keys, lists of texts."""
        intents = self.phrase_map("intents.yaml", "intents")
        periods = self.phrase_map("lexicon/periods.yaml", "periods")
        markers, suffixes, stopwords = self.languages()
        fact_words = {
            fact.id: tuple(dict.fromkeys([*fact.aliases, *fact.names.values()])) for fact in facts
        }
        return Lexicon(
            intents=intents,
            periods=periods,
            language_markers=markers,
            suffixes=suffixes,
            stopwords=stopwords,
            fact_words=fact_words,
        )

    def phrase_map(self, relative: str, key: str) -> dict[str, tuple[str, ...]]:
        """`key: {name: [phrase, ...], ...}`."""
        doc, value = self.open(relative, key)
        if value is None:
            return {}
        items = doc.mapping(value, f"'{key}:'")
        result: dict[str, tuple[str, ...]] = {}
        for name, _key_node, node in items or []:
            phrases = doc.texts(node, f"{key}: {name}")
            if not phrases:
                doc.report(node, f"{key}: {name} has no phrases — add some or remove it")
            result[name] = tuple(p for p, _ in phrases)
        return result

    def languages(
        self,
    ) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]], tuple[str, ...]]:
        """markers and suffixes per language code, and the stop words."""
        relative = "lexicon/languages.yaml"
        doc = Doc(self.display(relative), self.problems)
        path = self.data_dir / relative
        if not path.is_file():
            doc.report(
                1, "the file is missing — create it with 'markers:', 'suffixes:' and 'stopwords:'"
            )
            return {}, {}, ()
        root = read_yaml(path, doc, "markers:")
        if root is None:
            return {}, {}, ()
        top = doc.record(root, "the file", ("markers", "suffixes", "stopwords"), ("markers",))
        if top is None:
            return {}, {}, ()
        per_language: list[dict[str, tuple[str, ...]]] = []
        for key in ("markers", "suffixes"):
            node = top.get(key)
            table: dict[str, tuple[str, ...]] = {}
            items = doc.mapping(node, f"'{key}:'") if node is not None else []
            for lang, key_node, value in items or []:
                if lang not in _LANGS:
                    doc.report(
                        key_node,
                        f"{key}: unknown language '{lang}'.{did_you_mean(lang, _LANGS)} "
                        f"Use one of: {', '.join(_LANGS)}",
                    )
                    continue
                table[lang] = tuple(t for t, _ in doc.texts(value, f"{key}: {lang}"))
            per_language.append(table)
        stop_node = top.get("stopwords")
        stopwords = tuple(t for t, _ in doc.texts(stop_node, "stopwords"))
        return per_language[0], per_language[1], stopwords

    def seed(self) -> str | None:
        """The seed document(s), whitespace collapsed, for comparing `source:` quotes."""
        folder = self.data_dir / "seed"
        files = sorted(folder.glob("*.txt")) if folder.is_dir() else []
        if not files:
            self.problems.append(
                Problem(
                    self.display("seed"),
                    1,
                    "no seed document (data/seed/*.txt) — every source: quote is checked "
                    "against it; put the seed text there",
                )
            )
            return None
        texts: list[str] = []
        for path in files:
            try:
                texts.append(path.read_text(encoding="utf-8"))
            except UnicodeDecodeError:
                self.problems.append(
                    Problem(self.display(f"seed/{path.name}"), 1, "the seed is not UTF-8 text")
                )
        return "\n".join(collapse(text) for text in texts)

    # -- events and topics ---------------------------------------------------------------------

    def events(self, refs: _Refs, seed: str | None) -> tuple[list[Topic], list[Event]]:
        """`topics:` (the seed's sections) and `events:` from events.yaml, then the `events:` of
        each data/events/*.yaml in name order. Ids and aliases are checked across all files."""
        doc, top = self.open_top("events.yaml", ("events", "topics"))
        if top is None:
            return [], []
        topics_node = self.top_value(doc, top, "topics")
        topics = self.topics(doc, topics_node, seed) if topics_node is not None else None
        refs.sections = {t.id for t in topics} if topics is not None else None
        files = self.event_files()
        value = top.get("events") if files else self.top_value(doc, top, "events")
        run = _EventRun(refs, seed)
        if value is not None:
            run.add(doc, FileEvents.of(self.event_list(doc, value, refs, seed)))
        folder = self.event_cache if files else None
        kept = files and (folder is not None or self.memory is not None)
        cache = EventCache(folder, _context(refs, seed) if kept else "")  # no context to hash
        for relative in files:  # when nothing is kept
            part = self.events_of(relative, refs, seed, cache)
            run.add(Doc(self.display(relative), self.problems), part)
        cache.clear_old()
        if self.memory is not None:
            self.memory.loaded()
        run.finish()
        return topics or [], run.events

    def events_of(
        self, relative: str, refs: _Refs, seed: str | None, cache: EventCache
    ) -> FileEvents:
        """One data/events file's events: as the last load in this process had them when
        the file was not written since, else from the cache when it holds this version of the
        file for these references, else read (and kept for next time)."""
        path, display, memory = self.data_dir / relative, self.display(relative), self.memory
        try:
            stat = stat_of(path)  # before reading: a write after it gives a stat not kept
            if memory is not None and (part := memory.recall(display, cache.context, stat)):
                return part
            raw = path.read_bytes()
        except FileNotFoundError:  # deleted since the folder was listed
            missing = Problem(display, 1, "the file is missing — save it again")
            return FileEvents.of((), (missing,))
        if cache.folder is None:
            part = self.event_file(relative, raw, refs, seed)
        else:
            key = cache.key(display, raw)
            found = cache.get(key)
            if found is None:
                found = self.event_file(relative, raw, refs, seed)
                cache.put(key, found)
            part = found
        if memory is not None:
            memory.remember(display, cache.context, stat, part)
        return part

    def event_file(self, relative: str, raw: bytes, refs: _Refs, seed: str | None) -> FileEvents:
        """One data/events file read and validated on its own: what its events may point to
        and the seed are all it depends on (the checks across files come after)."""
        problems: list[Problem] = []
        doc = Doc(self.display(relative), problems)
        root = read_yaml(self.data_dir / relative, doc, "events:", raw)
        top = doc.record(root, "the file", ("events",)) if root is not None else None
        value = self.top_value(doc, top, "events") if top is not None else None
        events = self.event_list(doc, value, refs, seed) if value is not None else []
        return FileEvents.of(events, problems)

    def event_files(self) -> list[str]:
        """data/events/*.yaml in name order (hidden files, editors' locks, skipped)."""
        folder = self.data_dir / EVENTS_FOLDER
        if not folder.is_dir():
            return []
        names: list[str] = []
        for path in sorted(folder.iterdir()):
            if path.name.startswith(".") or path.name.endswith(_EDITOR_SUFFIXES):
                continue
            if path.suffix == ".yaml" and path.is_file():
                names.append(path.name)
                continue
            relative = f"{EVENTS_FOLDER}/{path.name}"
            Doc(self.display(relative), self.problems).report(
                1,
                f"only .yaml files are read in {self.display(EVENTS_FOLDER)}/ — rename it to "
                f"{path.stem}.yaml if it holds events, or move it elsewhere",
            )
        return [f"{EVENTS_FOLDER}/{name}" for name in names]

    def event_list(self, doc: Doc, value: Node, refs: _Refs, seed: str | None) -> list[ReadEvent]:
        """One file's `events:` list: each valid event (French spacing done, equal values held
        once) with its id's line and its aliases; ids used twice are checked by
        `_EventRun.add`."""
        items = doc.sequence(value, "'events:'")
        shared = _Shared()  # per file: what a reload reads back from the cache is shared already
        found: list[ReadEvent] = []
        for item in items or []:
            rec = doc.record(item, label(item, "event"), EVENT_KEYS, EVENT_REQUIRED)
            if rec is None:
                continue
            reader = _EventReader(doc, rec, refs, seed, self.display)
            event = reader.read()
            if event is None:
                continue
            aliases = tuple((word, line_of(node)) for word, node in reader.aliases)
            found.append(ReadEvent(shared.event(_french_event(event)), rec.line("id"), aliases))
        return found

    def topics(self, doc: Doc, node: Node, seed: str | None) -> list[Topic] | None:
        """The seed's sections (culture, sports); None when the list itself is unusable."""
        items = doc.sequence(node, "'topics:'")
        if items is None:
            return None
        topics: list[Topic] = []
        seen: dict[str, int] = {}
        aliases: list[tuple[str, Record, list[tuple[str, Node]]]] = []
        for item in items:
            rec = doc.record(item, label(item, "topic"), TOPIC_KEYS, TOPIC_REQUIRED)
            if rec is None:
                continue
            id_node = rec.get("id")
            topic_id = doc.text(id_node, "a topic's id") if id_node else None
            if topic_id is None:
                continue
            if topic_id in seen:
                doc.report(
                    rec.line("id"),
                    f"the topic id '{topic_id}' is used twice (first on line {seen[topic_id]})",
                )
                continue
            seen[topic_id] = rec.line("id")
            what = f"topic '{topic_id}'"
            title = doc.localized(rec, "title", what, TITLE_MAX)
            summary = doc.localized(rec, "summary", what)
            source = _source(doc, rec, what, seed)
            alias_items = doc.texts(rec.get("aliases"), f"{what}: aliases")
            aliases.append((topic_id, rec, alias_items))
            if title is None or summary is None or source is None:
                continue
            topics.append(
                Topic(topic_id, title, summary, source, tuple(a for a, _ in alias_items))
            )
        self.ambiguous_aliases(doc, "topic", aliases, {})
        return topics


_LANGS: tuple[str, ...] = ("en", "ru", "ky", "fr", "nl")

_Named = TypeVar("_Named", bound=Entity)


def _french_names(entity: _Named) -> _Named:
    """The French name with French spacing (« Fore »): see typography.py."""
    if "fr" not in entity.names:
        return entity
    return replace(entity, names={**entity.names, "fr": french_spacing(entity.names["fr"])})


def _spaced(texts: dict[str, str]) -> dict[str, str]:
    return {lang: french_spacing(t) if lang == "fr" else t for lang, t in texts.items()}


def _french_event(event: Event) -> Event:
    """The French title, summary and short title with French spacing."""
    return replace(
        event,
        title=_spaced(event.title),
        summary=_spaced(event.summary),
        short_title=_spaced(event.short_title),
    )


def _french_topic(topic: Topic) -> Topic:
    return replace(topic, title=_spaced(topic.title), summary=_spaced(topic.summary))


@dataclass
class _Refs:
    """The ids an event may point to, per kind; kinds whose file is broken are not checked."""

    places: dict[str, Place]
    categories: set[str]
    people: set[str]
    organisations: set[str]
    facts: set[str]
    broken: set[str]
    sections: set[str] | None = None


@dataclass
class _EventRun:
    """What reading the event files gathers across files: events, where each id was first
    seen (file, line), and every event's aliases."""

    refs: _Refs
    seed: str | None
    events: list[Event] = field(default_factory=list)
    seen: dict[str, tuple[str, int]] = field(default_factory=dict)
    aliases: list[tuple[Doc, str, tuple[tuple[str, int], ...]]] = field(default_factory=list)
    parts: list[tuple[Doc, FileEvents]] = field(default_factory=list)

    def add(self, doc: Doc, part: FileEvents) -> None:
        """One file's events after the files before it (its own problems at once)."""
        doc.problems.extend(part.problems)
        self.parts.append((doc, part))

    def finish(self) -> None:
        """Every file's events, in file order, but those whose id was used before (in the
        same file or an earlier one), reported; then the aliases used twice."""
        events = list(chain.from_iterable(part.events for _, part in self.parts))
        if len(set(map(attrgetter("id"), events))) == len(events):  # the usual case: no id
            self.events = events  # used twice, nothing to go through event by event
            for doc, part in self.parts:
                for n, aliases in part.aliases.items():
                    self.aliases.append((doc, part.events[n].id, aliases))
        else:
            for doc, part in self.parts:
                self.check_ids(doc, part)
        self.ambiguous_aliases()

    def check_ids(self, doc: Doc, part: FileEvents) -> None:
        seen, name, aliases = self.seen, doc.name, part.aliases
        for n, (event, line) in enumerate(zip(part.events, part.id_lines, strict=True)):
            first = seen.get(event.id)
            if first is not None:
                doc.report(
                    line,
                    f"the event id '{event.id}' is used twice (first on "
                    f"{_where(first, doc)}) — each event has its own id (see docs/event-ids.md)",
                )
                continue
            seen[event.id] = (name, line)
            if n in aliases:
                self.aliases.append((doc, event.id, aliases[n]))
            self.events.append(event)

    def ambiguous_aliases(self) -> None:
        """One alias on two events, in one file or two: the bot could not choose."""
        owner: dict[str, tuple[str, tuple[str, int]]] = {}
        for doc, event_id, alias_items in self.aliases:
            for word, line in alias_items:
                key = same_name(word)
                if not key:
                    continue
                first = owner.setdefault(key, (event_id, (doc.name, line)))
                if first[0] != event_id:
                    doc.report(
                        line,
                        f"'{word}' names both event '{first[0]}' ({_where(first[1], doc)}) and "
                        f"'{event_id}' — the bot could not tell which is meant; keep it on one "
                        "of them only",
                    )


def _context(refs: _Refs, seed: str | None) -> str:
    """Everything besides its own bytes that reading an event file depends on, as text: the
    ids and places events may point to, the files too broken to check against, the topics,
    the seed. Sets sorted, so equal references give equal text in any process."""
    return repr(
        (
            sorted(refs.places.items()),
            sorted(refs.categories),
            sorted(refs.people),
            sorted(refs.organisations),
            sorted(refs.facts),
            sorted(refs.broken),
            None if refs.sections is None else sorted(refs.sections),
            seed,
        )
    )


def _where(first: tuple[str, int], doc: Doc) -> str:
    """ "line 12" in the same file, "data/events/2017.yaml line 12" in another."""
    name, line = first
    return f"line {line}" if name == doc.name else f"{name} line {line}"


class _Shared:
    """One copy of each equal value among the events of a file: texts, sets of translations,
    dates, id lists, facts. Copied events (the benchmark's synthetic catalog, a festival every
    year) then cost no memory for their copies, and fewer objects to read from the compiled
    data. Per file, not across files: a file's cached events are read back shared, and a reload
    after an edit pays for the edited file only. Safe because every one of them is immutable
    once loaded (frozen dataclasses, tuples, strings; nothing writes into a Localized)."""

    def __init__(self) -> None:
        self.values: dict[object, object] = {}
        self.localized: dict[object, Localized] = {}

    def one(self, value: _Value) -> _Value:
        return cast(_Value, self.values.setdefault(value, value))

    def texts(self, values: Localized) -> Localized:
        key = tuple(values.items())
        found = self.localized.get(key)
        if found is None:
            found = self.localized[key] = {lang: self.one(text) for lang, text in values.items()}
        return found

    def event(self, event: Event) -> Event:
        one = self.one
        return replace(
            event,
            start=one(event.start),
            end=one(event.end) if event.end is not None else None,
            categories=one(event.categories),
            cities=one(event.cities),
            mentions=one(event.mentions),
            people=one(event.people),
            organisations=one(event.organisations),
            facts=one(event.facts),
            roles=one(event.roles),
            section=one(event.section),
            title=self.texts(event.title),
            summary=self.texts(event.summary),
            short_title=self.texts(event.short_title),
            source=one(event.source),
        )


_Value = TypeVar("_Value")


class _EventReader:
    """Turns one event record into an Event, reporting each field that is wrong."""

    def __init__(
        self, doc: Doc, rec: Record, refs: _Refs, seed: str | None, display: Callable[[str], str]
    ) -> None:
        self.doc = doc
        self.rec = rec
        self.refs = refs
        self.seed = seed
        self.display = display
        self.what = "an event"
        self.aliases: list[tuple[str, Node]] = []

    def read(self) -> Event | None:
        doc, rec = self.doc, self.rec
        id_node = rec.get("id")
        event_id = doc.text(id_node, "an event's id") if id_node else None
        if event_id is not None:
            self.what = f"event '{event_id}'"
        start = self.date("start")
        end = self.date("end")
        if event_id is not None:
            self.check_id(event_id, start)
        if start is not None and end is not None and _before(end, start):
            doc.report(
                rec.line("end"),
                f"{self.what}: end {end.iso()} is before start {start.iso()} — swap them or fix "
                "the date",
            )
        status = self.status()
        section = self.section()
        categories = self.refs_list("categories", CATEGORIES, self.refs.categories, True)
        cities = self.places("cities", only="city")
        mentions = self.places("mentions", only=None)
        venue = self.venue()
        people, people_roles = self.involved("people", PEOPLE, self.refs.people)
        organisations, organisation_roles = self.involved(
            "organisations", ORGANISATIONS, self.refs.organisations
        )
        facts = self.facts()
        self.aliases = doc.texts(rec.get("aliases"), f"{self.what}: aliases")
        title = doc.localized(rec, "title", self.what, TITLE_MAX)
        short_title = (
            doc.localized(rec, "short_title", self.what, SHORT_TITLE_MAX)
            if rec.get("short_title") is not None
            else {}
        )
        summary = doc.localized(rec, "summary", self.what)
        source = _source(doc, rec, self.what, self.seed)
        if (
            event_id is None
            or start is None
            or status is None
            or section is None
            or title is None
            or summary is None
            or source is None
        ):
            return None
        return Event(
            id=event_id,
            start=start,
            end=end,
            status=status,
            section=section,
            categories=categories,
            cities=cities,
            venue=venue,
            title=title,
            summary=summary,
            source=source,
            mentions=mentions,
            people=people,
            organisations=organisations,
            facts=facts,
            aliases=tuple(a for a, _ in self.aliases),
            roles=people_roles + organisation_roles,
            short_title=short_title or {},
            country_unknown=self.flag("country_unknown"),
        )

    def flag(self, key: str) -> bool:
        """An optional yes/no field: true or false, nothing else."""
        node = self.rec.get(key)
        if node is None:
            return False
        value = str(getattr(node, "value", ""))
        if value not in ("true", "false"):
            self.doc.report(node, f"{self.what}: {key} must be true or false")
            return False
        return value == "true"

    def check_id(self, event_id: str, start: PartialDate | None) -> None:
        match = EVENT_ID.match(event_id)
        if match is None:
            self.doc.report(
                self.rec.line("id"),
                f"the event id '{event_id}' should look like YYYY-MM-short-slug (e.g. "
                "2017-04-mooov-centaur): the year and month it starts, then lowercase words "
                "joined by '-'",
            )
            return
        if start is not None and (int(match[1]), int(match[2])) != (start.year, start.month):
            self.doc.report(
                self.rec.line("id"),
                f"the event id '{event_id}' starts with {match[1]}-{match[2]} but start: is "
                f"{start.iso()} — they must agree; ids are fixed (docs/event-ids.md), so check "
                "the date first",
            )

    def date(self, key: str) -> PartialDate | None:
        node = self.rec.get(key)
        if node is None or (key == "end" and is_null(node)):
            return None
        text = self.doc.text(node, f"{self.what}: {key}")
        if text is None:
            return None
        return parse_date(self.doc, node, f"{self.what}: {key}", text)

    def status(self) -> Status | None:
        node = self.rec.get("status")
        text = self.doc.text(node, f"{self.what}: status") if node is not None else None
        if text is None or node is None:
            return None
        allowed = [s.value for s in Status]
        if text not in allowed:
            self.doc.report(
                node,
                f"{self.what}: unknown status '{text}'.{did_you_mean(text, allowed)} Use held "
                "(it took place) or planned (the seed only announces it)",
            )
            return None
        return Status(text)

    def section(self) -> str | None:
        node = self.rec.get("section")
        text = self.doc.text(node, f"{self.what}: section") if node is not None else None
        if text is None or node is None:
            return None
        sections = self.refs.sections
        if sections is not None and text not in sections:
            self.doc.report(
                node,
                f"{self.what}: unknown section '{text}'.{did_you_mean(text, sections)} Use one "
                f"of the topic ids under 'topics:': {one_of(sections)}",
            )
            return None
        return text

    def refs_list(
        self, key: str, kind: _Kind, known: set[str], required: bool = False
    ) -> tuple[str, ...]:
        given = self.rec.get(key)
        items = self.doc.texts(given, f"{self.what}: {key}")
        if required and not items and (isinstance(given, SequenceNode) or is_null(given)):
            self.doc.report(
                self.rec.line(key),
                f"{self.what}: {key} is empty — give at least one (see {self.display(kind.file)})",
            )
        result: list[str] = []
        for value, node in items:
            if kind.key not in self.refs.broken and value not in known:
                self.unknown(node, kind, value, known)
                continue
            result.append(value)
        return tuple(result)

    def involved(
        self, key: str, kind: _Kind, known: set[str]
    ) -> tuple[tuple[str, ...], tuple[tuple[str, Role], ...]]:
        """People or organisations with their role: `- {id: zh-raimbekova, role: performer}`.

        A bare id is read as a participant, so a list written before roles existed still loads.
        """
        given = self.rec.get(key)
        if given is None or is_null(given):
            return (), ()
        items = self.doc.sequence(given, f"{self.what}: {key}")
        ids: list[str] = []
        roles: list[tuple[str, Role]] = []
        allowed = [r.value for r in Role]
        for item in items or []:
            if isinstance(item, MappingNode):
                rec = self.doc.record(
                    item, f"{self.what}: an entry of {key}", ROLE_KEYS, ROLE_KEYS
                )
                if rec is None:
                    continue
                id_node, role_node = rec.get("id"), rec.get("role")
                value = self.doc.text(id_node, f"{self.what}: {key} id") if id_node else None
                role_text = self.doc.text(role_node, f"{self.what}: role") if role_node else None
                if role_text is not None and role_node is not None and role_text not in allowed:
                    self.doc.report(
                        role_node,
                        f"{self.what}: unknown role '{role_text}' in {key}."
                        f"{did_you_mean(role_text, allowed)} Use one of: {', '.join(allowed)}",
                    )
                    role_text = None
                node: Node | None = id_node
                role = Role(role_text) if role_text is not None else None
            else:
                value = self.doc.text(item, f"an entry of {self.what}: {key}")
                node, role = item, Role.PARTICIPANT
            if value is None or node is None or role is None:
                continue
            if kind.key not in self.refs.broken and value not in known:
                self.unknown(node, kind, value, known)
                continue
            if value in ids:
                self.doc.report(
                    node, f"{self.what}: '{value}' is listed twice in {key} — keep one entry"
                )
                continue
            ids.append(value)
            roles.append((value, role))
        return tuple(ids), tuple(roles)

    def unknown(self, node: Node, kind: _Kind, value: str, known: Iterable[str]) -> None:
        file = self.display(kind.file)
        if kind.controlled:
            hint = f"Use one of: {one_of(known)} (see {file})"
        else:
            hint = f"Add it to {file} first, or fix the id"
        self.doc.report(
            node, f"{self.what}: unknown {kind.noun} '{value}'.{did_you_mean(value, known)} {hint}"
        )

    def places(self, key: str, only: str | None) -> tuple[str, ...]:
        items = self.doc.texts(self.rec.get(key), f"{self.what}: {key}")
        result: list[str] = []
        for value, node in items:
            if PLACES.key in self.refs.broken:
                result.append(value)
                continue
            place = self.refs.places.get(value)
            if place is None:
                self.unknown(node, PLACES, value, self.refs.places)
                continue
            if only is not None and place.kind != only:
                if place.kind == "venue":
                    fix = "put it under venue: and its city (if the seed names one) here"
                else:
                    fix = "list only the cities where it happened ([] when the seed names none)"
                self.doc.report(
                    node,
                    f"{self.what}: '{value}' in {key} is a {place.kind}, not a {only} — {fix}",
                )
                continue
            result.append(value)
        return tuple(result)

    def venue(self) -> str | None:
        node = self.rec.get("venue")
        text = self.doc.optional_text(node, f"{self.what}: venue")
        if text is None or node is None or PLACES.key in self.refs.broken:
            return text
        place = self.refs.places.get(text)
        if place is None:
            self.unknown(node, PLACES, text, self.refs.places)
            return None
        if place.kind != "venue":
            self.doc.report(
                node,
                f"{self.what}: venue '{text}' is a {place.kind}, not a venue — put it under "
                "cities: and write venue: null (or name the hall the seed gives)",
            )
            return None
        return text

    def facts(self) -> tuple[Fact, ...]:
        node = self.rec.get("facts")
        if node is None:
            return ()
        items = self.doc.sequence(node, f"{self.what}: facts")
        facts: list[Fact] = []
        for item in items or []:
            rec = self.doc.record(item, f"{self.what}: a fact", FACT_KEYS, ("kind", "value"))
            if rec is None:
                continue
            kind_node, value_node = rec.get("kind"), rec.get("value")
            kind = self.doc.text(kind_node, f"{self.what}: fact kind") if kind_node else None
            value = (
                self.doc.integer(value_node, f"{self.what}: fact value") if value_node else None
            )
            approx_node = rec.get("approximate")
            approximate = (
                self.doc.boolean(approx_node, f"{self.what}: approximate")
                if approx_node is not None
                else False
            )
            known_kind = FACTS.key in self.refs.broken or kind in self.refs.facts
            if kind is not None and kind_node is not None and not known_kind:
                self.unknown(kind_node, FACTS, kind, self.refs.facts)
                continue
            if kind is None or value is None or approximate is None:
                continue
            facts.append(Fact(kind, value, approximate))
        return tuple(facts)


def label(node: Node, noun: str) -> str:
    """How a record is named in messages: "event '2017-04-mooov-centaur'", or "an event" when
    its id cannot be read yet."""
    if isinstance(node, MappingNode):
        for key, value in node.value:
            is_id = isinstance(key, ScalarNode) and key.value == "id"
            if is_id and isinstance(value, ScalarNode) and str(value.value).strip():
                return f"{noun} '{str(value.value).strip()}'"
    article = "an" if noun[0] in "aeiou" else "a"
    return f"{article} {noun}"


def parse_date(doc: Doc, node: Node, what: str, text: str) -> PartialDate | None:
    """'YYYY-MM-DD' or 'YYYY-MM', and a date that exists."""
    match = DATE.match(text)
    if match is None:
        doc.report(
            node,
            f'{what} \'{text}\' is not a date — write "2017-04-18", or "2017-04" when the seed '
            "gives only the month",
        )
        return None
    year, month = int(match[1]), int(match[2])
    day = int(match[3]) if match[3] else None
    if not 1 <= month <= 12:
        doc.report(node, f"{what} '{text}': there is no month {month} — months are 01 to 12")
        return None
    if day is not None:
        last = calendar.monthrange(year, month)[1]
        if not 1 <= day <= last:
            doc.report(
                node,
                f"{what} '{text}' does not exist: {calendar.month_name[month]} {year} has "
                f"{last} days — check the day against the seed",
            )
            return None
    return PartialDate(year, month, day)


def _before(end: PartialDate, start: PartialDate) -> bool:
    """True when end is earlier than start, compared at the precision both give."""
    if end.day is None or start.day is None:
        return (end.year, end.month) < (start.year, start.month)
    return end.sort_key < start.sort_key


def collapse(text: str) -> str:
    """Whitespace runs become one space: line breaks in a quote do not matter."""
    return " ".join(text.split())


QUOTE_BREAK = re.compile(r"\s*(?:…|\.\.\.)\s+")
"""Between two separate seed passages in one `source:`, write '…' (or '...')."""


def _source(doc: Doc, rec: Record, what: str, seed: str | None) -> str | None:
    """The `source:` quote, checked to be in the seed word for word."""
    node = rec.get("source")
    if node is None:
        return None
    text = doc.text(node, f"{what}: source")
    if text is None or seed is None:
        return text
    for part in QUOTE_BREAK.split(collapse(text)):
        if part and part not in seed:
            doc.report(
                node,
                f"{what}: source is not in the seed document word for word — copy it from "
                f"data/seed/ exactly; {divergence(part, seed)}",
            )
            break
    return collapse(text)


def divergence(quote: str, seed: str) -> str:
    """Where a quote stops matching the seed, so the curator can spot the difference."""
    low, high = 0, len(quote)
    while low < high:  # longest prefix of the quote found in the seed
        middle = (low + high + 1) // 2
        if quote[:middle] in seed:
            low = middle
        else:
            high = middle - 1
    if low < 3:
        return "even its beginning is not in the seed"
    said = quote[max(0, low - 30) : low + 20]
    return f'it stops matching at character {low + 1}: "...{said}..."'
