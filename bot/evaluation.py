"""Scoring the bot on a question set, in the spirit of `rasa test nlu`.

Exact match: the answer's events are exactly the expected set. Precision and recall are counted
over events (micro-averaged). Facts stated: for questions with `says`, the reply (its first page,
as the user first sees it, tags removed) matches every one of those regexes. The report breaks
all of them down by intent, language, kind and tag.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bot.answering import Answerer
from bot.catalog import DataError
from bot.catalog.question_set import Case, load_question_set
from bot.rendering import render_html
from bot.rendering.marks import PLAIN


@dataclass(frozen=True)
class Outcome:
    case: Case
    got_ids: frozenset[str]
    got_intent: str
    got_language: str
    said: bool | None = None  # every `says` regex found in the reply; None when none asked
    reply: str = ""

    @property
    def exact(self) -> bool:
        return self.got_ids == self.case.expected_ids

    @property
    def missing(self) -> frozenset[str]:
        return self.case.expected_ids - self.got_ids

    @property
    def extra(self) -> frozenset[str]:
        return self.got_ids - self.case.expected_ids


@dataclass
class Tally:
    total: int = 0
    exact: int = 0
    true_pos: int = 0
    got: int = 0
    expected: int = 0
    intent_ok: int = 0
    language_ok: int = 0
    says_total: int = 0
    says_ok: int = 0

    def add(self, outcome: Outcome) -> None:
        self.total += 1
        self.exact += outcome.exact
        self.true_pos += len(outcome.got_ids & outcome.case.expected_ids)
        self.got += len(outcome.got_ids)
        self.expected += len(outcome.case.expected_ids)
        self.intent_ok += _same_intent(outcome.case.intent, outcome.got_intent)
        self.language_ok += outcome.got_language == outcome.case.language
        if outcome.said is not None:
            self.says_total += 1
            self.says_ok += outcome.said

    @property
    def exact_rate(self) -> float:
        return self.exact / self.total if self.total else 0.0

    @property
    def precision(self) -> float:
        return self.true_pos / self.got if self.got else 1.0

    @property
    def recall(self) -> float:
        return self.true_pos / self.expected if self.expected else 1.0

    @property
    def intent_rate(self) -> float:
        return self.intent_ok / self.total if self.total else 0.0

    @property
    def language_rate(self) -> float:
        """Replies in the question's language, for a user with no language set."""
        return self.language_ok / self.total if self.total else 0.0

    @property
    def facts_rate(self) -> float:
        """Share of fact questions whose reply states the fact (1.0 when there are none)."""
        return self.says_ok / self.says_total if self.says_total else 1.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "questions": self.total,
            "exact_match": round(self.exact_rate, 4),
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "intent_accuracy": round(self.intent_rate, 4),
            "language_accuracy": round(self.language_rate, 4),
            "fact_questions": self.says_total,
            "facts_stated": round(self.facts_rate, 4),
        }


@dataclass
class Report:
    outcomes: list[Outcome]
    overall: Tally = field(default_factory=Tally)
    by_intent: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_language: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_tag: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_kind: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))

    def confusions(self, limit: int = 10) -> list[tuple[tuple[str, str], int]]:
        pairs = Counter(
            (o.case.intent, o.got_intent)
            for o in self.outcomes
            if not _same_intent(o.case.intent, o.got_intent)
        )
        return pairs.most_common(limit)

    def failures(self) -> list[Outcome]:
        wrong = [o for o in self.outcomes if not o.exact]
        return sorted(wrong, key=lambda o: -(len(o.missing) + len(o.extra)))

    def unstated(self) -> list[Outcome]:
        """Fact questions whose reply does not state the fact."""
        return [o for o in self.outcomes if o.said is False]


# A one-event list and a card are the same answer to the user; so are a list and a
# did-you-mean that offers its reading.
# "Who organised X" answers with the names first, then X's card (or list).
_EQUIVALENT = {
    frozenset({"list", "detail"}),
    frozenset({"detail", "organiser"}),
    frozenset({"list", "organiser"}),
}


def _same_intent(expected: str, got: str) -> bool:
    return expected == got or frozenset({expected, got}) in _EQUIVALENT


def evaluate(answerer: Answerer, cases: Iterable[Case], *, as_user: bool = False) -> Report:
    """Answer every case as a user with no language preference would get it (or with the
    entry's `user_lang`); with `as_user`, as a user whose language is the entry's `lang`."""
    report = Report(outcomes=[])
    for case in cases:
        user = case.language if as_user and case.language else case.user_language
        answer = answerer.answer(case.question, user)
        said: bool | None = None
        reply = ""
        if case.says:
            reply = render_html(answer, answerer.catalog, marks=PLAIN).text
            said = all(re.search(p, reply, re.IGNORECASE) for p in case.says)
        outcome = Outcome(
            case,
            frozenset(answer.event_ids),
            answer.intent.value,
            answer.language,
            said,
            reply,
        )
        report.outcomes.append(outcome)
        report.overall.add(outcome)
        report.by_intent[case.intent or "?"].add(outcome)
        report.by_language[case.language or "?"].add(outcome)
        for tag in case.tags:
            report.by_tag[tag].add(outcome)
        if case.kind:
            report.by_kind[case.kind].add(outcome)
    return report


def format_report(report: Report, worst: int = 15) -> str:
    """The human-readable report; `worst` failures are listed with what was missing or extra."""
    lines = ["Question set evaluation", ""]
    header = (
        f"{'':<16}{'n':>5}{'exact':>8}{'prec':>8}{'recall':>8}{'intent':>8}{'lang':>8}"
        f"{'facts':>14}"
    )

    def table(title: str, rows: dict[str, Tally]) -> None:
        if not rows:
            return
        lines.extend([title, header])
        for name, tally in sorted(rows.items()):
            facts = f"{tally.facts_rate:.1%} ({tally.says_total})" if tally.says_total else "-"
            lines.append(
                f"{name:<16}{tally.total:>5}{tally.exact_rate:>8.1%}{tally.precision:>8.1%}"
                f"{tally.recall:>8.1%}{tally.intent_rate:>8.1%}{tally.language_rate:>8.1%}"
                f"{facts:>14}"
            )
        lines.append("")

    table("Overall", {"all": report.overall})
    if report.overall.says_total:
        lines.insert(
            -1,
            f"facts stated: {report.overall.facts_rate:.1%} of "
            f"{report.overall.says_total} fact questions",
        )
    table("By intent", report.by_intent)
    table("By language", report.by_language)
    table("By kind", report.by_kind)
    table("By tag", report.by_tag)
    confusions = report.confusions()
    if confusions:
        lines.append("Most common intent confusions (expected -> got)")
        lines.extend(f"  {a} -> {b}: {n}" for (a, b), n in confusions)
        lines.append("")
    failures = report.failures()[:worst]
    if failures:
        lines.append(f"Worst failures ({len(report.failures())} in all)")
        for o in failures:
            lines.append(
                f"  [{o.case.language}/{o.case.intent}->{o.got_intent}] {o.case.question!r}"
            )
            if o.missing:
                lines.append(f"      missing: {_ids(o.missing)}")
            if o.extra:
                lines.append(f"      extra:   {_ids(o.extra)}")
    unstated = report.unstated()
    if unstated:
        lines.append("")
        lines.append(f"Facts not stated ({len(unstated)} in all)")
        for o in unstated[:worst]:
            missed = [p for p in o.case.says if not re.search(p, o.reply, re.IGNORECASE)]
            lines.append(f"  [{o.case.language}] {o.case.question!r}: no {missed}")
            lines.append(f"      reply: {o.reply[:160]!r}")
    return "\n".join(lines)


def _ids(ids: frozenset[str], shown: int = 4) -> str:
    ordered = sorted(ids)
    more = f" (+{len(ordered) - shown} more)" if len(ordered) > shown else ""
    return ", ".join(ordered[:shown]) + more


def main(
    answerer: Answerer,
    path: Path,
    minimum: float,
    *,
    as_json: bool = False,
    minimum_facts: float = 0.0,
    as_user: bool = False,
) -> int:
    """Print the report; exit 1 when the exact-match rate is below `minimum`, or the share of
    fact questions whose reply states the fact is below `minimum_facts` (0-1 or percent)."""
    from bot.catalog.dialogue_set import is_dialogue_set

    if is_dialogue_set(path):  # a dialogue set is scored turn by turn (bot.dialogue_evaluation)
        from bot.dialogue_evaluation import main as dialogue_main

        return dialogue_main(answerer, path, minimum, as_json=as_json)
    try:
        cases = load_question_set(path)
    except DataError as error:
        print(error, file=sys.stderr)
        return 2
    report = evaluate(answerer, cases, as_user=as_user)
    if as_json:
        payload = {
            "overall": report.overall.as_dict(),
            "by_intent": {k: v.as_dict() for k, v in report.by_intent.items()},
            "by_language": {k: v.as_dict() for k, v in report.by_language.items()},
            "by_tag": {k: v.as_dict() for k, v in report.by_tag.items()},
            "by_kind": {k: v.as_dict() for k, v in report.by_kind.items()},
        }
        print(json.dumps(payload, indent=2))
    else:
        print(format_report(report))
    failed = False
    floor = minimum / 100 if minimum > 1 else minimum
    if report.overall.exact_rate < floor:
        print(
            f"exact match {report.overall.exact_rate:.1%} is below the floor {floor:.1%}",
            file=sys.stderr,
        )
        failed = True
    facts_floor = minimum_facts / 100 if minimum_facts > 1 else minimum_facts
    if report.overall.facts_rate < facts_floor:
        print(
            f"facts stated {report.overall.facts_rate:.1%} is below the floor {facts_floor:.1%}",
            file=sys.stderr,
        )
        failed = True
    return 1 if failed else 0
