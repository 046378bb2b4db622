"""`python -m bot run` as a real process whose output goes to files, not pipes.

A pipe nobody reads holds about 64 KB: after some 650 log lines (one per update) the bot's next
log line blocks, and the whole bot with it. A test with a long backlog then saw a bot that
stopped answering for as long as the test waited (the 1,500-question restart), a stall of the
harness, not of the bot. Files never fill up; `communicate()` reads them once the bot ended.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

_numbers = itertools.count(1)


class BotProcess(subprocess.Popen[str]):
    """`python -m bot run` with stdout and stderr in files under `log_dir`."""

    def __init__(self, env: Mapping[str, str], cwd: Path, log_dir: Path) -> None:
        log_dir.mkdir(parents=True, exist_ok=True)
        number = next(_numbers)
        self.out_path = log_dir / f"bot-{number}.out"
        self.err_path = log_dir / f"bot-{number}.err"
        self._files: list[IO[str]] = [
            self.out_path.open("w", encoding="utf-8"),
            self.err_path.open("w", encoding="utf-8"),
        ]
        super().__init__(
            [sys.executable, "-m", "bot", "run"],
            cwd=cwd,
            env=dict(env),
            stdout=self._files[0],
            stderr=self._files[1],
            text=True,
        )

    def communicate(self, input: Any = None, timeout: float | None = None) -> tuple[str, str]:
        """Wait for the end (TimeoutExpired after `timeout`), then what it wrote."""
        self.wait(timeout)
        for file in self._files:
            file.close()
        return (
            self.out_path.read_text(encoding="utf-8", errors="replace"),
            self.err_path.read_text(encoding="utf-8", errors="replace"),
        )
