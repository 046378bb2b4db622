"""A BM25 retriever over the same events, as a yardstick for the bot's rule-based core.

Documents: each event's titles, summaries and aliases in all five languages. A question gets
the events whose score reaches max(floor, ratio x best score); floor and ratio are tuned on the
question set itself for the best exact match, so BM25's figure is an optimistic upper bound.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from rank_bm25 import BM25Okapi

from benchmarks.stats import summary_ms
from bot.catalog.model import Catalog, Event
from bot.catalog.question_set import Case

_WORD = re.compile(r"\w+")
RATIOS = np.linspace(0.0, 1.0, 41)
FLOOR_CANDIDATES = 120


def tokenize(text: str) -> list[str]:
    """Lower-cased word characters in any script; no stemming, as a plain BM25 would do."""
    return _WORD.findall(text.lower())


def document(event: Event) -> list[str]:
    parts = [*event.title.values(), *event.summary.values(), *event.aliases]
    return tokenize(" ".join(parts))


@dataclass(frozen=True)
class Tuned:
    floor: float
    ratio: float
    exact: int


class Bm25Retriever:
    def __init__(self, catalog: Catalog) -> None:
        self.ids = [event.id for event in catalog.events]
        self.model = BM25Okapi([document(event) for event in catalog.events])
        self.floor = 0.0
        self.ratio = 1.0

    def scores(self, question: str) -> NDArray[np.float64]:
        tokens = tokenize(question)
        if not tokens:
            return np.zeros(len(self.ids))
        return np.asarray(self.model.get_scores(tokens), dtype=np.float64)

    def select(self, question: str) -> frozenset[str]:
        scores = self.scores(question)
        best = float(scores.max()) if len(scores) else 0.0
        cut = max(self.floor, self.ratio * best)
        return frozenset(i for i, s in zip(self.ids, scores, strict=True) if s > 0 and s >= cut)

    def tune(self, cases: Sequence[Case]) -> Tuned:
        """Grid search of (floor, ratio) for the most exact matches on `cases`."""
        matrix = np.vstack([self.scores(case.question) for case in cases])
        expected = np.array([[i in case.expected_ids for i in self.ids] for case in cases])
        best_row = matrix.max(axis=1, keepdims=True)
        positive = np.unique(matrix[matrix > 0])
        floors = np.unique(
            np.concatenate(
                [[0.0, np.inf], np.quantile(positive, np.linspace(0, 1, FLOOR_CANDIDATES))]
                if len(positive)
                else [[0.0]]
            )
        )
        tuned = Tuned(0.0, 1.0, -1)
        for floor in floors:
            for ratio in RATIOS:
                cut = np.maximum(floor, ratio * best_row)
                chosen = (matrix > 0) & (matrix >= cut)
                exact = int(np.all(chosen == expected, axis=1).sum())
                if exact > tuned.exact:
                    tuned = Tuned(float(floor), float(ratio), exact)
        self.floor, self.ratio = tuned.floor, tuned.ratio
        return tuned


def measure_bm25(
    catalog: Catalog, cases: Sequence[Case], rounds: int, held_out: Sequence[Case] = ()
) -> dict[str, Any]:
    """Exact match after tuning (and on held-out questions it was not tuned on), and the
    per-question time of scoring and selecting."""
    retriever = Bm25Retriever(catalog)
    tuned = retriever.tune(cases)
    samples: list[float] = []
    clock = time.perf_counter
    for _ in range(rounds):
        for case in cases:
            start = clock()
            retriever.select(case.question)
            samples.append(clock() - start)
    exact = sum(retriever.select(case.question) == case.expected_ids for case in cases)
    held = sum(retriever.select(case.question) == case.expected_ids for case in held_out)
    return {
        "documents": len(retriever.ids),
        "questions": len(cases),
        "floor": round(tuned.floor, 4),
        "ratio": round(tuned.ratio, 3),
        "exact_match": round(exact / len(cases), 4) if cases else 0.0,
        "held_out_questions": len(held_out),
        "held_out_exact_match": round(held / len(held_out), 4) if held_out else None,
        **summary_ms(samples),
    }
