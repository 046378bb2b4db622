"""Run every benchmark, print a Markdown table and write benchmarks/results.json.

    python benchmarks/run.py            # the full run, a few minutes
    python benchmarks/run.py --quick    # fewer rounds, under a minute

Not a test: timings depend on the machine, so the goals are reported (met / missed, by how
much) rather than asserted. Each part that fails is reported as an error; the others still run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python benchmarks/run.py` puts only benchmarks/ on the path
    sys.path.insert(0, str(ROOT))

from benchmarks.bm25 import measure_bm25  # noqa: E402
from benchmarks.core import measure_real, measure_synthetic  # noqa: E402
from benchmarks.processes import chat_peak_memory, start_to_first_answer  # noqa: E402
from benchmarks.reply_checksum import checksum  # noqa: E402
from benchmarks.scale import measure as measure_scale  # noqa: E402
from benchmarks.scale import table as scale_table  # noqa: E402
from bot.answering import Answerer  # noqa: E402
from bot.catalog.question_set import Case, load_question_set  # noqa: E402
from bot.evaluation import evaluate  # noqa: E402
from bot.paths import DEFAULT_DATA_DIR  # noqa: E402

QUESTIONS = ROOT / "tests" / "questions.yaml"
HELD_OUT = ROOT / "tests" / "questions_holdout.yaml"  # written blind to the lexicon
RESULTS = ROOT / "benchmarks" / "results.json"


@dataclass(frozen=True)
class Plan:
    """How much work each part does: the full run, or --quick."""

    real_rounds: int
    synthetic_1k_rounds: int
    synthetic_10k_rounds: int
    synthetic_10k_stride: int  # every n-th question at 10,000 events
    start_runs: int
    e2e_single: int
    e2e_each: int
    bm25_rounds: int
    scale_sizes: tuple[int, ...] = (0, 10_000, 100_000)  # benchmarks/scale.py; 0: real data


FULL = Plan(5, 3, 1, 1, 5, 300, 50, 5)
QUICK = Plan(1, 1, 1, 4, 3, 50, 10, 1, scale_sizes=(0, 1_000))


@dataclass(frozen=True)
class Goal:
    measure: str
    path: tuple[str, ...]  # where the value is in results
    limit: float
    unit: str
    at_least: bool = False  # True: higher is better

    def value(self, results: dict[str, Any]) -> float | None:
        node: Any = results
        for key in self.path:
            if not isinstance(node, dict) or key not in node:
                return None
            node = node[key]
        return float(node) if isinstance(node, int | float) else None

    def verdict(self, value: float | None) -> str:
        if value is None:
            return "not measured"
        met = value >= self.limit if self.at_least else value <= self.limit
        if met:
            return "met"
        gap = abs(value - self.limit)
        side = "short of" if self.at_least else "over"
        return f"**missed**: {gap:.3g} {self.unit} ({gap / self.limit:.0%}) {side} the goal"


GOALS = [
    # issue 13's goals; each set, the longest message and 100,000 events: answer_speed.py
    Goal("Answer p50, real data", ("core_real", "p50_ms"), 0.2, "ms"),
    Goal("Answer p99, real data", ("core_real", "p99_ms"), 2.0, "ms"),
    Goal("Answer p50, 10,000 events", ("core_10000", "p50_ms"), 10.0, "ms"),
    Goal("Start to first answer", ("start_to_first_answer", "median_s"), 0.5, "s"),
    Goal("Peak memory, terminal chat", ("chat_memory", "peak_rss_mb"), 80.0, "MB"),
    Goal(
        "Start to first answer, compiled, real data",
        ("scale", "real", "warm_start_median_s"),
        0.3,
        "s",
    ),
    Goal(
        "Start to first answer, 100,000 events",
        ("scale", "100000", "warm_start_median_s"),
        1.0,
        "s",
    ),
    Goal(
        "Reload, 100,000 events (data seen before)",
        ("scale", "100000", "reload_unchanged_s"),
        1.0,
        "s",
    ),
    Goal(
        "RSS at start, 100,000 events", ("scale", "100000", "warm_start_peak_rss_mb"), 120.0, "MB"
    ),
    Goal(
        "RSS once answered, 100,000 events built from data/",
        ("scale", "100000", "cold_start_rss_after_answer_mb"),
        120.0,
        "MB",
    ),
    Goal(
        "Replies/s end to end, 20 users",
        ("end_to_end", "twenty_users", "replies_per_s"),
        300.0,
        "replies/s",
        at_least=True,
    ),
]


def machine() -> dict[str, Any]:
    """What the figures were measured on, so anyone can compare with their own run."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        usable = os.cpu_count() or 0
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        commit = ""
    packages = {}
    for name in ("python-telegram-bot", "httpx", "rank-bm25", "rapidfuzz", "sniffio"):
        try:
            packages[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            packages[name] = "not installed"
    return {
        "nproc": usable,
        "cpu_count": os.cpu_count(),
        "cpu_model": cpu,
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "commit": commit,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "packages": packages,
    }


def attempt(name: str, part: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run one part, timing it; an error is recorded instead of ending the whole run."""
    print(f"… {name}", file=sys.stderr, flush=True)
    start = time.perf_counter()
    try:
        result = part()
    except Exception as error:  # one broken part must not hide the others
        traceback.print_exc()
        result = {"error": f"{type(error).__name__}: {error}"}
    result["took_s"] = round(time.perf_counter() - start, 1)
    return result


def end_to_end(answerer: Answerer, cases: list[Case], plan: Plan) -> dict[str, Any]:
    try:
        from benchmarks.end_to_end import measure_end_to_end
    except ImportError as error:  # the Telegram adapter or the fixture is not there
        return {"error": f"not available: {error}"}
    questions = [case.question for case in cases if case.question.strip()]
    return measure_end_to_end(
        answerer, questions, single=plan.e2e_single, concurrent_each=plan.e2e_each
    )


def run(plan: Plan) -> dict[str, Any]:
    answerer = Answerer.from_directory(DEFAULT_DATA_DIR)
    cases = load_question_set(QUESTIONS)
    held_out = load_question_set(HELD_OUT) if HELD_OUT.is_file() else []
    catalog = answerer.catalog
    results: dict[str, Any] = {"machine": machine(), "quick": plan is QUICK}
    # first: every optimisation must leave this as it was (benchmarks/reply_checksum.py)
    results["replies_checksum"] = attempt("replies checksum", lambda: checksum(answerer))
    results["core_real"] = attempt(
        "answer latency, real data", lambda: measure_real(answerer, cases, plan.real_rounds)
    )
    results["core_1000"] = attempt(
        "answer latency, 1,000 events",
        lambda: measure_synthetic(catalog, 1_000, cases, plan.synthetic_1k_rounds),
    )
    results["core_10000"] = attempt(
        "answer latency, 10,000 events",
        lambda: measure_synthetic(
            catalog, 10_000, cases[:: plan.synthetic_10k_stride], plan.synthetic_10k_rounds
        ),
    )
    results["start_to_first_answer"] = attempt(
        "start to first answer", lambda: start_to_first_answer(ROOT, plan.start_runs)
    )
    results["chat_memory"] = attempt("peak memory, terminal chat", lambda: chat_peak_memory(ROOT))
    results["scale"] = attempt(
        "start, reload and memory at scale (data/events/YYYY-MM.yaml)",
        lambda: {str(size or "real"): measure_scale(size, 3) for size in plan.scale_sizes},
    )
    results["end_to_end"] = attempt(
        "end to end through the Bot API fixture", lambda: end_to_end(answerer, cases, plan)
    )
    results["bot_accuracy"] = attempt(
        "bot exact match", lambda: evaluate(answerer, cases).overall.as_dict()
    )
    if held_out:
        results["bot_accuracy_held_out"] = attempt(
            "bot exact match, held-out questions",
            lambda: evaluate(answerer, held_out).overall.as_dict(),
        )
    results["bm25"] = attempt(
        "BM25 baseline", lambda: measure_bm25(catalog, cases, plan.bm25_rounds, held_out)
    )
    results["goals"] = [
        {
            "measure": goal.measure,
            "value": goal.value(results),
            "goal": f"{'≥' if goal.at_least else '≤'} {goal.limit:g} {goal.unit}",
            "unit": goal.unit,
            "verdict": goal.verdict(goal.value(results)),
        }
        for goal in GOALS
    ]
    return results


def _ms(part: dict[str, Any], key: str) -> str:
    value = part.get(key)
    return f"{value:.3f} ms" if isinstance(value, int | float) else "–"


def _rate(value: Any) -> str:
    return f"{value:.1%}" if isinstance(value, int | float) else "–"


def _error(part: dict[str, Any]) -> str:
    return f"error: {part['error']}" if "error" in part else ""


def table(results: dict[str, Any]) -> str:
    """The Markdown the README carries: goals, then the detail rows, then BM25 vs the bot."""
    m = results["machine"]
    lines = [
        f"Machine: {m['nproc']} CPU ({m['cpu_model']}), Python {m['python']} "
        f"({m['implementation']}), {m['platform']}; commit {m['commit'] or '?'}; "
        f"load average at start {m['load_average_at_start'][0]}"
        + ("; --quick run" if results.get("quick") else ""),
        "",
        "| Goal | Result | Target | Verdict |",
        "|---|---|---|---|",
    ]
    for goal in results["goals"]:
        value = goal["value"]
        shown = "–" if value is None else f"{value:g} {goal['unit']}"
        lines.append(f"| {goal['measure']} | {shown} | {goal['goal']} | {goal['verdict']} |")

    lines += [
        "",
        "| Measure | Events | Samples | p50 | p90 | p99 | max |",
        "|---|---|---|---|---|---|---|",
    ]
    for key, label in (
        ("core_real", "answer + render, real data"),
        ("core_1000", "answer + render, synthetic"),
        ("core_10000", "answer + render, synthetic"),
    ):
        part = results[key]
        if "error" in part:
            lines.append(f"| {label} | – | – | {_error(part)} | | | |")
            continue
        lines.append(
            f"| {label} | {part['events']:,} | {part['samples']:,} | {_ms(part, 'p50_ms')} | "
            f"{_ms(part, 'p90_ms')} | {_ms(part, 'p99_ms')} | {_ms(part, 'max_ms')} |"
        )
    e2e = results["end_to_end"]
    for key, label in (
        ("one_user", "end to end, 1 user"),
        ("twenty_users", "end to end, 20 users"),
    ):
        part = e2e.get(key, e2e)
        if "error" in part:
            lines.append(f"| {label} | – | – | {_error(part)} | | | |")
            continue
        lines.append(
            f"| {label}: {part['replies_per_s']:g} replies/s | 19 | {part['replies']:,} | "
            f"{_ms(part, 'p50_ms')} | {_ms(part, 'p90_ms')} | {_ms(part, 'p99_ms')} | "
            f"{_ms(part, 'max_ms')} |"
        )
    start = results["start_to_first_answer"]
    memory = results["chat_memory"]
    lines += [
        "",
        f"Start to first answer (`{start.get('command', 'python -m bot ask …')}`): "
        + (
            _error(start)
            or f"median {start['median_s']} s of {start['runs']} "
            f"(min {start['min_s']} s, max {start['max_s']} s)"
        ),
        f"Peak memory of `python -m bot chat` after {memory.get('questions', '?')} questions: "
        + (_error(memory) or f"{memory['peak_rss_mb']} MB RSS"),
        "",
    ]
    scale = results.get("scale", {})
    lines += [_error(scale)] if "error" in scale else scale_table(scale)

    replies = results.get("replies_checksum", {})
    lines.append(
        "Replies checksum (`benchmarks/reply_checksum.py`, must not move with an optimisation): "
        + (_error(replies) or f"sha256 {replies['sha256']} over {replies['replies']} replies")
    )

    bot, bm25, real = results["bot_accuracy"], results["bm25"], results["core_real"]
    held = results.get("bot_accuracy_held_out", {})
    lines += [
        "",
        "| Retriever | Exact match, question set | Exact match, held-out | p50 | p99 |",
        "|---|---|---|---|---|",
    ]
    if "error" not in bot:
        lines.append(
            f"| the bot (rules over the lexicon; answer + render) | {bot['exact_match']:.1%} | "
            f"{_rate(held.get('exact_match'))} | {_ms(real, 'p50_ms')} | "
            f"{_ms(real, 'p99_ms')} |"
        )
    if "error" in bm25:
        lines.append(f"| BM25 | {_error(bm25)} | | | |")
    else:
        lines.append(
            f"| BM25 (rank-bm25; score ≥ max({bm25['floor']:g}, {bm25['ratio']:g} × best), "
            f"tuned on the question set) | {bm25['exact_match']:.1%} | "
            f"{_rate(bm25.get('held_out_exact_match'))} | {_ms(bm25, 'p50_ms')} | "
            f"{_ms(bm25, 'p99_ms')} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="fewer rounds, under a minute")
    parser.add_argument("--output", type=Path, default=RESULTS, help="where to write JSON")
    args = parser.parse_args(argv)
    results = run(QUICK if args.quick else FULL)
    args.output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", "utf-8")
    print(table(results))
    print(f"\n(results written to {args.output})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
