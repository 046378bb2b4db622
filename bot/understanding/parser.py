"""Question text -> Query: numbers, then known phrases, then the intent from what was found."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from bot.catalog.model import Catalog
from bot.understanding.language import LanguageDetector
from bot.understanding.matching import Match, find_matches
from bot.understanding.normalise import CYRILLIC, fold
from bot.understanding.query import Period, Query
from bot.understanding.vocabulary import Sense, Vocabulary


@dataclass(frozen=True)
class Thresholds:
    """Measured on tests/questions.yaml with benchmarks/tune_thresholds.py; see its output."""

    # Damerau-Levenshtein edits forgiven in words of 5-7, 8-11 and 12+ letters. (1, 2, 2) and
    # (1, 2, 3) tie on both question sets (benchmarks/tune_thresholds.py); the stricter one wins.
    max_edits: tuple[int, int, int] = (1, 2, 2)


# Words looked at per question: the longest real questions have about 40; a 4096-character
# paste must not stall the event loop (a second per message measured without this cap).
MAX_WORDS = 64

_YEAR = re.compile(r"^(1[89]\d\d|20\d\d)[a-z]{0,4}$")  # 2017, 2017g (2017г), 2017th
_DAY = re.compile(r"^([0-3]?\d)[a-z]{0,3}$")  # 12, 12th, 12e, 1er
_NUMBER = re.compile(r"\d{1,6}")  # "90" of "90-летию", "17" of "17 countries"
_RANGE = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)\s*[-–—/]\s*(1[89]\d\d|20\d\d)(?!\d)")
_COUNTRY_KIND = "country"

# A preposition that puts a place after it; an unknown word after one is a place we have no
# record of ("concerts in Tokyo"), which must not be answered with every concert. Matched on the
# raw text: French "à" is a place, "a" (has) is not; Dutch/French "en" is too ambiguous.
_PLACE_AFTER = re.compile(r"(?:^|[\s,])(?:in|at|à|au|te|в|во|bij|near)\s+([^\W\d_][\w'-]{2,})")

_SMALLTALK = ("help", "thanks", "greeting")
# Seasons as months (northern hemisphere; winter is the December and January-February of the
# year asked about, since the seed never crosses a year in winter).
_SEASONS = {
    "spring": (3, 4, 5),
    "summer": (6, 7, 8),
    "autumn": (9, 10, 11),
    "winter": (12, 1, 2),
}


class Understander:
    def __init__(
        self,
        catalog: Catalog,
        thresholds: Thresholds | None = None,
        today: Callable[[], date] = date.today,
    ) -> None:
        self.catalog = catalog
        self.today = today  # for "this year", "last year", "upcoming"
        self.vocabulary = Vocabulary(catalog)
        self.detector = LanguageDetector(catalog)
        self.thresholds = thresholds or Thresholds()
        self._place_kind = {p.id: p.kind for p in catalog.places}

    def understand(self, text: str) -> Query:
        language = self.detector.by_markers(text)
        words = fold(text).split()[:MAX_WORDS]
        if not words:
            return Query(intent="help", language=language, confidence=0.0)

        years, days_at, taken = self._numbers(words)
        plain_words = fold(text, variants=False).split()[:MAX_WORDS]
        matches = find_matches(
            words,
            plain_words,
            self.vocabulary,
            max_edits=self.thresholds.max_edits,
            taken=taken,
        )
        if language != "ru" and not CYRILLIC.search(text):
            matches = [m for m in matches if m.phrase not in self.vocabulary.cyrillic_lookalikes]
        matches = _without_self_introductions(matches, self.vocabulary)
        if language is None and matches:
            language = self.detector.by_letters(text)  # the words meant something
        query = self._build(text, language, words, years, days_at, matches)
        alternatives = tuple(
            self._build(text, language, words, years, days_at, variant)
            for variant in _rival_readings(matches)
        )
        return replace(query, alternatives=alternatives)

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
    ) -> Query:
        found: dict[str, set[str]] = defaultdict(set)
        positions: dict[str, list[int]] = defaultdict(list)
        for match in matches:
            for sense in match.senses:
                found[sense.kind].add(sense.id)
                positions[f"{sense.kind}:{sense.id}"].append(match.start)

        years = sorted({year for _, year in years_at})
        period, period_years = self._period(text, positions, years_at)
        if period:
            years = []
        relative = found["period"] & {"this_year", "last_year", "upcoming"}
        if relative and not years_at:
            current = self.today().year
            if "upcoming" in relative:
                period, period_years = Period.SINCE, [current]
            else:
                years = [current if "this_year" in relative else current - 1]

        seasons = found["period"] & set(_SEASONS)
        months = sorted(
            {int(m) for m in found["month"] if m.isdigit()}
            | {month for season in seasons for month in _SEASONS[season]}
        )
        month_at = [m.start for m in matches if any(s.kind == "month" for s in m.senses)]
        day_at = {i for i in days_at if any(abs(i - at) == 1 for at in month_at)}
        days = sorted(int(re.sub(r"\D", "", words[i])) for i in day_at)
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

        places = sorted(p for p in found["place"] if self._place_kind.get(p) != _COUNTRY_KIND)
        intents = found["intent"]
        ranks = found["period"] & {"first", "latest"}
        categories = sorted(found["category"])
        topic = _one(found["topic"])
        if topic and "overview" not in intents and categories:
            topic = None  # "sport" alone is the category; "sports cooperation" is the overview
        unknown_place = None if places else self._unknown_place(text, words, matches)

        covered = {i for m in matches for i in range(m.start, m.end)} | {i for i, _ in years_at}
        unexplained = [
            w
            for i, w in enumerate(words)
            if i not in covered and not self.vocabulary.is_function_word(w)
        ]
        intent = self._intent(intents, ranks, found, topic, bool(years or period), unexplained)
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
            ),
            people=tuple(sorted(found["person"])),
            organisations=tuple(sorted(found["organisation"])),
            events=tuple(sorted(found["event"])),
            topic=topic,
            facts=tuple(sorted(found["fact"])),
            numbers=tuple(numbers) if found["fact"] else (),
            planned="planned" in found["period"],
            unknown_place=unknown_place,
            confidence=round(confidence, 3),
            cues=tuple(sorted(intents)),
            unexplained=tuple(unexplained),
        )

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
    ) -> str:
        substantive = any(
            found[kind]
            for kind in ("category", "categories", "person", "organisation", "event", "fact")
        )
        filters = (
            substantive
            or has_time
            or bool(found["period"] & {"planned", *_SEASONS})
            or bool(found["month"])
            or bool({p for p in found["place"] if self._place_kind.get(p) != _COUNTRY_KIND})
        )
        # Weather, visas, football scores: off-topic even next to a city or a year, unless the
        # question names one of our events or people.
        if "out_of_scope" in intents and not (found["event"] or found["person"]):
            return "out_of_scope"
        if "places" in intents and not filters:
            return "places"
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

    def _unknown_place(self, text: str, words: list[str], matches: list[Match]) -> str | None:
        # The words as typed that some match explained, typos included ("in febuary").
        matched = {m.phrase for m in matches} | {
            words[i] for m in matches for i in range(m.start, m.end)
        }
        for found in _PLACE_AFTER.finditer(text.casefold()):
            word = found.group(1)
            key = fold(word)
            if (
                key
                and key not in self.vocabulary.known_words
                and key not in matched
                and not any(key.startswith(p) or p.startswith(key) for p in matched)
            ):
                return word
        return None


_AFFILIATIONS = ("organisation", "place")


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
