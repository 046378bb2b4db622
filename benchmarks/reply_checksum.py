"""A sha256 over every reply the bot gives to the question and dialogue sets in tests/.

(benchmarks/checksum.py, from issue 13a, covers the question sets and checks that a compiled
engine answers as the one built from data/; this one adds the dialogues, turn by turn through
`converse`, and synthetic catalogs, for the search and answer optimisations.)

    python benchmarks/reply_checksum.py                 # the checksum and how many replies
    python benchmarks/reply_checksum.py --verbose       # also a short hash per reply
    python benchmarks/reply_checksum.py --events 10000  # a synthetic catalog, first pages

An optimisation must not change a single answer: print this before and after, the two must be
equal. Each reply counts with what a user sees of it (the first Telegram HTML page and the whole
plain-text reply, in the reply's language) and what the adapters act on (intent, event ids, the
replay token, the suggestions' tokens).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python benchmarks/x.py` puts only benchmarks/ on the path
    sys.path.insert(0, str(ROOT))

from benchmarks.core import synthetic_catalog  # noqa: E402
from bot.answering import Answerer  # noqa: E402
from bot.catalog.dialogue_set import is_dialogue_set, load_dialogue_set  # noqa: E402
from bot.catalog.question_set import load_question_set  # noqa: E402
from bot.conversation import Conversation  # noqa: E402
from bot.decision import Answer  # noqa: E402
from bot.paths import DEFAULT_DATA_DIR  # noqa: E402
from bot.rendering import render_html, render_text  # noqa: E402

TESTS = ROOT / "tests"


def reply_text(answer: Answer, answerer: Answerer, *, whole: bool = True) -> str:
    """Everything of one reply that an optimisation must leave as it was; without `whole`, the
    first page only (at 10,000 synthetic events a whole list is 10,000 lines)."""
    catalog = answerer.catalog
    suggestions = "|".join(f"{s.kind}:{s.token}" for s in answer.suggestions)
    return "\x1e".join(
        (
            answer.question,
            answer.language,
            answer.intent.value,
            ",".join(answer.event_ids),
            answer.token,
            suggestions,
            render_html(answer, catalog).text,
            render_text(answer, catalog) if whole else "",
        )
    )


def replies(
    answerer: Answerer, tests: Path = TESTS, *, whole: bool = True
) -> Iterator[tuple[str, str]]:
    """(where, reply) for every question of every set, and every turn of every dialogue."""
    for path in sorted(tests.glob("questions*.yaml")) + sorted(tests.glob("dialogues*.yaml")):
        if is_dialogue_set(path):
            for dialogue in load_dialogue_set(path):
                conversation = Conversation()
                for number, turn in enumerate(dialogue.turns, start=1):
                    answer, conversation = answerer.converse(turn.question, conversation)
                    where = f"{path.name} dialogue {dialogue.number} turn {number}"
                    yield where, reply_text(answer, answerer, whole=whole)
        else:
            for number, case in enumerate(load_question_set(path), start=1):
                answer = answerer.answer(case.question, case.user_language)
                yield f"{path.name} #{number}", reply_text(answer, answerer, whole=whole)


def checksum(
    answerer: Answerer, *, whole: bool = True, verbose: bool = False
) -> dict[str, str | int]:
    """The sha256 over all replies, in file order, and how many there were."""
    total = hashlib.sha256()
    count = 0
    for where, text in replies(answerer, whole=whole):
        encoded = text.encode("utf-8")
        total.update(len(encoded).to_bytes(8, "big"))
        total.update(encoded)
        count += 1
        if verbose:
            print(f"{hashlib.sha256(encoded).hexdigest()[:12]}  {where}")
    return {"sha256": total.hexdigest(), "replies": count}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--verbose", action="store_true", help="one hash per reply")
    parser.add_argument(
        "--events",
        type=int,
        default=0,
        help="answer over a synthetic catalog of this many events (first pages only)",
    )
    args = parser.parse_args(argv)
    answerer = Answerer.from_directory(DEFAULT_DATA_DIR)
    if args.events:
        answerer = Answerer(synthetic_catalog(answerer.catalog, args.events))
    result = checksum(answerer, whole=not args.events, verbose=args.verbose)
    where = f"{args.events:,} synthetic events" if args.events else "the real data"
    print(f"replies checksum {result['sha256']} over {result['replies']} replies, {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
