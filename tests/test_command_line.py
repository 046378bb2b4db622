"""The command line as a person or a script uses it: `python -m bot ask|chat|export|check-data`."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import bot.paths
from bot.__main__ import main

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """The command line in this process: the same `main` that `python -m bot` calls.

    In-process because a new interpreter per test costs half a second of start-up; the entry
    point itself is run as a real process by the tests of broken data below."""
    data = str(bot.paths.DEFAULT_DATA_DIR)
    argv = ["--data", data, *args]
    stdout, stderr = io.StringIO(), io.StringIO()
    real_stdin = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            code = main(argv)
    finally:
        sys.stdin = real_stdin
    return subprocess.CompletedProcess(argv, code, stdout.getvalue(), stderr.getvalue())


def test_ask_json_reads_stdin_and_answers_every_line_in_order() -> None:
    lines = [
        "which concerts were there in brussels in 2015",
        "",
        "qwpoeiruty",
        "что было в 2017",
        "   ",
    ]
    result = run("ask", "--json", "--lang", "ky", stdin="\n".join(lines) + "\n")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.returncode == 0
    assert [r["question"] for r in records] == [line for line in lines]
    for record in records:
        assert set(record) == {"question", "lang", "intent", "event_ids", "reply"}
        assert record["reply"]
    assert records[0]["event_ids"] == ["2015-06-ak-maral-bozar"]
    assert records[0]["lang"] == "en"
    assert records[1]["event_ids"] == [] and records[2]["event_ids"] == []
    assert records[2]["lang"] == "ky"  # garbage: the user's language
    assert records[3]["lang"] == "ru" and len(records[3]["event_ids"]) == 6


def test_ask_json_lists_every_matching_event_not_only_the_first_page() -> None:
    result = run("ask", "--json", "all events")
    record = json.loads(result.stdout)
    assert len(record["event_ids"]) == 19
    assert record["reply"].count("•") < 19  # page 1 only


def test_ask_prints_a_plain_reply() -> None:
    result = run("ask", "when was the Aitmatov concert")
    assert result.returncode == 0
    assert "12 December 2015" in result.stdout
    assert "<b>" not in result.stdout


@pytest.mark.parametrize("leave", ["/quit", "quit", "Exit", "/q"])
def test_chat_answers_until_quit(leave: str) -> None:
    result = run("chat", stdin=f"концерты в Брюсселе\n{leave}\nnever read\n")
    assert result.returncode == 0
    assert "Брюссель" in result.stdout
    assert "never read" not in result.stdout


def test_ask_dialog_keeps_context_and_a_dash_line_starts_afresh() -> None:
    lines = ["концерты в 2015", "а в 2016?", "---", "the second one", "all events", "more"]
    result = run("ask", "--json", "--dialog", stdin="\n".join(lines) + "\n")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.returncode == 0
    assert [r["question"] for r in records] == [q for q in lines if q != "---"]
    first, fragment, dangling, everything, more = records
    assert fragment["lang"] == "ru" and fragment["event_ids"]
    assert set(fragment["event_ids"]).isdisjoint(first["event_ids"])  # 2016, not 2015
    assert dangling["intent"] == "which_one" and dangling["event_ids"] == []
    assert more["event_ids"] == everything["event_ids"]  # the list's full set
    assert more["reply"] != everything["reply"]  # the next page


def test_chat_follows_up_on_its_own_answers() -> None:
    result = run("chat", stdin="what happened in 2015\nthe second one\nwho organised it?\n")
    lines = result.stdout.splitlines()
    assert result.returncode == 0
    card = lines.index("“Melodies of Heavenly Mountains”: Ak Maral at BOZAR, Brussels")
    assert lines[card + 1] == "📅 Date: June 2015"  # the second of 2015's list, as a card
    about = lines.index("The source does not say who organised it.", card)
    assert lines[about + 1].startswith("“Melodies of Heavenly Mountains”")  # "it" is that one


def test_export_json_has_every_event_at_the_seeds_precision() -> None:
    result = run("export", "--format", "json")
    events = {e["id"]: e for e in json.loads(result.stdout)}
    assert len(events) == 19
    assert events["2015-06-ak-maral-bozar"]["start"] == "2015-06"
    assert events["2017-04-mooov-centaur"]["end"] == "2017-04-30"
    assert events["2015-10-acafk-concert"]["cities"] == []
    assert events["2017-09-foreign-ministry-conference"]["status"] == "planned"
    assert set(events["2017-03-nooruz-ghent"]["title"]) == {"en", "ru", "ky", "fr", "nl"}


def test_export_csv_has_a_row_per_event() -> None:
    result = run("export", "--format", "csv")
    assert len(result.stdout.strip().splitlines()) == 20  # header + 19


def test_check_data_is_clean_on_the_real_data() -> None:
    result = run("check-data", str(bot.paths.DEFAULT_DATA_DIR))
    assert result.returncode == 0, result.stdout


def test_check_data_names_file_and_line_of_each_problem(tmp_path: Path) -> None:
    broken = tmp_path / "data"
    subprocess.run(["cp", "-r", str(bot.paths.DEFAULT_DATA_DIR), str(broken)], check=True)
    events = broken / "events.yaml"
    text = events.read_text(encoding="utf-8")
    events.write_text(text.replace("categories: [concert]", "categories: [concrt]", 1), "utf-8")
    result = run("check-data", str(broken))
    assert result.returncode == 1
    line = next(x for x in result.stdout.splitlines() if "concrt" in x)
    assert line.startswith("data/events.yaml:") and "concert" in line


@pytest.mark.parametrize("command", [["ask", "--json", "x"], ["export"]])
def test_broken_data_gives_file_line_errors_not_a_traceback(
    tmp_path: Path, command: list[str]
) -> None:
    broken = tmp_path / "data"
    subprocess.run(["cp", "-r", str(bot.paths.DEFAULT_DATA_DIR), str(broken)], check=True)
    (broken / "events.yaml").write_text("events: [\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--data", str(broken), *command],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 1
    assert "events.yaml:" in result.stderr and "Traceback" not in result.stderr


def test_bot_data_dir_points_every_command_at_another_data_folder(tmp_path: Path) -> None:
    other = tmp_path / "other-data"
    subprocess.run(
        ["cp", "-r", str(ROOT / "tests" / "fixtures" / "minimal"), str(other)], check=True
    )
    env = {**os.environ, "BOT_DATA_DIR": str(other), "BOT_STATE_DIR": str(tmp_path / "state")}

    def run_bot(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", *args],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
            timeout=60,
            check=False,
        )

    asked = run_bot("ask", "--json", "exhibitions in ghent")
    assert json.loads(asked.stdout)["event_ids"] == ["2015-09-kallens-exhibition-ghent"]
    assert (tmp_path / "state" / "compiled").is_dir()  # compiled under BOT_STATE_DIR
    exported = json.loads(run_bot("export").stdout)
    assert len(exported) == 3  # the minimal data's events, not the real ones
    # check-data reads it too, and --data wins over it
    empty = tmp_path / "empty"
    empty.mkdir()
    checked = run_bot("--data", str(empty), "check-data")
    assert checked.returncode == 1 and "empty/events.yaml:1:" in checked.stdout
