"""Reading a question set (tests/questions.yaml): questions with the events they must get."""

from __future__ import annotations

import re
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
    kind: str = ""  # which kind of question (issue 8's nine), reported like a tag
    says: tuple[str, ...] = ()  # regexes the reply must contain: the fact asked for is stated
    user_language: str | None = None  # the asker's Telegram/chosen language, when given


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
                kind=str(entry.get("kind") or ""),
                says=_says(entry.get("says")),
                user_language=str(entry["user_lang"]) if entry.get("user_lang") else None,
            )
        )
        for pattern in cases[-1].says:
            try:
                re.compile(pattern)
            except re.error as error:
                problems.append(
                    Problem(
                        str(path), 1, f"entry {number}: 'says' {pattern!r} is no regex: {error}"
                    )
                )
    if problems:
        raise DataError(problems)
    return cases


def _says(value: object) -> tuple[str, ...]:
    """`says` as one regex or a list of them."""
    if value is None:
        return ()
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    return (str(value),)
