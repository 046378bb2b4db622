"""Exclusion: "all events but the concerts", "концерты не в Брюсселе", "спорттон башка".

A cue word (data/intents.yaml `exclude` before the thing, `exclude_after` after it) turns the
category, place or year right next to it into something to leave out instead of a filter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.understanding.matching import Match
from bot.understanding.vocabulary import Sense, Vocabulary

_EXCLUDABLE = ("category", "categories", "place", "event")
_AND = Sense("intent", "and")  # data/intents.yaml `and`: "кроме концертов и выставок"
_EXCLUDE = Sense("intent", "exclude")
_EXCLUDE_AFTER = Sense("intent", "exclude_after")
_INCLUDE = Sense("intent", "include")
_INCLUDE_AFTER = Sense("intent", "include_after")
_INCLUDABLE = ("category", "categories", "event")
_CUES = frozenset({_EXCLUDE, _EXCLUDE_AFTER, _INCLUDE, _INCLUDE_AFTER})
_NONE: frozenset[int] = frozenset()
# Words that may stand between a cue and what it excludes: "but the concerts", "не в Брюсселе".
_MAX_GAP_WORD = 3


@dataclass(frozen=True)
class Exclusions:
    matches: list[Match]  # what is still a filter
    senses: frozenset[Sense]  # categories and places to leave out
    years: frozenset[int]  # years to leave out
    cues: frozenset[int]  # word indexes of the cue words (explained, not content)


def split_exclusions(
    matches: list[Match],
    words: list[str],
    years_at: list[tuple[int, int]],
    vocabulary: Vocabulary,
) -> Exclusions:
    """Take out of `matches` what a cue excludes; the rest stays as it was."""
    if all(_CUES.isdisjoint(m.senses) for m in matches):  # most questions: no cue at all
        return Exclusions(matches, frozenset(), _NONE, _NONE)
    matches, included = _without_included(matches, words, vocabulary)
    before = [m for m in matches if _EXCLUDE in m.senses]
    after = [m for m in matches if _EXCLUDE_AFTER in m.senses]
    if not before and not after:
        return Exclusions(matches, frozenset(), frozenset(), included)
    excluded: set[int] = set()  # indexes into matches
    years: set[int] = set()
    cue_at: set[int] = set()
    year_of = dict(years_at)

    def small_gap(start: int, end: int) -> bool:
        return all(
            len(words[i]) <= _MAX_GAP_WORD and vocabulary.is_function_word(words[i])
            for i in range(start, end)
        )

    for cue in before:
        for index, match in enumerate(matches):
            if match.start < cue.end:
                continue
            if not small_gap(cue.end, match.start):
                break
            if small_gap(match.start, match.end) and not any(
                s.kind in _EXCLUDABLE for s in match.senses
            ):
                continue  # "не в Брюсселе": "в" is a cue word of its own, still a gap
            if any(s.kind in _EXCLUDABLE for s in match.senses):
                excluded.add(index)
                cue_at.update(range(cue.start, cue.end))
                for also, joint in _coordinated(matches, index, 1, small_gap):
                    excluded.add(also)
                    cue_at.update(joint)
            break
        else:
            for at, year in years_at:
                if at >= cue.end and small_gap(cue.end, at):
                    years.add(year)
                    cue_at.update(range(cue.start, cue.end))
                    break
    for cue in after:
        for index, match in enumerate(matches):
            if match.end == cue.start and any(s.kind in _EXCLUDABLE for s in match.senses):
                excluded.add(index)
                cue_at.update(range(cue.start, cue.end))
                for also, joint in _coordinated(matches, index, -1, small_gap):
                    excluded.add(also)
                    cue_at.update(joint)
        if cue.start - 1 in year_of:
            years.add(year_of[cue.start - 1])
            cue_at.update(range(cue.start, cue.end))
    senses = frozenset(s for i in excluded for s in matches[i].senses if s.kind in _EXCLUDABLE)
    kept = [m for i, m in enumerate(matches) if i not in excluded]
    return Exclusions(kept, senses, frozenset(years), frozenset(cue_at) | included)


def _coordinated(
    matches: list[Match], index: int, step: int, small_gap: Callable[[int, int], bool]
) -> list[tuple[int, range]]:
    """The things of the same kind joined to matches[index] by "and" or a comma, walking away
    from the cue ("кроме концертов и выставок", "концерт жана көргөзмөдөн башка"): each with
    the words of its "and", which the exclusion explains."""
    kind = _kind(matches[index])
    found: list[tuple[int, range]] = []
    here = index
    while 0 <= here + step < len(matches):
        nearer, beyond = matches[here + step], None
        joint = range(0)
        if _AND in nearer.senses and 0 <= here + 2 * step < len(matches):
            beyond, joint = matches[here + 2 * step], range(nearer.start, nearer.end)
        elif _kind(nearer) == kind:
            beyond = nearer  # "except concerts, exhibitions": only punctuation between
        if beyond is None or _kind(beyond) != kind:
            break
        first, second = (matches[here], beyond) if step > 0 else (beyond, matches[here])
        if not (
            small_gap(first.end, joint.start if joint else second.start)
            and small_gap(joint.stop if joint else first.end, second.start)
        ):
            break
        here = matches.index(beyond)
        found.append((here, joint))
    return found


def _kind(match: Match) -> str | None:
    """category, place or event: what a coordinated exclusion must share ("категории" both)."""
    kinds = {s.kind.rstrip("s") if s.kind == "categories" else s.kind for s in match.senses}
    for kind in ("category", "place", "event"):
        if kind in kinds:
            return kind
    return None


def _without_included(
    matches: list[Match], words: list[str], vocabulary: Vocabulary
) -> tuple[list[Match], frozenset[int]]:
    """ "Music, competitions included": the kind or event next to an include cue is part of
    the broader one asked for; it is dropped, and its words count as explained."""
    cue_before, cue_after = _INCLUDE, _INCLUDE_AFTER
    dropped: set[int] = set()
    covered: set[int] = set()
    for index, match in enumerate(matches):
        if not any(s.kind in _INCLUDABLE for s in match.senses):
            continue
        previous = matches[index - 1] if index else None
        following = matches[index + 1] if index + 1 < len(matches) else None
        if (
            previous is not None
            and cue_before in previous.senses
            and all(len(words[i]) <= _MAX_GAP_WORD for i in range(previous.end, match.start))
        ) or (
            following is not None
            and cue_after in following.senses
            and following.start - match.end <= 1
        ):
            dropped.add(index)
            # the words up to the cue too: "скрипка сынагын кошо" (the contest's, included)
            end = following.start if following is not None else match.end
            covered.update(range(match.start, max(end, match.end)))
    if not dropped:
        return matches, frozenset()
    return [m for i, m in enumerate(matches) if i not in dropped], frozenset(covered)
