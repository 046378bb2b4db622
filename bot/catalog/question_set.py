"""Reading a question set (tests/questions.yaml): questions with the events they must get."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.catalog.problems import DataError, Problem


@dataclass(frozen=True)
class Case:
    question: str
    language: str
    intent: str
    expected_ids: frozenset[str]
    tags: tuple[str, ...] = ()


def load_question_set(path: Path) -> list[Case]:
    """All cases of the file; a malformed file raises DataError naming the entry."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise DataError(
            [Problem(str(path), 1, f"cannot read the question set: {error}")]
        ) from None
    entries = raw.get("questions") if isinstance(raw, dict) else None
    if not isinstance(entries, list):
        raise DataError([Problem(str(path), 1, "expected a top-level 'questions:' list")])
    cases: list[Case] = []
    problems: list[Problem] = []
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or "q" not in entry:
            problems.append(Problem(str(path), 1, f"entry {number}: needs at least 'q'"))
            continue
        cases.append(
            Case(
                question=str(entry["q"]),
                language=str(entry.get("lang", "")),
                intent=str(entry.get("intent", "")),
                expected_ids=frozenset(str(i) for i in entry.get("ids") or ()),
                tags=tuple(str(t) for t in entry.get("tags") or ()),
            )
        )
    if problems:
        raise DataError(problems)
    return cases
