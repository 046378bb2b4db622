"""Measure the typo tolerance on the question sets, so thresholds come from data, not taste.

Usage: python benchmarks/tune_thresholds.py
Prints exact-match rates for each candidate `Thresholds.max_edits` (edits forgiven in words of
5-7, 8-11 and 12+ letters) on tests/questions.yaml and the held-out tests/questions_holdout.yaml,
then the language accuracy for each margin of the letter model (bot/understanding/letters.py).
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.answering import Answerer  # noqa: E402
from bot.catalog import load_catalog  # noqa: E402
from bot.catalog.question_set import load_question_set  # noqa: E402
from bot.evaluation import evaluate  # noqa: E402
from bot.paths import DEFAULT_DATA_DIR  # noqa: E402
from bot.understanding.language import LETTER_MARGIN, LanguageDetector  # noqa: E402
from bot.understanding.parser import Thresholds  # noqa: E402

CANDIDATES: list[tuple[int, int, int]] = [
    (0, 0, 0),
    (0, 1, 1),
    (1, 1, 1),
    (1, 1, 2),
    (1, 2, 2),
    (1, 2, 3),
    (2, 2, 3),
]


def main() -> int:
    catalog = load_catalog(DEFAULT_DATA_DIR)
    sets = {
        name: load_question_set(ROOT / "tests" / f"{name}.yaml")
        for name in ("questions", "questions_holdout", "questions_blind2")
    }
    typo_only = {name: [c for c in cases if "typo" in c.tags] for name, cases in sets.items()}
    print("| max_edits | questions | typos | holdout | holdout typos |")
    print("| --- | --- | --- | --- | --- |")
    for edits in CANDIDATES:
        answerer = Answerer(catalog, Thresholds(max_edits=edits))
        rates = [
            evaluate(answerer, cases).overall.exact_rate
            for cases in (
                sets["questions"],
                typo_only["questions"],
                sets["questions_holdout"],
                typo_only["questions_holdout"],
            )
        ]
        print(f"| {edits} | " + " | ".join(f"{rate:.1%}" for rate in rates) + " |")
    print(f"\ncurrent default: {Thresholds().max_edits}")

    # The letter model's margin: replies in the question's language, for a user who set none
    # (English when nothing tells). inf = the model off, marker words only.
    print("\n| letter margin | questions | holdout | blind2 |")
    print("| --- | --- | --- | --- |")
    for margin in (0.1, 0.2, 0.3, 0.5, 1.0, math.inf):
        detector = LanguageDetector(catalog, margin)
        rates = [
            sum((detector.detect(c.question) or "en") == c.language for c in cases) / len(cases)
            for cases in (sets["questions"], sets["questions_holdout"], sets["questions_blind2"])
        ]
        print(f"| {margin} | " + " | ".join(f"{rate:.1%}" for rate in rates) + " |")
    print(f"\ncurrent default: {LETTER_MARGIN}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
