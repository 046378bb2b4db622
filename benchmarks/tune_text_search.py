"""Measure the search in the events' own texts on the question sets, so its thresholds come from
data, not taste.

Usage: python benchmarks/tune_text_search.py
For each candidate MIN_COVERAGE (the share of the unexplained words' weight the best events must
explain) and MAX_SHARE (a word in more than this share of the events says nothing specific),
prints the exact-match rate on every question set and on the questions that leave words
unexplained. The defaults in bot/understanding/textsearch.py are the best row.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.answering import Answerer  # noqa: E402
from bot.catalog import load_catalog  # noqa: E402
from bot.catalog.question_set import load_question_set  # noqa: E402
from bot.evaluation import evaluate  # noqa: E402
from bot.paths import DEFAULT_DATA_DIR  # noqa: E402
from bot.understanding.textsearch import MAX_SHARE, MIN_COVERAGE, EventTexts  # noqa: E402

SETS = ("questions", "questions_holdout", "questions_blind2", "questions_blind3")
COVERAGES = (0.3, 0.4, 0.5, 0.6, 0.7)
SHARES = (0.15, 0.25, 0.35)


def main() -> int:
    catalog = load_catalog(DEFAULT_DATA_DIR)
    cases = {name: load_question_set(ROOT / "tests" / f"{name}.yaml") for name in SETS}
    answerer = Answerer(catalog)
    print("| min_coverage | max_share | " + " | ".join(SETS) + " |")
    print("| --- | --- | " + " | ".join("---" for _ in SETS) + " |")
    for coverage in COVERAGES:
        for share in SHARES:
            answerer.texts = EventTexts(
                catalog,
                answerer.understander.vocabulary,
                min_coverage=coverage,
                max_share=share,
            )
            rates = [evaluate(answerer, cases[name]).overall.exact_rate for name in SETS]
            print(f"| {coverage} | {share} | " + " | ".join(f"{r:.1%}" for r in rates) + " |")
    print(f"\ncurrent defaults: min_coverage {MIN_COVERAGE}, max_share {MAX_SHARE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
