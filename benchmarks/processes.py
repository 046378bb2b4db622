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


def chat_peak_memory(root: Path) -> dict[str, Any]:
    """Peak RSS of `python -m bot chat` answering a few questions fed through stdin.

    os.wait4 gives the rusage of exactly this child (RUSAGE_CHILDREN would mix in the start-up
    runs); ru_maxrss is in KiB on Linux.
    """
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "chat"],
            cwd=root,
            env=_environment(),
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
        assert process.stdin is not None
        process.stdin.write(("\n".join(CHAT_QUESTIONS) + "\n").encode())
        process.stdin.close()
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            errors.seek(0)
            message = errors.read().decode(errors="replace")
            raise RuntimeError(f"`python -m bot chat` exited with {process.returncode}: {message}")
    return {
        "command": "python -m bot chat",
        "questions": len(CHAT_QUESTIONS),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
    }
