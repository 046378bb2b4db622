"""Answer latency per question set, for the longest message, and at 1k/10k/100k synthetic events.

    python benchmarks/answer_speed.py                       # the sets and the long message
    python benchmarks/answer_speed.py --sizes 1000,10000,100000
    python benchmarks/answer_speed.py --root /tmp/main      # the same, for another checkout

Issue 13's goals: p50 ≤ 0.2 ms and p99 ≤ 2 ms on every set, a 4,096-character message ≤ 20 ms;
at 100,000 events p50 ≤ 1 ms and p99 ≤ 5 ms for questions with few results (one page), any
question's first page ≤ 10 ms, "latest"/"first" independent of the number of events. Each
sample is `answer` + `render_html` of the first page, after a warm-up pass. `--root` runs the
same measurements on another checkout (its bot/ and benchmarks/core.py), for before/after
comparisons interleaved on a shared machine. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _prepare_path(root: Path) -> None:
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))


FEW = 8  # "few results": they fit on one page (rendering's DEFAULT_PAGE_SIZE)
LATEST_FIRST = ("latest event", "the first event", "последнее мероприятие", "premier événement")


def _percentiles(samples: list[float], per_question: int = 0) -> dict[str, float]:
    """p50/p99/max of all samples; with `per_question` (samples come in rounds of that many
    questions) also p50/p99 of each question's fastest round: on a shared machine a question
    preempted once (a few ms, one time slice of another process) then counts at its own cost."""
    from benchmarks.stats import percentile

    ms = [s * 1000 for s in samples]
    if not ms:
        return {}
    result = {
        "n": len(ms),
        "p50_ms": round(percentile(ms, 50), 3),
        "p99_ms": round(percentile(ms, 99), 3),
        "max_ms": round(max(ms), 3),
    }
    if per_question and len(ms) >= per_question:
        best = [min(ms[i::per_question]) for i in range(per_question)]
        result["best_of_rounds_p50_ms"] = round(percentile(best, 50), 3)
        result["best_of_rounds_p99_ms"] = round(percentile(best, 99), 3)
        result["best_of_rounds_max_ms"] = round(max(best), 3)  # "any question", preemption aside
    return result


def _time_one(answerer: Any, question: str, user_language: str | None = None) -> tuple[float, int]:
    from bot.rendering import render_html

    clock = time.perf_counter
    start = clock()
    answer = answerer.answer(question, user_language)
    render_html(answer, answerer.catalog)
    return clock() - start, len(answer.event_ids)


def question_sets(answerer: Any, tests: Path, rounds: int) -> dict[str, Any]:
    """p50/p99 per set; dialogue turns are timed through `converse`, as the bot answers them."""
    from bot.catalog.dialogue_set import is_dialogue_set, load_dialogue_set
    from bot.catalog.question_set import load_question_set
    from bot.conversation import Conversation
    from bot.rendering import render_html

    results: dict[str, Any] = {}
    for path in sorted(tests.glob("questions*.yaml")) + sorted(tests.glob("dialogues*.yaml")):
        samples: list[float] = []
        per_round = 0
        if is_dialogue_set(path):
            dialogues = load_dialogue_set(path)
            for round_ in range(rounds + 1):
                for dialogue in dialogues:
                    conversation = Conversation()
                    for turn in dialogue.turns:
                        start = time.perf_counter()
                        answer, conversation = answerer.converse(turn.question, conversation)
                        render_html(answer, answerer.catalog)
                        if round_:  # round 0 warms up
                            samples.append(time.perf_counter() - start)
            per_round = sum(len(dialogue.turns) for dialogue in dialogues)
        else:
            cases = load_question_set(path)
            for case in cases:
                _time_one(answerer, case.question, case.user_language)
            for _ in range(rounds):
                samples += [_time_one(answerer, c.question, c.user_language)[0] for c in cases]
            per_round = len(cases)
        results[path.name] = _percentiles(samples, per_round)
    return results


def long_message(answerer: Any, tests: Path, runs: int) -> dict[str, Any]:
    """The longest message Telegram delivers: real questions of all languages run together."""
    from bot.catalog.question_set import load_question_set

    questions = [case.question for case in load_question_set(tests / "questions.yaml")]
    text = ""
    for question in questions:
        if len(text) >= 4096:
            break
        text += question + " "
    text = text[:4096]
    samples = [_time_one(answerer, text)[0] for _ in range(runs + 1)][1:]
    return {"chars": len(text), **_percentiles(samples)}


def synthetic(base: Any, size: int, tests: Path, rounds: int, stride: int) -> dict[str, Any]:
    """Every `stride`-th question of questions.yaml at `size` events, split by result size."""
    from benchmarks.core import synthetic_catalog
    from bot.answering import Answerer
    from bot.catalog.question_set import load_question_set

    catalog = synthetic_catalog(base, size)
    start = time.perf_counter()
    answerer = Answerer(catalog)
    build = time.perf_counter() - start
    cases = load_question_set(tests / "questions.yaml")[::stride]
    for case in cases:
        _time_one(answerer, case.question, case.user_language)
    every: list[float] = []
    few: list[float] = []
    slowest: list[tuple[float, str, int]] = []
    for _ in range(rounds):
        for case in cases:
            seconds, found = _time_one(answerer, case.question, case.user_language)
            every.append(seconds)
            if found <= FEW:
                few.append(seconds)
            slowest.append((seconds, case.question, found))
    slowest.sort(reverse=True)
    best: dict[str, tuple[float, int]] = {}
    for seconds, question, found in slowest:
        best[question] = min(best.get(question, (seconds, found)), (seconds, found))
    slowest_best = sorted(((s, q, n) for q, (s, n) in best.items()), reverse=True)
    latest = {
        question: round(
            statistics.median(_time_one(answerer, question)[0] for _ in range(7)) * 1000, 3
        )
        for question in LATEST_FIRST
    }
    return {
        "events": len(catalog.events),
        "build_s": round(build, 2),
        "all": _percentiles(every, len(cases)),
        "few_results": _percentiles(few, len(few) // max(1, rounds)),  # same ones each round
        "latest_first_ms": latest,
        "slowest": [
            {"ms": round(s * 1000, 2), "question": q, "results": n} for s, q, n in slowest[:5]
        ],
        "slowest_best_of_rounds": [
            {"ms": round(s * 1000, 2), "question": q, "results": n} for s, q, n in slowest_best[:5]
        ],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to measure")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over each set")
    parser.add_argument("--sizes", default="", help="synthetic sizes, e.g. 1000,10000,100000")
    parser.add_argument("--stride", type=int, default=1, help="every n-th question, synthetic")
    parser.add_argument("--no-sets", action="store_true", help="only the synthetic sizes")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    _prepare_path(root)
    from bot.answering import Answerer

    answerer = Answerer.from_directory(root / "data")
    tests = root / "tests"
    results: dict[str, Any] = {"root": str(root)}
    if not args.no_sets:
        results["sets"] = question_sets(answerer, tests, args.rounds)
        results["long_message"] = long_message(answerer, tests, 10)
    for size in (int(s) for s in args.sizes.split(",") if s):
        results[f"synthetic_{size}"] = synthetic(
            answerer.catalog, size, tests, args.rounds, args.stride
        )
    print(json.dumps(results, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
