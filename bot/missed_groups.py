"""Near-duplicate missed questions grouped for /missed: "who won the world cup" and "Who won the
World Cup?" are one thing to add an answer for, asked twice."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from rapidfuzz import fuzz

GROUP_SCORE = 85
"""token_set_ratio (0-100) from which two missed questions are the same question."""


@dataclass(frozen=True)
class MissedGroup:
    """Near-duplicate missed questions: how often, an example as typed, and when last."""

    example: str
    count: int
    languages: tuple[str, ...]
    intents: tuple[str, ...]
    last_asked: datetime
    variants: int = 1  # distinct texts grouped here


def group_missed(rows: list[tuple[str, str, str, datetime]]) -> list[MissedGroup]:
    """(text, language, intent, asked_at) rows -> groups of near-duplicates, biggest first.

    Exact repeats (after case and spacing are folded) are counted first, then each distinct text
    joins the first bigger group it resembles: token_set_ratio >= GROUP_SCORE, and neither has
    more than twice the words of the other (token_set_ratio alone would put "concerts" with
    every question that contains the word).
    """
    exact: dict[str, list[tuple[str, str, str, datetime]]] = {}
    for row in rows:
        exact.setdefault(_repeat_key(row[0]), []).append(row)
    keys = sorted(exact, key=lambda k: (-len(exact[k]), k))

    groups: list[tuple[str, list[str]]] = []  # (representative key, member keys)
    for key in keys:
        words = len(key.split())
        for representative, members in groups:
            other = len(representative.split())
            if max(words, other) > 2 * max(1, min(words, other)):
                continue
            if fuzz.token_set_ratio(key, representative) >= GROUP_SCORE:
                members.append(key)
                break
        else:
            groups.append((key, [key]))

    result: list[MissedGroup] = []
    for representative, members in groups:
        member_rows = [row for key in members for row in exact[key]]
        example = Counter(row[0] for row in exact[representative]).most_common(1)[0][0]
        result.append(
            MissedGroup(
                example=example,
                count=len(member_rows),
                languages=tuple(
                    lang for lang, _ in Counter(r[1] for r in member_rows).most_common()
                ),
                intents=tuple(i for i, _ in Counter(r[2] for r in member_rows).most_common()),
                last_asked=max(row[3] for row in member_rows),
                variants=len(members),
            )
        )
    result.sort(key=lambda g: (-g.count, -g.last_asked.timestamp(), g.example))
    return result


def _repeat_key(text: str) -> str:
    """The form near-duplicates are compared in: case-folded, punctuation as spaces."""
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())
