"""Do rapidfuzz's OSA and Damerau-Levenshtein give the same answers, and which is faster?

Usage: python benchmarks/compare_scorers.py [--rounds 5]
Answers every question of every tests/questions*.yaml with each scorer and counts the questions
whose events, intent or language differ; then times answer + first page on tests/questions.yaml
(the benchmark goal's measure) for each, interleaved round by round so machine noise falls on
both alike. The faster one is the default (Thresholds.scorer) only if no answer differs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.core import time_questions  # noqa: E402
from benchmarks.stats import summary_ms  # noqa: E402
from bot.answering import Answerer  # noqa: E402
from bot.catalog import load_catalog  # noqa: E402
from bot.catalog.question_set import Case, load_question_set  # noqa: E402
from bot.paths import DEFAULT_DATA_DIR  # noqa: E402
from bot.understanding.matching import SCORERS  # noqa: E402
from bot.understanding.parser import Thresholds  # noqa: E402

SETS = ("questions", "questions_holdout", "questions_blind2", "questions_blind3")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    catalog = load_catalog(DEFAULT_DATA_DIR)
    answerers = {name: Answerer(catalog, Thresholds(scorer=name)) for name in SCORERS}
    cases: list[Case] = []
    for name in SETS:
        cases += load_question_set(ROOT / "tests" / f"{name}.yaml")

    differing = []
    for case in cases:
        answers = {
            name: (a.event_ids, a.intent, a.language)
            for name, answerer in answerers.items()
            for a in (answerer.answer(case.question),)
        }
        if len(set(answers.values())) > 1:
            differing.append(case.question)
    print(f"{len(cases)} questions; answers differ on {len(differing)}")
    for question in differing[:10]:
        print(f"  {question!r}")

    timed = load_question_set(ROOT / "tests" / "questions.yaml")
    samples: dict[str, list[float]] = {name: [] for name in answerers}
    for _ in range(args.rounds):
        for name, answerer in answerers.items():
            taken, _slowest = time_questions(answerer, timed, 1)
            samples[name] += taken
    print("\n| scorer | p50 ms | p99 ms |")
    print("| --- | --- | --- |")
    for name, values in samples.items():
        stats = summary_ms(values)
        print(f"| {name} | {stats['p50_ms']} | {stats['p99_ms']} |")
    print(f"\ncurrent default: {Thresholds().scorer}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
