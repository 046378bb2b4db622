"""Write requirements.lock: the runtime dependencies of pyproject.toml, resolved, pinned and
hashed, for the Docker image (`pip install --require-hashes`). `make lock` runs it; run it
again after changing the dependencies in pyproject.toml (tests/test_deployment.py checks the
two agree).

It asks pip to resolve the project without installing anything (--dry-run --report) and
writes each resolved distribution with the sha256 of the file pip chose; run it on the
platform of the image (Linux x86_64, CPython 3.11), so the binary wheels are the image's.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"
HEADER = """\
# The Docker image's exact dependencies, with hashes: generated from pyproject.toml by
# `make lock` (tools/lock.py); do not edit by hand. Linux x86_64, CPython 3.11.
"""


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "--dry-run",
                "--ignore-installed",
                "--quiet",
                "--report",
                str(report),
                str(ROOT),
            ],
            check=True,
        )
        resolved = json.loads(report.read_text(encoding="utf-8"))["install"]
    lines = [HEADER]
    for item in sorted(resolved, key=lambda i: i["metadata"]["name"].lower()):
        name, version = item["metadata"]["name"], item["metadata"]["version"]
        hashes = (item["download_info"].get("archive_info") or {}).get("hashes", {})
        if "sha256" not in hashes:
            continue  # the project itself (a local folder)
        lines.append(f"{name}=={version} \\\n    --hash=sha256:{hashes['sha256']}\n")
    LOCK.write_text("".join(lines), encoding="utf-8")
    print(f"wrote {LOCK} ({len(lines) - 1} packages)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
