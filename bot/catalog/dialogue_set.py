"""Reading a dialogue set (tests/dialogues*.yaml): conversations scored turn by turn.

dialogues:
  - lang: ru
    tags: [fragment]
    turns:
      - {q: "концерты в 2015", ids: [...]}
      - {q: "а в 2016?", ids: [...], follow_up: true, says: ["regex", ...]}
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.catalog.problems import DataError, Problem


@dataclass(frozen=True)
class Turn:
    question: str
    expected_ids: frozenset[str]
    follow_up: bool = False
    says: tuple[str, ...] = ()  # regular expressions the reply must match (case-insensitive)


@dataclass(frozen=True)
class Dialogue:
    number: int  # 1-based position in the file, for the report
    language: str
    turns: tuple[Turn, ...]
    tags: tuple[str, ...] = ()


def is_dialogue_set(path: Path) -> bool:
    """Whether the file is a dialogue set (top-level `dialogues:`) rather than a question set."""
    try:
        with path.open(encoding="utf-8") as handle:
            return any(line.startswith("dialogues:") for line in handle)
    except (OSError, UnicodeDecodeError):
        return False


def load_dialogue_set(path: Path) -> list[Dialogue]:
    """All dialogues of the file; a malformed file raises DataError naming the entry."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise DataError(
            [Problem(str(path), 1, f"cannot read the dialogue set: {error}")]
        ) from None
    entries = raw.get("dialogues") if isinstance(raw, dict) else None
    if not isinstance(entries, list):
        raise DataError([Problem(str(path), 1, "expected a top-level 'dialogues:' list")])
    dialogues: list[Dialogue] = []
    problems: list[Problem] = []
    for number, entry in enumerate(entries, start=1):
        turns_raw = entry.get("turns") if isinstance(entry, dict) else None
        if not isinstance(turns_raw, list) or not turns_raw:
            problems.append(Problem(str(path), 1, f"dialogue {number}: needs a 'turns:' list"))
            continue
        turns: list[Turn] = []
        for index, turn in enumerate(turns_raw, start=1):
            if not isinstance(turn, dict) or "q" not in turn:
                problems.append(
                    Problem(str(path), 1, f"dialogue {number}, turn {index}: needs at least 'q'")
                )
                continue
            says = turn.get("says") or ()
            turns.append(
                Turn(
                    question=str(turn["q"]),
                    expected_ids=frozenset(str(i) for i in turn.get("ids") or ()),
                    follow_up=bool(turn.get("follow_up", False)),
                    says=tuple(str(s) for s in ([says] if isinstance(says, str) else says)),
                )
            )
        dialogues.append(
            Dialogue(
                number=number,
                language=str(entry.get("lang", "")),
                turns=tuple(turns),
                tags=tuple(str(t) for t in entry.get("tags") or ()),
            )
        )
    if problems:
        raise DataError(problems)
    return dialogues
