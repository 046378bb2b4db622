"""Scoring the bot on a dialogue set, turn by turn, each dialogue one conversation.

A turn is right when its events are exactly the expected set and its reply (as plain text)
matches every `says` pattern. The report gives all turns, follow-up turns (marked
`follow_up: true`) and whole dialogues, by language and by tag, with the failures in context.
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bot.answering import Answerer
from bot.catalog import DataError
from bot.catalog.dialogue_set import Dialogue, Turn, load_dialogue_set
from bot.conversation import Conversation
from bot.rendering import render_html
from bot.rendering.marks import PLAIN


@dataclass(frozen=True)
class TurnOutcome:
    dialogue: Dialogue
    index: int  # 0-based turn number
    got_ids: frozenset[str]
    got_intent: str
    got_language: str
    reply: str
    unmatched: tuple[str, ...]  # `says` patterns the reply did not match

    @property
    def turn(self) -> Turn:
        return self.dialogue.turns[self.index]

    @property
    def ids_right(self) -> bool:
        return self.got_ids == self.turn.expected_ids

    @property
    def right(self) -> bool:
        return self.ids_right and not self.unmatched


@dataclass
class Score:
    total: int = 0
    right: int = 0
    language_ok: int = 0

    def add(self, outcome: TurnOutcome) -> None:
        self.total += 1
        self.right += outcome.right
        self.language_ok += outcome.got_language == outcome.dialogue.language

    @property
    def rate(self) -> float:
        return self.right / self.total if self.total else 0.0

    @property
    def language_rate(self) -> float:
        return self.language_ok / self.total if self.total else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "turns": self.total,
            "right": round(self.rate, 4),
            "language_accuracy": round(self.language_rate, 4),
        }


@dataclass
class DialogueReport:
    outcomes: list[TurnOutcome] = field(default_factory=list)
    all_turns: Score = field(default_factory=Score)
    follow_ups: Score = field(default_factory=Score)
    first_turns: Score = field(default_factory=Score)
    dialogues_total: int = 0
    dialogues_right: int = 0
    by_language: dict[str, Score] = field(default_factory=lambda: defaultdict(Score))
    by_tag: dict[str, Score] = field(default_factory=lambda: defaultdict(Score))

    @property
    def dialogue_rate(self) -> float:
        return self.dialogues_right / self.dialogues_total if self.dialogues_total else 0.0

    def failures(self) -> list[TurnOutcome]:
        return [o for o in self.outcomes if not o.right]


def evaluate_dialogues(answerer: Answerer, dialogues: Iterable[Dialogue]) -> DialogueReport:
    """Each dialogue as one conversation of a user with no language preference."""
    report = DialogueReport()
    for dialogue in dialogues:
        conversation = Conversation()
        all_right = True
        for index, turn in enumerate(dialogue.turns):
            answer, conversation = answerer.converse(turn.question, conversation)
            reply = render_html(answer, answerer.catalog, marks=PLAIN).text
            unmatched = tuple(p for p in turn.says if not _matches(p, reply))
            outcome = TurnOutcome(
                dialogue,
                index,
                frozenset(answer.event_ids),
                answer.intent.value,
                answer.language,
                reply,
                unmatched,
            )
            report.outcomes.append(outcome)
            report.all_turns.add(outcome)
            if turn.follow_up:
                report.follow_ups.add(outcome)
            if index == 0:
                report.first_turns.add(outcome)
            report.by_language[dialogue.language or "?"].add(outcome)
            for tag in dialogue.tags:
                report.by_tag[tag].add(outcome)
            all_right = all_right and outcome.right
        report.dialogues_total += 1
        report.dialogues_right += all_right
    return report


def _matches(pattern: str, reply: str) -> bool:
    try:
        return re.search(pattern, reply, re.IGNORECASE) is not None
    except re.error:
        return pattern.casefold() in reply.casefold()


def format_dialogue_report(report: DialogueReport, worst: int = 25) -> str:
    lines = ["Dialogue set evaluation", ""]
    header = f"{'':<18}{'turns':>6}{'right':>8}{'lang':>8}"

    def row(name: str, score: Score) -> str:
        return f"{name:<18}{score.total:>6}{score.rate:>8.1%}{score.language_rate:>8.1%}"

    lines.append(header)
    lines.append(row("all turns", report.all_turns))
    lines.append(row("follow-up turns", report.follow_ups))
    lines.append(row("first turns", report.first_turns))
    lines.append(f"{'whole dialogues':<18}{report.dialogues_total:>6}{report.dialogue_rate:>8.1%}")
    lines.append("")
    for title, table in (("By language", report.by_language), ("By tag", report.by_tag)):
        lines.extend([title, header])
        lines.extend(row(name, score) for name, score in sorted(table.items()))
        lines.append("")
    failures = report.failures()
    if failures:
        lines.append(f"Failed turns ({len(failures)} in all; first {min(worst, len(failures))})")
        for o in failures[:worst]:
            d = o.dialogue
            before = " › ".join(t.question for t in d.turns[: o.index])
            lines.append(f"  #{d.number} [{d.language}] {before + ' › ' if before else ''}")
            lines.append(f"      {o.turn.question!r} -> {o.got_intent}")
            missing = o.turn.expected_ids - o.got_ids
            extra = o.got_ids - o.turn.expected_ids
            if missing:
                lines.append(f"      missing: {', '.join(sorted(missing))}")
            if extra:
                lines.append(f"      extra:   {', '.join(sorted(extra))}")
            for pattern in o.unmatched:
                lines.append(f"      reply does not say /{pattern}/: {o.reply[:120]!r}")
    return "\n".join(lines)


def main(answerer: Answerer, path: Path, minimum: float, *, as_json: bool = False) -> int:
    """Print the report; exit 1 when all turns or follow-up turns are below `minimum`."""
    try:
        dialogues = load_dialogue_set(path)
    except DataError as error:
        print(error, file=sys.stderr)
        return 2
    report = evaluate_dialogues(answerer, dialogues)
    if as_json:
        payload = {
            "all_turns": report.all_turns.as_dict(),
            "follow_up_turns": report.follow_ups.as_dict(),
            "first_turns": report.first_turns.as_dict(),
            "dialogues": {"total": report.dialogues_total, "right": report.dialogue_rate},
            "by_language": {k: v.as_dict() for k, v in report.by_language.items()},
            "by_tag": {k: v.as_dict() for k, v in report.by_tag.items()},
        }
        print(json.dumps(payload, indent=2))
    else:
        print(format_dialogue_report(report))
    floor = minimum / 100 if minimum > 1 else minimum
    status = 0
    for name, score in (("all turns", report.all_turns), ("follow-up turns", report.follow_ups)):
        if score.total and score.rate < floor:
            print(f"{name}: {score.rate:.1%} is below the floor {floor:.1%}", file=sys.stderr)
            status = 1
    return status
