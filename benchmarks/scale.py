"""Start, reload and memory with a big catalog written as curators would: data/events/*.yaml.

    python benchmarks/scale.py                     # the real data, 10,000 and 100,000 events
    python benchmarks/scale.py --events 100000     # one size only (0: the real data)

For each size it writes a temporary data/ (a copy of the real one; the synthetic events in
data/events/, one file per month), then measures as a deployment would see it:

- cold start: `python -m bot --data DIR ask ...` with an empty BOT_STATE_DIR (builds and
  compiles the data, as the first start after an edit does);
- warm start to first answer: the same command again, until its answer is on stdout (median of
  a few runs; the exit, after, is reported apart), and its peak RSS (VmHWM, as the process itself
  reports it) and its RSS once the answer is made (VmRSS); both also for the cold start;
- reload: a DataReloader's forced reload of unchanged data (what the watcher or /reload does
  when the files were touched but are the same) and after an event was added to one month's
  file: from the reload's start to the card of the new event answered from the new data (the
  compiled file for next time is written after that, in a thread; when it is done is printed
  apart).

The synthetic events follow benchmarks/core.py's synthetic_catalog: clones of the real events
with new ids, years cycled 1990-2030, cities and categories cycled through the lexicon, no
aliases, venue or mentions. To keep 100,000 events at a size a disk and the cold build can bear
(about 100 MB, not 400), a clone's summary is its title: the texts are synthetic, which is fine
for timing. Not a test: timings depend on the machine and its load, printed with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python benchmarks/scale.py` puts only benchmarks/ on the path
    sys.path.insert(0, str(ROOT))

from benchmarks.core import FIRST_SYNTHETIC_YEAR, LAST_SYNTHETIC_YEAR  # noqa: E402
from bot.catalog import load_catalog  # noqa: E402
from bot.catalog.model import Catalog, Event  # noqa: E402
from bot.paths import DEFAULT_DATA_DIR  # noqa: E402
from bot.reloading import DataReloader  # noqa: E402

QUESTION = "concerts in brussels"
SIZES = (0, 10_000, 100_000)

# The child reports its own peak (see benchmarks/processes.py for why not ru_maxrss).
# Its RSS after the answer is taken at its first write to stdout (the answer, rendered): at
# exit the engine is already freed.
_REPORT_PEAK = """
import atexit, os, runpy, sys

def status(*names):
    with open("/proc/self/status") as status:
        return [line for line in status if line.startswith(names)]

answered = []
write = sys.stdout.write

def first_write(text):
    if not answered:
        answered.extend(status("VmRSS:"))
    return write(text)

def report():
    with open(os.environ["PEAK_FILE"], "w") as out:
        out.writelines(status("VmHWM:") + answered)

sys.stdout.write = first_write
atexit.register(report)
sys.argv = ["bot", *sys.argv[1:]]
runpy.run_module("bot", run_name="__main__")
"""


def synthetic_events(base: Catalog, size: int) -> Iterator[dict[str, Any]]:
    """`size - len(base.events)` clones as data/events entries (plain values, ready to write)."""
    cities = [place.id for place in base.places if place.kind == "city"]
    categories = [category.id for category in base.categories]
    span = LAST_SYNTHETIC_YEAR - FIRST_SYNTHETIC_YEAR + 1
    for n in range(max(0, size - len(base.events))):
        source = base.events[n % len(base.events)]
        year = FIRST_SYNTHETIC_YEAR + n % span
        yield _entry(source, n, year, cities[n % len(cities)], categories[n % len(categories)])


def _entry(source: Event, n: int, year: int, city: str, category: str) -> dict[str, Any]:
    start = source.start
    shift = year - start.year
    entry: dict[str, Any] = {
        "id": f"{year:04d}-{start.month:02d}-synthetic-{n:06d}",
        "start": _date(year, start.month, start.day),
        "status": source.status.value,
        "section": source.section,
        "categories": [category],
        "cities": [city],
        "title": dict(source.title),
        "summary": dict(source.title),
        "source": source.source,
    }
    if source.end is not None:
        entry["end"] = _date(source.end.year + shift, source.end.month, source.end.day)
    if source.short_title:
        entry["short_title"] = dict(source.short_title)
    if source.facts:
        entry["facts"] = [
            {"kind": f.kind, "value": f.value, **({"approximate": True} if f.approximate else {})}
            for f in source.facts
        ]
    if source.country_unknown:
        entry["cities"] = []
        entry["country_unknown"] = True
    return entry


def _date(year: int, month: int, day: int | None) -> str:
    if day is not None and month == 2 and day == 29 and year % 4:  # no 29 February that year
        day = 28
    return f"{year:04d}-{month:02d}" + (f"-{day:02d}" if day is not None else "")


def write_data(target: Path, size: int) -> dict[str, Any]:
    """A copy of the real data/ plus synthetic events in data/events/YYYY-MM.yaml (JSON flow
    lines, which are YAML: written fast, read by the same loader as any curator's file)."""
    started = time.perf_counter()
    shutil.copytree(DEFAULT_DATA_DIR, target)
    by_month: dict[str, list[str]] = defaultdict(list)
    base = load_catalog(DEFAULT_DATA_DIR)
    for entry in synthetic_events(base, size):
        by_month[entry["start"][:7]].append(json.dumps(entry, ensure_ascii=False))
    folder = target / "events"
    if by_month:
        folder.mkdir()
    for month, lines in by_month.items():
        text = "events:\n" + "".join(f"  - {line}\n" for line in lines)
        (folder / f"{month}.yaml").write_text(text, encoding="utf-8")
    total = sum(p.stat().st_size for p in target.rglob("*") if p.is_file())
    return {
        "events": max(size, len(base.events)),
        "files": len(by_month),
        "megabytes": round(total / 1e6, 1),
        "write_s": round(time.perf_counter() - started, 1),
    }


def _run(data: Path, state: Path, peak: Path | None = None) -> tuple[float, float]:
    """One `python -m bot --data DATA ask QUESTION` with BOT_STATE_DIR=STATE: seconds to its
    answer on stdout (what a user waits for), and to its exit (freeing a few million objects
    at exit takes a while too, after the answer)."""
    env = {k: v for k, v in os.environ.items() if k not in ("TELEGRAM_BOT_TOKEN", "BOT_DATA_DIR")}
    env["BOT_STATE_DIR"] = str(state)
    args = ["--data", str(data), "ask", QUESTION]
    if peak is not None:
        command = [sys.executable, "-c", _REPORT_PEAK, *args]
        env["PEAK_FILE"] = str(peak)
    else:
        command = [sys.executable, "-m", "bot", *args]
    started = time.perf_counter()
    with subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        first = process.stdout.readline()
        answered = time.perf_counter() - started
        process.stdout.read()
        errors = process.stderr.read()
        code = process.wait()
    if code != 0 or not first.strip():
        raise RuntimeError(f"`python -m bot ask` failed ({code}): {errors[-500:]}")
    return answered, time.perf_counter() - started


def _memory(report: Path) -> dict[str, float]:
    """The child's peak (VmHWM) and its resident size once it had its answer (VmRSS), MB."""
    fields = (line.split() for line in report.read_text().splitlines())
    return {name.rstrip(":"): round(int(kb) / 1024, 1) for name, kb, *_ in fields}


def _edit_one_month(data: Path) -> str:
    """Add an event to one month's file, as a curator's everyday edit does: a copy of the
    file's first event under a new id. Returns that id."""
    files = sorted((data / "events").glob("*.yaml"))
    if not files:  # the real data: an edit of events.yaml, which has no such simple lines
        path = data / "events.yaml"
        path.write_text(path.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
        return ""
    path = files[len(files) // 2]
    text = path.read_text(encoding="utf-8")
    entry = json.loads(text.splitlines()[1].removeprefix("  - "))
    entry["id"] = f"{entry['id']}-added"
    path.write_text(f"{text}  - {json.dumps(entry, ensure_ascii=False)}\n", encoding="utf-8")
    return str(entry["id"])


def measure(size: int, runs: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bot-scale-") as scratch:
        data, state = Path(scratch) / "data", Path(scratch) / "state"
        result: dict[str, Any] = {"load_average_at_start": os.getloadavg()[0]}
        result.update(write_data(data, size))
        peak = Path(scratch) / "peak"
        result["cold_start_s"] = round(_run(data, state, peak)[0], 3)
        memory = _memory(peak)
        result["cold_start_peak_rss_mb"] = memory["VmHWM"]
        result["cold_start_rss_after_answer_mb"] = memory["VmRSS"]
        warm = [_run(data, state) for _ in range(runs)]
        result["warm_start_median_s"] = round(statistics.median(a for a, _ in warm), 3)
        result["warm_start_min_s"] = round(min(a for a, _ in warm), 3)
        result["warm_exit_median_s"] = round(statistics.median(e for _, e in warm), 3)
        _run(data, state, peak)
        memory = _memory(peak)
        result["warm_start_peak_rss_mb"] = memory["VmHWM"]
        result["warm_start_rss_after_answer_mb"] = memory["VmRSS"]
        compiled = state / "compiled"
        started = time.perf_counter()
        reloader = DataReloader(data, compiled_dir=compiled, poll_seconds=0)
        result["reloader_start_s"] = round(time.perf_counter() - started, 3)
        started = time.perf_counter()
        reloader.reload()
        result["reload_unchanged_s"] = round(time.perf_counter() - started, 3)
        reloader.wait_compiled()
        added = _edit_one_month(data)
        started, cpu = time.perf_counter(), time.thread_time()
        outcome = reloader.reload()
        # until an answer from the new data, the new event in it: the compiled file is
        # written after the swap, in a thread, and must not hold the answer up either
        assert not added or reloader.current.card(added, "en") is not None, "edit not visible"
        result["reload_after_edit_s"] = round(time.perf_counter() - started, 3)
        result["reload_after_edit_cpu_s"] = round(time.thread_time() - cpu, 3)  # this thread's
        result["reload_after_edit_status"] = outcome.status.value
        reloader.wait_compiled()
        result["compiled_written_after_s"] = round(time.perf_counter() - started, 3)
        result["load_average_at_end"] = os.getloadavg()[0]
        return result


def table(results: dict[str, Any]) -> list[str]:
    """Markdown rows: one per size."""
    lines = [
        "| Data | Events | Files | MB | Cold start | Start to first answer | Peak RSS | "
        "Reload, same data | Reload after an edit |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, part in results.items():
        if not isinstance(part, dict) or "events" not in part:
            continue
        lines.append(
            f"| {name} | {part['events']:,} | {part['files']} | {part['megabytes']} | "
            f"{part['cold_start_s']} s | {part['warm_start_median_s']} s | "
            f"{part['warm_start_peak_rss_mb']} MB | {part['reload_unchanged_s']} s | "
            f"{part['reload_after_edit_s']} s |"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--events", type=int, action="append", help="sizes (0: the real data)")
    parser.add_argument("--runs", type=int, default=3, help="warm starts per size")
    args = parser.parse_args(argv)
    results = {}
    for size in args.events or SIZES:
        print(f"… {size or 'real'} events", file=sys.stderr, flush=True)
        results[str(size or "real")] = part = measure(size, args.runs)
        print(json.dumps({str(size or "real"): part}), flush=True)
    print("\n".join(table(results)))
    return 0 if results else 1


if __name__ == "__main__":
    sys.exit(main())
