"""Whole-process figures: start to first answer, and peak memory of the terminal chat."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

CHAT_QUESTIONS = [
    "concerts in Brussels",
    "концерты в Брюсселе",
    "Брюсселдеги концерттер",
    "expositions à Gand",
    "concerten in Brussel",
    "how many medals",
    "cultural ties",
    "when was the violin competition",
    "events in 2017",
    "/lang ru",
    "what happened in Tokyo",
]


def _environment() -> dict[str, str]:
    """The caller's environment without a bot token, so `python -m bot` never goes online."""
    skip = {"TELEGRAM_BOT_TOKEN", "PYTHONDONTWRITEBYTECODE"}  # .pyc files as when deployed
    return {k: v for k, v in os.environ.items() if k not in skip}


def start_to_first_answer(root: Path, runs: int) -> dict[str, Any]:
    """Wall time of `python -m bot ask "concerts in brussels"`, median of `runs` (after one
    unmeasured run, so .pyc files exist as they would on a deployed bot)."""
    command = [sys.executable, "-m", "bot", "ask", "concerts in brussels"]
    env = _environment()
    subprocess.run(command, cwd=root, env=env, capture_output=True, check=True)
    times: list[float] = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(command, cwd=root, env=env, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
        if not done.stdout.strip():
            raise RuntimeError("`python -m bot ask` printed nothing")
    return {
        "command": " ".join(["python", *command[1:]]),
        "runs": runs,
        "median_s": round(statistics.median(times), 3),
        "min_s": round(min(times), 3),
        "max_s": round(max(times), 3),
    }


# The child reports its own peak: /proc/self/status's VmHWM belongs to the process image after
# exec. ru_maxrss from wait4 does not: Linux carries the forking parent's high-water mark over
# exec, so a benchmark that had loaded 10,000 events measured ~230 MB for a ~40 MB chat.
_REPORT_PEAK = """
import atexit, os, runpy, sys

def report():
    with open("/proc/self/status") as status, open(os.environ["PEAK_FILE"], "w") as out:
        out.write(next(line for line in status if line.startswith("VmHWM:")))

atexit.register(report)
sys.argv = ["bot", "chat"]
runpy.run_module("bot", run_name="__main__")
"""


def chat_peak_memory(root: Path) -> dict[str, Any]:
    """Peak RSS of `python -m bot chat` answering a few questions fed through stdin, as the
    chat process itself reports it when it exits (VmHWM, in kB)."""
    with tempfile.TemporaryFile() as errors, tempfile.NamedTemporaryFile("r") as peak:
        process = subprocess.Popen(
            [sys.executable, "-c", _REPORT_PEAK],
            cwd=root,
            env={**_environment(), "PEAK_FILE": peak.name},
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
        assert process.stdin is not None
        process.stdin.write(("\n".join(CHAT_QUESTIONS) + "\n").encode())
        process.stdin.close()
        if process.wait() != 0:
            errors.seek(0)
            message = errors.read().decode(errors="replace")
            raise RuntimeError(f"`python -m bot chat` exited with {process.returncode}: {message}")
        peak_kb = int(peak.read().split()[1])
    return {
        "command": "python -m bot chat",
        "questions": len(CHAT_QUESTIONS),
        "peak_rss_mb": round(peak_kb / 1024, 1),
    }
