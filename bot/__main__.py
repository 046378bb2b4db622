"""The command line: chat, ask, run, check-data, export, evaluate. Wires the parts only."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from bot.catalog.model import LANGUAGES
from bot.paths import DEFAULT_DATA_DIR

if TYPE_CHECKING:
    from bot.answering import Answerer
    from bot.decision import Answer

EXIT_DATA_ERROR = 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Kyrgyzstan–Belgium ties bot. Without a command: the Telegram bot when "
        "TELEGRAM_BOT_TOKEN is set, else the terminal chat.",
    )
    parser.add_argument(
        "--data",
        type=Path,
        help=f"data directory (default: BOT_DATA_DIR, else {DEFAULT_DATA_DIR.name}/)",
    )
    commands = parser.add_subparsers(dest="command")

    chat = commands.add_parser("chat", help="talk to the bot in this terminal")
    chat.add_argument(
        "--lang", choices=LANGUAGES, help="reply language when a question's is unclear"
    )

    ask = commands.add_parser("ask", help="answer one question, or one per stdin line")
    ask.add_argument("question", nargs="*", help="the question; none: read stdin line by line")
    ask.add_argument("--json", action="store_true", help="one JSON object per question")
    ask.add_argument("--lang", help="the user's language code (as Telegram's language_code)")
    ask.add_argument(
        "--dialog",
        action="store_true",
        help="stdin lines are one conversation; a line '---' starts a new one",
    )

    commands.add_parser("run", help="run the Telegram bot (needs TELEGRAM_BOT_TOKEN)")

    check = commands.add_parser("check-data", help="validate data/; exit 1 on problems")
    check.add_argument(
        "dir", nargs="?", type=Path, help="data directory (default: --data, BOT_DATA_DIR, data/)"
    )

    export = commands.add_parser(
        "export", help="all events as JSON or CSV, or the timeline picture as PNG or SVG"
    )
    export.add_argument("--format", choices=("json", "csv", "png", "svg"), default="json")
    export.add_argument("--lang", choices=LANGUAGES, default="en", help="the picture's language")
    export.add_argument(
        "--span", default="", help="the picture's events: '2015-2017', 'concerts' (default: all)"
    )
    export.add_argument("-o", "--output", type=Path, help="write here instead of stdout")

    qr = commands.add_parser("qr", help="a QR code (PNG) with the bot's t.me link")
    qr.add_argument("--username", required=True, help="the bot's username, e.g. KgBeTiesBot")
    qr.add_argument("--start", help="a start payload, e.g. an event id: opens that card")
    qr.add_argument("-o", "--output", type=Path, default=Path("qr.png"), help="PNG file")

    evaluate = commands.add_parser("evaluate", help="score the bot on a question set")
    evaluate.add_argument("questions", type=Path)
    evaluate.add_argument(
        "--min", type=float, default=0.0, help="fail below this exact-match rate"
    )
    evaluate.add_argument(
        "--min-facts",
        type=float,
        default=0.0,
        help="fail below this share of fact questions whose reply states the fact ('says')",
    )
    evaluate.add_argument(
        "--as-user",
        action="store_true",
        help="answer as a user whose Telegram language is each entry's lang",
    )
    evaluate.add_argument("--json", action="store_true", help="machine-readable report")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from bot.config import Folders

    args = _parser().parse_args(argv)
    command = args.command
    folders = Folders.from_env()
    data_dir: Path = args.data or folders.data_dir
    if command == "check-data":
        return _check_data(args.dir or data_dir)
    if command == "qr":
        return _qr(args.username, args.start, args.output)
    if command is None:
        from bot.config import Settings

        command = "run" if Settings.token_configured() else "chat"
    if command == "run":
        from bot.config import Settings
        from bot.telegram.app import run

        settings = Settings.from_env()
        if args.data is not None:
            settings = replace(settings, data_dir=args.data)
        return run(settings)

    answerer = _load(data_dir, folders.compiled_dir)
    if answerer is None:
        return EXIT_DATA_ERROR
    if command == "chat":
        from bot.terminal import main as chat_main

        return chat_main(answerer, getattr(args, "lang", None))
    if command == "ask":
        question = " ".join(args.question) if args.question else None
        if args.dialog:
            return _dialog(answerer, args.json, args.lang)
        return _ask(answerer, question, args.json, args.lang)
    if command == "export":
        if args.format in ("png", "svg"):
            return _export_picture(answerer, args.format, args.lang, args.span, args.output)
        from bot.catalog.export import export_events

        text = export_events(answerer.catalog, args.format)
        if args.output:
            args.output.write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
        return 0
    if command == "evaluate":
        from bot.evaluation import main as evaluate_main

        return evaluate_main(
            answerer,
            args.questions,
            args.min,
            as_json=args.json,
            minimum_facts=args.min_facts,
            as_user=args.as_user,
        )
    return 2


def _load(data_dir: Path, compiled_dir: Path) -> Answerer | None:
    """The Answerer for data_dir, compiled once per version of the data (bot/compiled.py)."""
    from bot.catalog import DataError
    from bot.compiled import load_answerer

    try:
        return load_answerer(data_dir, compiled_dir)
    except DataError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print(
            f"{len(error.problems)} problem(s) in {data_dir}; nothing was loaded.", file=sys.stderr
        )
        return None


def _export_picture(
    answerer: Answerer, fmt: str, language: str, span: str, output: Path | None
) -> int:
    """The timeline picture for slides: PNG or SVG, to a file or stdout."""
    from bot.pictures.selection import parse_selection
    from bot.pictures.timeline import draw_timeline

    selection = parse_selection(answerer.understander, span)
    if selection is None:
        print(f"--span {span!r}: give years (2015-2017) or a kind of event", file=sys.stderr)
        return 2
    picture = draw_timeline(answerer.catalog, language, selection, fmt)
    if picture is None:
        print(f"no events for --span {span!r}", file=sys.stderr)
        return 1
    if output:
        output.write_bytes(picture)
    else:
        sys.stdout.buffer.write(picture)
    return 0


def _qr(username: str, start: str | None, output: Path) -> int:
    """A QR code PNG with the bot's link, for the evening's screen."""
    from bot.qr import QrError, bot_link, qr_png

    try:
        link = bot_link(username, start)
    except QrError as error:
        print(error, file=sys.stderr)
        return 2
    output.write_bytes(qr_png(link))
    print(f"{output}: {link}")
    return 0


def _check_data(data_dir: Path) -> int:
    from bot.catalog import check_data

    problems = check_data(data_dir)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s).", file=sys.stderr)
        return EXIT_DATA_ERROR
    print(f"{data_dir}: OK")
    return 0


def _print_answer(answerer: Answerer, text: str, answer: Answer, as_json: bool) -> None:
    """One reply on stdout, flushed: a JSON line (page 1 as Telegram gets it) or plain text."""
    from bot.rendering import render_html, render_text

    if as_json:
        record = {
            "question": text,
            "lang": answer.language,
            "intent": answer.intent.value,
            "event_ids": list(answer.event_ids),
            "reply": render_html(answer, answerer.catalog).text,
        }
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(render_text(answer, answerer.catalog) + "\n")
    sys.stdout.flush()


def _ask(answerer: Answerer, question: str | None, as_json: bool, language: str | None) -> int:
    """One question from the arguments (even a blank one), else one per stdin line."""

    def one(text: str) -> None:
        _print_answer(answerer, text, answerer.answer(text, language), as_json)

    if question is not None or (not as_json and sys.stdin.isatty()):
        one(question or "")
        return 0
    for line in sys.stdin:
        one(line.rstrip("\r\n"))
    return 0


def _dialog(answerer: Answerer, as_json: bool, language: str | None) -> int:
    """One question per stdin line, each in the light of the ones before; `---` starts afresh."""
    from bot.conversation import Conversation

    conversation = Conversation()
    for line in sys.stdin:
        text = line.rstrip("\r\n")
        if text.strip() == DIALOG_BREAK:
            conversation = Conversation()
            continue
        answer, conversation = answerer.converse(text, conversation, language)
        _print_answer(answerer, text, answer, as_json)
    return 0


DIALOG_BREAK = "---"


if __name__ == "__main__":
    sys.exit(main())
