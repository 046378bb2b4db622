"""Question text -> Query: numbers, then known phrases, then the intent from what was found."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date

from bot.catalog.model import Catalog
from bot.understanding.exclusion import split_exclusions
from bot.understanding.language import LanguageDetector
from bot.understanding.matching import Match, find_matches
from bot.understanding.normalise import CYRILLIC, fold, fold_both, fold_word
from bot.understanding.query import Period, Query
from bot.understanding.vocabulary import Sense, Vocabulary


@dataclass(frozen=True)
class Thresholds:
    """Measured on tests/questions.yaml with benchmarks/tune_thresholds.py; see its output."""

    # Damerau-Levenshtein edits forgiven in words of 5-7, 8-11 and 12+ letters. (1, 2, 2) and
    # (1, 2, 3) tie on both question sets (benchmarks/tune_thresholds.py); the stricter one wins.
    max_edits: tuple[int, int, int] = (1, 2, 2)
    # "damerau" or "osa" (bot/understanding/matching.py SCORERS). benchmarks/compare_scorers.py:
    # the same answers on all 1,099 questions of the three older sets, and OSA's p99 lower in
    # both interleaved runs (5.8 vs 7.9 ms, 11.5 vs 16.0 ms on a loaded machine), so OSA.
    scorer: str = "osa"


# Words looked at per question: the longest real questions have about 40; a 4096-character
# paste must not stall the event loop (a second per message measured without this cap).
MAX_WORDS = 64

_YEAR = re.compile(r"^(1[89]\d\d|20\d\d)[a-z]{0,4}$")  # 2017, 2017g (2017г), 2017th
_DAY = re.compile(r"^([0-3]?\d)[a-z]{0,3}$")  # 12, 12th, 12e, 1er
_NUMBER = re.compile(r"\d{1,6}")  # "90" of "90-летию", "17" of "17 countries"
_RANGE = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)\s*[-–—/]\s*(1[89]\d\d|20\d\d)(?!\d)")
_COUNTRY_KIND = "country"
_FOREIGN_KIND = "foreign"  # a country outside the ties: Kazakhstan, Germany
_COUNTRY_KINDS = (_COUNTRY_KIND, _FOREIGN_KIND)
_LOCATIVE = ("da", "de", "ta", "te", "do", "to")  # Kyrgyz "Кыргызстанда", "Бельгияда"

# A preposition that puts a place after it; an unknown word after one is a place we have no
# record of ("concerts in Tokyo"), which must not be answered with every concert. Matched on the
# raw text: French "à" is a place, "a" (has) is not; Dutch/French "en" is too ambiguous.
_PLACE_AFTER = re.compile(r"(?:^|[\s,])(?:in|at|à|au|te|в|во|bij|near)\s+([^\W\d_][\w'-]{2,})")

_SMALLTALK = ("help", "thanks", "greeting")
# Halves and quarters of a year as months ("first half of 2016", "Q3").
_SPANS = {
    "half_1": (1, 2, 3, 4, 5, 6),
    "half_2": (7, 8, 9, 10, 11, 12),
    "quarter_1": (1, 2, 3),
    "quarter_2": (4, 5, 6),
    "quarter_3": (7, 8, 9),
    "quarter_4": (10, 11, 12),
}
_SPAN_WORDS = frozenset(_SPANS)
# "winter 2016/17", "зима 2017-18": a winter across the year end.
_WINTER_ACROSS = re.compile(r"(?<!\d)(20\d\d)\s*[-–—/]\s*(\d\d)(?!\d)")
# Seasons as months (northern hemisphere; winter is the December and January-February of the
# year asked about, since the seed never crosses a year in winter).
_SEASONS = {
    "spring": (3, 4, 5),
    "summer": (6, 7, 8),
    "autumn": (9, 10, 11),
    "winter": (12, 1, 2),
}
_SEASON_WORDS = frozenset(_SEASONS)
_CLOCK_WORDS = frozenset({"upcoming", "this_year", "last_year"})  # relative to today
_PLANNED_OR_SEASON = frozenset({"planned", *_SEASONS})
_RANKS = frozenset({"first", "latest"})
_LAST_YEAR = 9999  # an id's year is its first four digits
_LAST_CHAR = chr(0x10FFFF)  # after every character: the end of the ids with a given beginning


class Understander:
    def __init__(
        self,
        catalog: Catalog,
        thresholds: Thresholds | None = None,
        today: Callable[[], date] = date.today,
        *,
        vocabulary: Vocabulary | None = None,
        detector: LanguageDetector | None = None,
    ) -> None:
        """`vocabulary` and `detector`, when given (bot/incremental.py), are what building them
        from `catalog` would give."""
        self.catalog = catalog
        self.today = today  # for "this year", "last year", "upcoming"
        self.vocabulary = vocabulary or Vocabulary(catalog)
        self.detector = detector or LanguageDetector(catalog)
        self.thresholds = thresholds or Thresholds()
        self._place_kind = {p.id: p.kind for p in catalog.places}
        # Countries' own names, folded once: a demonym is a strict beginning of one.
        self._country_names = {
            p.id: frozenset(fold(name) for name in p.names.values())
            for p in catalog.places
            if p.kind in (_COUNTRY_KIND, _FOREIGN_KIND)
        }
        self._broader = _broader_kinds(catalog)
        self._audiences = frozenset(c.id for c in catalog.categories if c.audience)
        # each person's and organisation's events; sorted by id when first compared (the
        # events of a year are then a slice, found by bisection: ids begin with it)
        self._events_of: dict[tuple[str, str], set[str]] = defaultdict(set)
        for event in catalog.events:
            for person in event.people:
                self._events_of[("person", person)].add(event.id)
            for organisation in event.organisations:
                self._events_of[("organisation", organisation)].add(event.id)
        self._sorted_events_of: dict[tuple[str, str], tuple[str, ...]] = {}

    def understand(self, text: str) -> Query:
        language = self.detector.by_markers(text)
        folded, plain = fold_both(text)
        words = folded.split()[:MAX_WORDS]
        if not words:
            return Query(intent="help", language=language, confidence=0.0)

        years, days_at, taken = self._numbers(words)
        plain_words = plain.split()[:MAX_WORDS]
        matches = find_matches(
            words,
            plain_words,
            self.vocabulary,
            max_edits=self.thresholds.max_edits,
            taken=taken,
            scorer=self.thresholds.scorer,
        )
        if language != "ru" and not CYRILLIC.search(text):
            matches = [m for m in matches if m.phrase not in self.vocabulary.cyrillic_lookalikes]
        kept = _without_self_introductions(matches, self.vocabulary)
        # "I'm from the diaspora": explained words, though not a filter
        introduced = _words_of_dropped(matches, kept)
        matches = kept
        if language is None and matches:
            language = self.detector.by_letters(text)  # the words meant something
        query = self._build(text, language, words, years, days_at, matches, introduced)
        alternatives = tuple(
            self._build(text, language, words, years, days_at, variant, introduced)
            for variant in _rival_readings(matches)
        )
        return replace(query, alternatives=alternatives) if alternatives else query

    # --- numbers -------------------------------------------------------------------------

    def _numbers(self, words: list[str]) -> tuple[list[tuple[int, int]], set[int], set[int]]:
        """Years (with their word index), indexes of day-sized numbers, and indexes to skip."""
        years: list[tuple[int, int]] = []
        days: set[int] = set()
        taken: set[int] = set()
        for i, word in enumerate(words):
            if not word[0].isdigit():
                continue
            taken.add(i)
            year = _YEAR.match(word)
            if year:
                years.append((i, int(year.group(1))))
            elif _DAY.match(word) and 1 <= int(re.sub(r"\D", "", word) or 0) <= 31:
                days.add(i)
        return years, days, taken

    # --- slots and intent ----------------------------------------------------------------

    def _build(
        self,
        text: str,
        language: str | None,
        words: list[str],
        years_at: list[tuple[int, int]],
        days_at: set[int],
        matches: list[Match],
        introduced: frozenset[int] = frozenset(),
    ) -> Query:
        excluded = split_exclusions(matches, words, years_at, self.vocabulary)
        left_out = set(_words_of_dropped(matches, excluded.matches))
        left_out |= introduced
        matches = excluded.matches
        left_out |= excluded.cues | {i for i, y in years_at if y in excluded.years}
        years_at = [(i, y) for i, y in years_at if y not in excluded.years]
        without_categories: list[str] = []
        without_places: list[str] = []
        without_events: list[str] = []
        if excluded.senses:  # "all events but the concerts": rare
            without_categories = sorted(
                {
                    c
                    for s in excluded.senses
                    if s.kind.startswith("categor")
                    for c in s.id.split("+")
                }
            )
            without_places = sorted(s.id for s in excluded.senses if s.kind == "place")
            without_events = sorted(s.id for s in excluded.senses if s.kind == "event")
        found: dict[str, set[str]] = defaultdict(set)
        positions: dict[str, list[int]] = defaultdict(list)
        for match in matches:
            for sense in match.senses:
                found[sense.kind].add(sense.id)
                positions[f"{sense.kind}:{sense.id}"].append(match.start)
        asks_who = _asks_who(found, positions)

        years = sorted({year for _, year in years_at})
        period, period_years = self._period(text, positions, years_at) if years_at else (None, [])
        period_events: tuple[str, ...] = ()
        comparing = "compare" in found["intent"] or bool(found["period"] & _RANKS)
        if comparing:
            self._compared(found, years)
        if (
            period is None
            and not years_at
            and found.get("event")  # an anchor is a named event
            and "compare" not in found["intent"]
        ):
            period, period_events = _anchored_on_events(positions, matches, words, language)
            if period_events:
                found["event"] -= set(period_events)
                # "after the Nooruz in Ghent": Ghent and "feast" describe the anchor
                for anchor in period_events:
                    event = self.catalog.event(anchor)
                    if event is not None:
                        found["place"] -= {*event.places(), event.venue or ""}
                        found["category"] -= set(event.categories)
        if period:
            years = []
        future = False
        if found["period"] & _CLOCK_WORDS:  # only these read the clock (a system call each)
            current = self.today().year
            # After the record's last year, "upcoming" and "this year" ask about what it cannot
            # know: the answerer says where the record ends. Inside it, they are plain periods.
            beyond = not self.catalog.years or current > self.catalog.years[-1]
            # ... and "2015-жылдан кийинки" (after 2015) is a period, whatever "кийинки" may say
            future = (
                beyond
                and bool(found["period"] & {"upcoming", "this_year"})
                and all(year > (self.catalog.years or (0,))[-1] for _, year in years_at)
            )
            if "upcoming" in found["period"] and not beyond and not years_at:
                period, period_years = Period.SINCE, [current]
            relative = found["period"] & {"this_year", "last_year"}
            if relative and not years_at:
                years = [current if "this_year" in relative else current - 1]
        years = self._record_year(found["period"], years_at) or years

        seasons = found["period"] & _SEASON_WORDS
        spans = found["period"] & _SPAN_WORDS
        months = (
            sorted(
                {int(m) for m in found["month"] if m.isdigit()}
                | {month for season in seasons for month in _SEASONS[season]}
                | {month for span in spans for month in _SPANS[span]}
            )
            if found.get("month") or seasons or spans  # most questions name no month
            else []
        )
        year_months = _winter_across(text, seasons, period, period_years)
        if year_months:
            years, months, period, period_years = [], [], None, []
        period_month = None
        named_months = [int(m) for m in found["month"] if m.isdigit()]
        if (
            period in (Period.BEFORE, Period.AFTER, Period.SINCE)
            and len(period_years) == 1
            and len(named_months) == 1
            and not seasons
            and not spans
        ):
            period_month, months = named_months[0], []  # "after March 2017"
        day_at: set[int] = set()
        if days_at and found.get("month"):  # a day counts only next to a month
            month_at = [m.start for m in matches if any(s.kind == "month" for s in m.senses)]
            day_at = {i for i in days_at if any(abs(i - at) == 1 for at in month_at)}
        days = sorted(int(re.sub(r"\D", "", words[i])) for i in day_at) if day_at else []
        numbers: list[int] = []
        if found["fact"]:  # other numbers count only beside a fact ("90th anniversary")
            year_at = {i for i, _ in years_at}
            numbers = sorted(
                {
                    int(found_number.group())
                    for i, word in enumerate(words)
                    if i not in day_at
                    and i not in year_at
                    and (found_number := _NUMBER.match(word)) is not None
                }
            )

        # Only a country can be "located"; without one among the places there is nothing to ask.
        places: list[str] = []
        foreign: list[str] = []
        if found.get("place"):  # most questions name no place
            located = (
                self._located(words, matches)
                if any(self._place_kind.get(p) in _COUNTRY_KINDS for p in found["place"])
                else set()
            )
            places = sorted(
                p
                for p in found["place"]
                if self._place_kind.get(p) not in (_COUNTRY_KIND, _FOREIGN_KIND) or p in located
            )
            foreign = sorted(p for p in found["place"] if self._place_kind.get(p) == _FOREIGN_KIND)
        intents = found["intent"]
        ranks = found["period"] & _RANKS
        categories = (
            _narrowest(sorted(found["category"]), self._broader) if found.get("category") else []
        )
        audiences = [c for c in categories if c in self._audiences] if categories else []
        if audiences and len(categories) > len(audiences):
            # "young talents' performances": performances, by young people
            categories = [c for c in categories if c not in audiences]
            found["categories"].add("+".join(audiences))
        topic = _one(found["topic"])
        if topic and "overview" not in intents and categories:
            topic = None  # "sport" alone is the category; "sports cooperation" is the overview
        # A named event exists wherever the question puts it ("Кентавр в прокат в Бенилюксе").
        unknown_place = (
            None if places or found["event"] else self._unknown_place(text, words, matches)
        )

        covered = (
            {i for m in matches for i in range(m.start, m.end)}
            | {i for i, _ in years_at}
            | left_out
        )
        unexplained = [
            w
            for i, w in enumerate(words)
            if i not in covered and not self.vocabulary.is_function_word(w)
        ]
        leaves_out = bool(without_categories or without_places or without_events or excluded.years)
        intent = self._intent(
            intents,
            ranks,
            found,
            topic,
            bool(years or period or year_months) or leaves_out,
            unexplained,
            # a country filters a question about events, not "Kyrgyz culture in Belgium"
            any(self._place_kind.get(p) != _COUNTRY_KIND for p in places)
            or (bool(places) and topic is None),
        )
        if future and intent in ("out_of_scope", "overview"):
            intent = "list"  # "komende evenementen": the answerer says where the record ends
        if foreign and not (found["event"] or found["person"] or found["organisation"]):
            intent = "out_of_scope"  # "concerts in Kazakhstan": only Kyrgyz-Belgian ties here
        if intent == "overview" and topic is None and "sport" in categories:
            topic = "sports"
        if intent == "overview":
            categories = [c for c in categories if not (topic == "sports" and c == "sport")]

        # Share of the meaningful words explained, lowered by the weakest typo match.
        meaningful = len(covered) + len(unexplained)
        confidence = 1 - len(unexplained) / meaningful if meaningful else 0.0
        fuzzy_scores = [m.score for m in matches if m.score < 99]
        if fuzzy_scores:
            confidence *= min(fuzzy_scores) / 100

        return Query(
            intent=intent,
            language=language,
            years=tuple(years),
            months=tuple(months),
            season=next(iter(seasons)) if len(seasons) == 1 and not found["month"] else None,
            days=tuple(days),
            period=period,
            period_years=tuple(period_years),
            places=tuple(places),
            categories=tuple(categories),
            all_categories=tuple(
                sorted({c for joined in found["categories"] for c in joined.split("+")})
            )
            if found.get("categories")
            else (),
            people=_sorted(found, "person"),
            organisations=_sorted(found, "organisation"),
            events=_sorted(found, "event"),
            topic=topic,
            facts=_sorted(found, "fact"),
            numbers=tuple(numbers),
            planned="planned" in found["period"],
            unknown_place=unknown_place,
            without_categories=tuple(without_categories),
            without_places=tuple(without_places),
            without_events=tuple(without_events),
            without_years=tuple(sorted(excluded.years)),
            foreign_place=foreign[0] if foreign else None,
            loose_words=tuple(unexplained),
            future=future,
            asks_who=asks_who if intent == "organiser" else None,
            organised=bool(found["intent"] & {"organised", "organiser"} and found["organisation"]),
            year_months=year_months,
            period_month=period_month,
            period_events=period_events,
            out_of_scope_cue="out_of_scope" in intents,
            confidence=round(confidence, 3),
            cues=tuple(sorted(intents)),
            unexplained=tuple(unexplained),
        )

    def _compared(self, found: dict[str, set[str]], years: list[int]) -> None:
        """ "Which came first, Ak Maral or the Kallens exhibition": an ensemble, a person or an
        organisation with one event (in the year named, if any) stands for that event."""
        refs = set(found["event"])
        used: list[tuple[str, str]] = []
        for kind in ("person", "organisation"):
            for entity in found[kind]:
                ids = self._sorted_events(kind, entity)
                events = set(_of_years(ids, years) if years else ids)
                if len(events) == 1:
                    refs |= events
                    used.append((kind, entity))
        if len(refs) >= 2:
            found["event"] = refs
            for kind, entity in used:
                found[kind].discard(entity)

    def _sorted_events(self, kind: str, entity: str) -> tuple[str, ...]:
        found = self._sorted_events_of.get((kind, entity))
        if found is None:
            found = tuple(sorted(self._events_of.get((kind, entity), ())))
            self._sorted_events_of[(kind, entity)] = found  # a few people and organisations
        return found

    def _record_year(self, period_words: set[str], years_at: list[tuple[int, int]]) -> list[int]:
        """ "The last year in the record": the record's own last (or first) year."""
        known = self.catalog.years
        if years_at or not known:
            return []
        if "record_last_year" in period_words:
            return [known[-1]]
        if "record_first_year" in period_words:
            return [known[0]]
        return []

    def _period(
        self,
        text: str,
        positions: dict[str, list[int]],
        years_at: list[tuple[int, int]],
    ) -> tuple[Period | None, list[int]]:
        years = sorted({y for _, y in years_at})
        if not years:
            return None, []
        span = _RANGE.search(text)
        if span and len(years) >= 2:
            return Period.BETWEEN, [years[0], years[-1]]
        # A period word counts only next to a year: Russian "с" is "since" in "с 2016",
        # but "with" in "концерт с Айтматовым".
        year_positions = [i for i, _ in years_at]
        for kind in (Period.BETWEEN, Period.SINCE, Period.AFTER, Period.BEFORE):
            near = [
                at
                for at in positions.get(f"period:{kind.value}", [])
                if any(abs(at - y) <= 2 for y in year_positions)
            ]
            if not near:
                continue
            if len(years) >= 2:
                return Period.BETWEEN, [years[0], years[-1]]
            if kind is Period.BETWEEN:
                continue  # "чейин" alone with one year is "before", not a range
            return kind, [years[0]]
        return None, []

    def _intent(
        self,
        intents: set[str],
        ranks: set[str],
        found: dict[str, set[str]],
        topic: str | None,
        has_time: bool,
        unexplained: list[str],
        has_place: bool = False,
    ) -> str:
        get = found.get
        substantive = bool(
            get("category")
            or get("categories")
            or get("person")
            or get("organisation")
            or get("event")
            or get("fact")
        )
        filters = (
            substantive
            or has_time
            or not _PLANNED_OR_SEASON.isdisjoint(get("period", ()))
            or bool(get("month"))
            or has_place
        )
        # Weather, visas, football scores: off-topic even next to a city or a year, unless the
        # question names one of our events or people.
        if "out_of_scope" in intents and not (found["event"] or found["person"]):
            return "out_of_scope"
        if "places" in intents and not filters:
            return "places"
        if len(found["event"]) >= 2 and ("compare" in intents or ranks):
            return "compare"  # "which came first, Centaur or Nooruz"
        if found["intent"] & {"organiser", "performer"} and substantive:
            return "organiser"
        if "count" in intents:
            return "count"
        if "date_of" in intents and (substantive or filters):
            return "date_of"
        if ranks:
            return "first" if "first" in ranks else "latest"
        if "overview" in intents and not (found["event"] or found["person"]):
            return "overview"
        if topic and not filters:
            return "overview"
        if "detail" in intents and (found["event"] or found["person"] or found["organisation"]):
            return "detail"
        if filters or "list" in intents:
            return "list"
        for name in _SMALLTALK:
            if name in intents:
                return name
        if found["place"] and not unexplained:
            return "overview"  # only "Belgium", "Kyrgyzstan": the ties as a whole
        if "date_of" in intents:
            return "list"
        return "out_of_scope"

    def _located(self, words: list[str], matches: list[Match]) -> set[str]:
        """Countries asked about as a place: "in Kyrgyzstan (itself)", "в Бельгии",
        "Кыргызстанда". Elsewhere a country is only the subject ("Kyrgyz culture") and does not
        filter: every event is about Kyrgyzstan and Belgium."""
        inside, itself = _INSIDE, _ITSELF
        located: set[str] = set()
        stressed: set[str] = set()  # "in Kyrgyzstan itself": that one only
        for index, match in enumerate(matches):
            countries = {
                s.id
                for s in match.senses
                if s.kind == "place"
                and self._place_kind.get(s.id) in (_COUNTRY_KIND, _FOREIGN_KIND)
            }
            if not countries:
                continue
            before = matches[index - 1] if index else None
            cued = before is not None and before.end == match.start and inside in before.senses
            if self._demonym(match.phrase, countries):
                continue  # "articles in Kyrgyz": a language, not the country
            typed = words[match.end - 1]
            near = [
                m
                for m in matches[max(0, index - 2) : index + 3]
                if m is not match
                and itself in m.senses
                and (0 <= m.start - match.end <= 1 or 0 <= match.start - m.end <= 1)
            ]
            if near:
                stressed |= countries
            if cued or near or (len(typed) > 7 and typed.endswith(_LOCATIVE)):
                located |= countries
        return stressed or located

    def _demonym(self, phrase: str, countries: set[str]) -> bool:
        """ "Kyrgyz", "kirghiz": a strict beginning of the country's own name."""
        return any(
            name.startswith(phrase) and name != phrase
            for country in countries
            for name in self._country_names.get(country, ())
        )

    def _unknown_place(self, text: str, words: list[str], matches: list[Match]) -> str | None:
        matched: set[str] | None = None
        for found in _PLACE_AFTER.finditer(text.casefold()):
            word = found.group(1)
            key = fold_word(word)
            if matched is None:  # only once a preposition is followed by a word
                # The words as typed that some match explained, typos included ("in febuary").
                matched = {m.phrase for m in matches} | {
                    words[i] for m in matches for i in range(m.start, m.end)
                }
            if (
                key
                and key not in self.vocabulary.known_words
                and key not in matched
                and not any(key.startswith(p) or p.startswith(key) for p in matched)
            ):
                return word
        return None


_AFFILIATIONS = ("organisation", "place")
_INSIDE = Sense("intent", "inside")
_ITSELF = Sense("intent", "itself")


def _words_of_dropped(matches: list[Match], kept: list[Match]) -> frozenset[int]:
    """The word indexes of the matches not in `kept` (a sublist of `matches`, often itself).
    By identity: matches never overlap, so no two are equal unless they are the same."""
    if kept is matches:
        return frozenset()
    still = {id(m) for m in kept}
    return frozenset(i for m in matches if id(m) not in still for i in range(m.start, m.end))


def _without_self_introductions(matches: list[Match], vocabulary: Vocabulary) -> list[Match]:
    """Drop the organisation or place a user introduces themselves with: "I'm from the
    embassy" says who is asking, not which events they want."""
    cues = {
        i: vocabulary.introduces[m.phrase]
        for i, m in enumerate(matches)
        if m.phrase in vocabulary.introduces
    }
    if not cues:
        return matches
    dropped = set(cues)
    for i, side in cues.items():
        j = i + 1 if side == "after" else i - 1
        if 0 <= j < len(matches) and all(s.kind in _AFFILIATIONS for s in matches[j].senses):
            dropped.add(j)
    return [m for i, m in enumerate(matches) if i not in dropped]


_MEANS_ORGANISATION = "means_organisation_"


def _asks_who(found: dict[str, set[str]], positions: dict[str, list[int]]) -> str | None:
    """ "who organised" -> organiser, "who sang" -> performer; and, next to either or to
    "organised", a bare "the embassy" names the organisation (added to `found`)."""
    intents = found["intent"]
    cues = [i for i in intents if i.startswith(_MEANS_ORGANISATION)]
    blocked_at = (
        {at + 1 for at in positions.get("intent:not_as_organiser_after", [])} if cues else set()
    )
    for cue in cues:
        said = positions.get(f"intent:{cue}", [])
        # "what did the embassy organise", "первый концерт посольства"; not "an evening at
        # the embassy" or "я из посольства" (the word before it says where, or who asks)
        beside = intents & {"organised"} or found["category"] or found["event"]
        if intents & {"organiser", "performer"} or (
            beside and any(at not in blocked_at and at - 1 not in blocked_at for at in said)
        ):
            found["organisation"].add(cue.removeprefix(_MEANS_ORGANISATION))
    if "organiser" in intents:
        return "organiser"
    if "performer" in intents:
        return "performer"
    return None


def _of_years(ids: tuple[str, ...], years: list[int]) -> Iterator[str]:
    """The ids (sorted) that begin with one of the years: the events of those years."""
    for year in set(years):
        if 0 <= year <= _LAST_YEAR:
            prefix = f"{year:04d}"
            yield from ids[bisect_left(ids, prefix) : bisect_right(ids, prefix + _LAST_CHAR)]


def _broader_kinds(catalog: Catalog) -> dict[str, frozenset[str]]:
    """Category id -> every category it lies within, directly or not."""
    direct = {c.id: set(c.within) for c in catalog.categories}
    result: dict[str, frozenset[str]] = {}
    for category in direct:
        seen: set[str] = set()
        todo = list(direct[category])
        while todo:
            parent = todo.pop()
            if parent not in seen:
                seen.add(parent)
                todo.extend(direct.get(parent, ()))
        result[category] = frozenset(seen)
    return result


def _narrowest(categories: list[str], broader: dict[str, frozenset[str]]) -> list[str]:
    """ "Diplomatic visits", "gymnastics sport": the narrower kind says what is meant."""
    wider = {parent for c in categories for parent in broader.get(c, ())}
    return [c for c in categories if c not in wider]


def _anchored_on_events(
    positions: dict[str, list[int]], matches: list[Match], words: list[str], language: str | None
) -> tuple[Period | None, tuple[str, ...]]:
    """ "After the Nooruz in Ghent", "после нооруза", "Нооруз майрамынан кийин", "between the
    Aitmatov concert and the violin competition": a period word (lexicon/periods.yaml
    event_anchor) right next to named events."""
    events = [(m.start, m.end, s.id) for m in matches for s in m.senses if s.kind == "event"]
    if not events:
        return None, ()
    anchors = set(positions.get("period:event_anchor", []))
    for kind in (Period.BETWEEN, Period.AFTER, Period.BEFORE, Period.SINCE):
        for at in positions.get(f"period:{kind.value}", []):
            if at not in anchors or (words[at] == "na" and language != "nl"):
                continue
            if kind is Period.BETWEEN:
                later = [e for s, _, e in events if s > at]
                if len(later) >= 2:
                    return kind, tuple(later[:2])
                continue
            near = [e for s, end, e in events if 0 < s - at <= 3 or 0 <= at - end <= 1]
            if near:
                return kind, (near[0],)
    return None, ()


def _winter_across(
    text: str, seasons: set[str], period: Period | None, period_years: list[int]
) -> tuple[tuple[int, int], ...]:
    """December of one year and January-February of the next, for "winter 2016/17" or
    "winter between 2017 and 2018"; () otherwise."""
    if seasons != {"winter"}:
        return ()
    first: int | None = None
    short = _WINTER_ACROSS.search(text)
    if short and int(short.group(2)) == (int(short.group(1)) + 1) % 100:
        first = int(short.group(1))
    elif (
        period is Period.BETWEEN
        and len(period_years) == 2
        and period_years[1] == period_years[0] + 1
    ):
        first = period_years[0]
    if first is None:
        return ()
    return ((first, 12), (first + 1, 1), (first + 1, 2))


def _sorted(found: dict[str, set[str]], kind: str) -> tuple[str, ...]:
    """The ids of one kind found, sorted; () without a set made for a kind not found."""
    values = found.get(kind)
    return tuple(sorted(values)) if values else ()


def _one(values: set[str]) -> str | None:
    return next(iter(sorted(values))) if len(values) == 1 else None


def _rival_readings(matches: list[Match]) -> list[list[Match]]:
    """For each fuzzy match with a close rival, the same matches with the rival's reading."""
    readings: list[list[Match]] = []
    for index, match in enumerate(matches):
        for phrase, senses, score in match.rivals:
            variant = list(matches)
            variant[index] = Match(match.start, match.end, senses, score, phrase)
            readings.append(variant)
    return readings


__all__ = ["Query", "Sense", "Thresholds", "Understander"]
