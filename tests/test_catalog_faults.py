"""Data faults beyond tests/fixtures/broken: live edits into each broken fixture, and the files an
editor or a copy-paste can produce (a BOM, CRLF, UTF-16, NUL bytes, comments only, a folder, YAML
nested thousands deep).

test_catalog_broken.py already proves the file:line message of every fixture (YAML syntax,
wrong types, duplicate ids, unknown category, impossible dates, missing translations, a 10 MB
file, non-UTF-8, an empty file) and test_reloading.py a handful of damaged events.yaml files on
reload. Here every fixture is saved over clean data while the bot runs: the reload reports the
fixture's problems and the bot keeps answering from the previous data.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from bot.catalog import DataError, check_data, load_catalog
from bot.catalog.yamldoc import MAX_DEPTH
from bot.reloading import DataReloader, ReloadStatus
from tests.test_catalog_broken import BROKEN, data_dir, expected_blocks

AK_MARAL = "2015-06-ak-maral-bozar"


def save_over(overlay: Path, data: Path) -> None:
    """Copy a broken fixture's files over data/ as a curator's editor would save them."""
    later = time.time() + 5  # clearly newer, whatever the file system's clock resolution
    for path in overlay.rglob("*"):
        if path.is_file() and path.name != "expected.txt":
            target = data / path.relative_to(overlay)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            os.utime(target, (later, later))


def reloader_for(data: Path, compiled_dir: Path) -> DataReloader:
    """A reloader whose clock runs a minute ahead: every change has already settled."""
    return DataReloader(data, clock=lambda: time.time() + 60, compiled_dir=compiled_dir)


@pytest.mark.parametrize("case", BROKEN, ids=[case.name for case in BROKEN])
def test_a_live_edit_into_each_broken_fixture_keeps_the_bot_answering(
    case: Path, tmp_path: Path, compiled_dir: Path
) -> None:
    data = data_dir(tmp_path)
    reloader = reloader_for(data, compiled_dir)
    before = reloader.current
    asked = before.answer("concerts in brussels")
    assert asked.event_ids == (AK_MARAL,)

    save_over(case, data)
    result = reloader.check()

    assert result.status is ReloadStatus.INVALID
    heads = [head for head, _ in expected_blocks(case)]
    assert len(result.problems) == len(heads), result.problems
    for head in heads:
        assert any(problem.startswith(head) for problem in result.problems), (head, result)
    assert reloader.current is before
    assert reloader.current.answer("concerts in brussels") == asked
    assert reloader.problems == result.problems  # what /stats and the admins are shown


@pytest.mark.parametrize("case", BROKEN, ids=[case.name for case in BROKEN])
def test_starting_with_each_broken_fixture_refuses_with_its_problems(
    case: Path, tmp_path: Path
) -> None:
    """test_catalog_broken.py tries load_catalog on three fixtures; here on all of them."""
    with pytest.raises(DataError) as raised:
        load_catalog(data_dir(tmp_path, case))
    heads = [head for head, _ in expected_blocks(case)]
    assert [str(p) for p in raised.value.problems if any(str(p).startswith(h) for h in heads)]


# --------------------------------------------------------------------- what editors produce


def test_a_utf8_bom_and_windows_line_endings_load_as_they_are(tmp_path: Path) -> None:
    data = data_dir(tmp_path)
    events = data / "events.yaml"
    events.write_bytes(b"\xef\xbb\xbf" + events.read_bytes().replace(b"\n", b"\r\n"))
    ru = data / "locales" / "ru.yaml"
    ru.write_bytes(b"\xef\xbb\xbf" + ru.read_bytes())
    assert check_data(data) == []
    assert load_catalog(data).event(AK_MARAL) is not None


def test_windows_line_endings_keep_the_line_numbers(tmp_path: Path) -> None:
    data = data_dir(tmp_path)
    events = data / "events.yaml"
    text = events.read_text(encoding="utf-8").replace("categories: [concert]", "categories: [x]")
    events.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    [problem] = check_data(data)
    assert str(problem).startswith("data/events.yaml:23: ")


def test_a_utf16_file_is_named_as_not_utf8(tmp_path: Path) -> None:
    data = data_dir(tmp_path)
    events = data / "events.yaml"
    events.write_bytes(events.read_text(encoding="utf-8").encode("utf-16"))
    [problem] = check_data(data)
    assert str(problem).startswith("data/events.yaml:1: the file is not UTF-8 text")


@pytest.mark.parametrize(
    "content",
    ["# nothing here yet\n\n   \n", "   \n\n", "\n"],
    ids=["comments-only", "spaces-only", "one-newline"],
)
def test_a_file_with_nothing_in_it_is_empty(tmp_path: Path, content: str) -> None:
    data = data_dir(tmp_path)
    (data / "lexicon" / "facts.yaml").write_text(content, encoding="utf-8")
    [problem] = check_data(data)
    assert str(problem).startswith("data/lexicon/facts.yaml:1: the file is empty")
    assert "facts:" in str(problem)


def test_a_folder_where_a_file_should_be_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    data = data_dir(tmp_path)
    (data / "lexicon" / "months.yaml").unlink()
    (data / "lexicon" / "months.yaml").mkdir()
    [problem] = check_data(data)
    assert str(problem).startswith("data/lexicon/months.yaml:1: ")


def test_a_nul_byte_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    data = data_dir(tmp_path)
    events = data / "events.yaml"
    events.write_bytes(events.read_bytes().replace(b"status: held", b"status: he\x00ld", 1))
    [problem] = check_data(data)
    assert problem.file == "data/events.yaml"


def test_a_nul_byte_is_reported_at_its_line(tmp_path: Path) -> None:
    """yaml.ReaderError has no line mark, only the character's index: the line comes from it."""
    data = data_dir(tmp_path)
    events = data / "events.yaml"
    text = events.read_bytes()
    line = text[: text.index(b"status: held")].count(b"\n") + 1
    events.write_bytes(text.replace(b"status: held", b"status: he\x00ld", 1))
    [problem] = check_data(data)
    assert problem.line == line
    column = len(text.splitlines()[line - 1].split(b"status: held")[0]) + len("status: he") + 1
    assert f"a NUL character (U+0000) in column {column}" in problem.message
    assert "delete it" in problem.message
    assert "position" not in problem.message  # yaml's character index means nothing to a curator


@pytest.mark.parametrize(
    ("char", "named"),
    [("\x07", "an invisible control character (U+0007)"), ("\uffff", "(U+FFFF)")],
    ids=["bell", "noncharacter"],
)
def test_other_refused_characters_are_named_at_their_line(
    tmp_path: Path, char: str, named: str
) -> None:
    """After a BOM, CRLF line ends and non-ASCII text the line and column still match."""
    data = data_dir(tmp_path)
    events = data / "events.yaml"
    lines = events.read_text(encoding="utf-8").splitlines()
    where = next(n for n, text in enumerate(lines) if "status: held" in text)
    lines[where] = lines[where].replace("status: held", f"status: «he{char}ld»", 1)
    events.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode("utf-8"))
    [problem] = check_data(data)
    assert problem.line == where + 1
    column = lines[where].index(char) + 1
    assert f"{named} in column {column} is not allowed in YAML" in problem.message


LEVELS = 100_000
"""Far past libyaml's limit (1000 levels) and the pure-Python composer's stack (about 500)."""
DEEP = "events: " + "[" * LEVELS + "]" * LEVELS + "\n"  # well under the size limit


def test_yaml_nested_thousands_deep_never_replaces_good_data(
    tmp_path: Path, compiled_dir: Path
) -> None:
    data = data_dir(tmp_path)
    reloader = reloader_for(data, compiled_dir)
    before = reloader.current
    events = data / "events.yaml"
    events.write_text(DEEP, encoding="utf-8")
    later = time.time() + 5
    os.utime(events, (later, later))
    result = reloader.check()
    assert result.status is ReloadStatus.INVALID and result.problems
    assert reloader.current is before


def test_yaml_nested_thousands_deep_is_named_by_check_data(tmp_path: Path) -> None:
    """yaml.compose recurses once per level: the RecursionError becomes the file's problem."""
    data = data_dir(tmp_path)
    (data / "events.yaml").write_text(DEEP, encoding="utf-8")
    problems = check_data(data)
    assert [p.file for p in problems] == ["data/events.yaml"]
    [problem] = problems
    assert problem.line == 1
    assert problem.message.startswith("the file nests lists/mappings more than 1000 levels deep")
    assert "look for unclosed brackets" in problem.message


@pytest.mark.parametrize(("levels", "said"), [(40, "41"), (600, "601"), (1500, "more than 1000")])
def test_deep_block_nesting_names_the_line_where_it_gets_too_deep(
    tmp_path: Path, levels: int, said: str
) -> None:
    """Below libyaml's 1000 levels the tree composes and is measured; above it libyaml refuses
    and the levels are not counted: the same line either way (events: is level 1, each '- '
    line one level more)."""
    data = data_dir(tmp_path)
    deep = "events:\n" + "".join(" " * n + "-\n" for n in range(levels)) + "topics: []\n"
    (data / "events.yaml").write_text(deep, encoding="utf-8")
    [problem] = check_data(data)
    assert (problem.file, problem.line) == ("data/events.yaml", MAX_DEPTH + 1)
    assert f"nests lists/mappings {said} levels deep" in problem.message


def test_a_self_referencing_alias_is_measured_without_looping(tmp_path: Path) -> None:
    data = data_dir(tmp_path)
    events = data / "events.yaml"
    events.write_text("loop: &a [*a]\n" + events.read_text("utf-8"), encoding="utf-8")
    problems = check_data(data)
    assert problems and all(p.file == "data/events.yaml" for p in problems)


def test_many_aliases_do_not_blow_up(tmp_path: Path) -> None:
    """A 'billion laughs' of YAML aliases: refused quickly, not expanded."""
    data = data_dir(tmp_path)
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 9)]
    events = data / "events.yaml"
    events.write_text("\n".join(lines) + "\n" + events.read_text("utf-8"), encoding="utf-8")
    started = time.perf_counter()
    problems = check_data(data)
    assert time.perf_counter() - started < 2.0
    assert problems and all(p.file == "data/events.yaml" for p in problems)
