"""A checksum of every reply to every question in tests/questions*.yaml: an optimisation that
changes no answer leaves it as it was.

    python benchmarks/checksum.py [--data DIR]

Each question is answered as the user of its entry (its Telegram language when given) and
rendered as Telegram HTML (page 1) and as plain text; the checksum covers the language, intent,
event ids, replay token and suggestions' tokens, and both renderings. It prints the checksum of
the Answerer built from data/ and of the one loaded from its compiled file, and, for a copy of
data/ with its events split into data/events/YYYY.yaml, built with the per-file event cache,
rebuilt after one file was edited (the others from the cache) and after the edit was reverted:
all must agree.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python benchmarks/checksum.py` puts only benchmarks/ on the path
    sys.path.insert(0, str(ROOT))

from bot.answering import Answerer  # noqa: E402
from bot.catalog.question_set import load_question_set  # noqa: E402
from bot.compiled import Compiler, load_answerer  # noqa: E402
from bot.paths import DEFAULT_DATA_DIR  # noqa: E402
from bot.rendering import render_html, render_text  # noqa: E402

QUESTION_SETS = sorted((ROOT / "tests").glob("questions*.yaml"))


def replies_checksum(answerer: Answerer, sets: list[Path] = QUESTION_SETS) -> tuple[str, int]:
    """The sha256 of every reply (first 16 hex digits) and how many replies it covers."""
    digest = hashlib.sha256()
    count = 0
    catalog = answerer.catalog
    for path in sets:
        for case in load_question_set(path):
            answer = answerer.answer(case.question, case.user_language)
            html = render_html(answer, catalog)
            for part in (
                path.name,
                case.question,
                answer.language,
                ",".join(answer.event_ids),
                html.text,
                answer.intent.value,
                answer.token,
                "|".join(f"{s.kind}:{s.token}" for s in answer.suggestions),
                render_text(answer, catalog),
            ):
                digest.update(part.encode("utf-8"))
                digest.update(b"\0")
            count += 1
    return digest.hexdigest()[:16], count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR, help="data directory")
    args = parser.parse_args(argv)
    built, count = replies_checksum(Answerer.from_directory(args.data))
    with tempfile.TemporaryDirectory() as compiled:
        load_answerer(args.data, Path(compiled))  # builds and compiles
        loaded, _ = replies_checksum(load_answerer(args.data, Path(compiled)))
    print(f"replies checksum: {built} ({count} replies, built from {args.data})")
    print(f"replies checksum: {loaded} (loaded from its compiled file)")
    split = _split_checksums(args.data)
    for label, checksum in split.items():
        print(f"replies checksum: {checksum} (events split by year, {label})")
    return 0 if {built, loaded, *split.values()} == {built} else 1


def _split_checksums(data: Path) -> dict[str, str]:
    """The checksums of a copy of data/ with events.yaml's events moved to data/events/YYYY.yaml,
    built through the per-file event cache: fresh, after an edit of one file, reverted."""
    with tempfile.TemporaryDirectory() as scratch:
        split, compiled = Path(scratch) / "data", Path(scratch) / "compiled"
        shutil.copytree(data, split)
        document = yaml.safe_load((split / "events.yaml").read_text(encoding="utf-8"))
        by_year: dict[str, list[object]] = {}
        for event in document.pop("events", None) or []:
            by_year.setdefault(str(event["start"])[:4], []).append(event)
        if not by_year:  # already split: edit its own files
            files = sorted((split / "events").glob("*.yaml"))
        else:
            (split / "events.yaml").write_text(
                yaml.safe_dump(document, allow_unicode=True), encoding="utf-8"
            )
            (split / "events").mkdir(exist_ok=True)
            files = []
            for year, events in by_year.items():
                files.append(split / "events" / f"{year}.yaml")
                files[-1].write_text(
                    yaml.safe_dump({"events": events}, allow_unicode=True), encoding="utf-8"
                )
        results = {"fresh": replies_checksum(load_answerer(split, compiled))[0]}
        # as a running bot reloads: one Compiler, so the edit updates the last Answerer for the
        # events of the edited file (bot/incremental.py) rather than building one
        compiler = Compiler(compiled)
        compiler.load(split)
        edited = files[len(files) // 2]
        original = edited.read_text(encoding="utf-8")
        edited.write_text(original + "# a curator's note\n", encoding="utf-8")
        results[f"{edited.name} edited"] = replies_checksum(compiler.load(split))[0]
        edited.write_text(original, encoding="utf-8")
        results["edit reverted"] = replies_checksum(load_answerer(split, compiled))[0]
        return results


if __name__ == "__main__":
    sys.exit(main())
