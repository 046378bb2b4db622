"""The evening kit's costs: start-up and idle memory of the Telegram bot (which must not grow:
matplotlib and segno load only with the first picture), and the first /timeline's time and peak
memory. A script, not a test: run it by hand, compare with another checkout via --baseline.

    .venv/bin/python benchmarks/pictures.py [--baseline DIR] [--runs 7]

--baseline DIR runs the same start-up and idle measures on another checkout of the project (for
example `git archive main | tar -x -C /tmp/main`) with this interpreter, so the difference is
the code's alone.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The Telegram bot as it idles: its Application built (every handler module imported, the
# SQLite files opened), the data loaded, one question answered; then its RSS.
IDLE = """
import resource, sys, tempfile
from pathlib import Path
from bot.answering import Answerer
from bot.config import Secret, Settings
from bot.paths import DEFAULT_DATA_DIR
from bot.telegram.app import build_application
answerer = Answerer.from_directory(DEFAULT_DATA_DIR)
state = Path(tempfile.mkdtemp())
settings = Settings(token=Secret("123456789:AAHtestTOKENtestTOKENtestTOKENtest12"),
                    api_base_url="http://127.0.0.1:9/bot", state_dir=state)
build_application(settings, answerer)
answerer.answer("concerts in Brussels")
heavy = sorted({m.split(".")[0] for m in sys.modules} & {"matplotlib", "segno", "numpy", "PIL"})
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, ",".join(heavy) or "-")
"""

# The first /timeline: what PictureCache.timeline costs the first time (matplotlib imported,
# the figure drawn), the same picture again (cached), another language (drawn, library warm).
FIRST_TIMELINE = """
import json, resource, time
from bot.answering import Answerer
from bot.paths import DEFAULT_DATA_DIR
from bot.pictures.cache import PictureCache
from bot.pictures.selection import Selection
answerer = Answerer.from_directory(DEFAULT_DATA_DIR)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
cache = PictureCache()
t0 = time.perf_counter(); first = cache.timeline(answerer.catalog, "en", Selection())
t1 = time.perf_counter(); cache.timeline(answerer.catalog, "en", Selection())
t2 = time.perf_counter(); cache.timeline(answerer.catalog, "ru", Selection())
t3 = time.perf_counter()
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"first_s": t1 - t0, "cached_s": t2 - t1, "other_language_s": t3 - t2,
                  "rss_before_kb": before, "peak_rss_kb": after, "png_bytes": len(first)}))
"""


def _env(root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    env["PYTHONPATH"] = str(root)
    return env


def start_times(root: Path, runs: int) -> list[float]:
    command = [sys.executable, "-m", "bot", "ask", "concerts in brussels"]
    subprocess.run(command, cwd=root, env=_env(root), capture_output=True, check=True)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=root, env=_env(root), capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return times


def idle(root: Path, runs: int) -> tuple[list[float], str]:
    sizes, heavy = [], "-"
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", IDLE],
            cwd=root,
            env=_env(root),
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        sizes.append(int(out[0]) / 1024)
        heavy = out[1]
    return sizes, heavy


def measure(root: Path, runs: int) -> dict[str, object]:
    starts = start_times(root, runs)
    sizes, heavy = idle(root, runs)
    return {
        "start_median_s": round(statistics.median(starts), 3),
        "start_min_s": round(min(starts), 3),
        "start_max_s": round(max(starts), 3),
        "idle_rss_median_mb": round(statistics.median(sizes), 1),
        "idle_rss_min_mb": round(min(sizes), 1),
        "idle_rss_max_mb": round(max(sizes), 1),
        "heavy_modules_at_idle": heavy,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", type=Path, help="another checkout to compare with")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    report: dict[str, object] = {"this": measure(ROOT, args.runs)}
    if args.baseline:
        report["baseline"] = measure(args.baseline.resolve(), args.runs)
    firsts = [
        json.loads(
            subprocess.run(
                [sys.executable, "-c", FIRST_TIMELINE],
                cwd=ROOT,
                env=_env(ROOT),
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
        for _ in range(3)
    ]
    report["first_timeline"] = {
        "first_s_median": round(statistics.median(f["first_s"] for f in firsts), 3),
        "cached_ms_median": round(statistics.median(f["cached_s"] for f in firsts) * 1000, 3),
        "other_language_s_median": round(
            statistics.median(f["other_language_s"] for f in firsts), 3
        ),
        "rss_before_mb": round(statistics.median(f["rss_before_kb"] for f in firsts) / 1024, 1),
        "peak_rss_mb": round(statistics.median(f["peak_rss_kb"] for f in firsts) / 1024, 1),
        "png_kb": round(firsts[0]["png_bytes"] / 1024),
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
