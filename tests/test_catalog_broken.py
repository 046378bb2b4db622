"""Broken data/ is refused with every problem named by file:line and a way to fix it.

Each folder in tests/fixtures/broken/ holds only the files that differ from
tests/fixtures/minimal/ (a small valid data/), plus expected.txt: one block per problem the
curator must see, nothing more. The block's first line is how the problem starts ("file:line:
message"); its indented lines are hints the same message must contain.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.catalog import DataError, Problem, check_data, load_catalog

FIXTURES = Path(__file__).parent / "fixtures"
MINIMAL = FIXTURES / "minimal"
BROKEN = sorted(path for path in (FIXTURES / "broken").iterdir() if path.is_dir())


def data_dir(tmp_path: Path, overlay: Path | None = None) -> Path:
    """A copy of the minimal valid data/ named `data`, with a broken fixture's files on top."""
    target = tmp_path / "data"
    shutil.copytree(MINIMAL, target)
    if overlay is not None:
        for path in overlay.rglob("*"):
            if path.is_file() and path.name != "expected.txt":
                destination = target / path.relative_to(overlay)
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, destination)
    return target


def expected_blocks(case: Path) -> list[tuple[str, list[str]]]:
    blocks: list[tuple[str, list[str]]] = []
    for line in (case / "expected.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith(" "):
            blocks[-1][1].append(line.strip())
        else:
            blocks.append((line, []))
    return blocks


def test_there_are_enough_broken_fixtures() -> None:
    assert len(BROKEN) >= 22


def test_the_minimal_fixture_itself_is_clean(tmp_path: Path) -> None:
    assert check_data(data_dir(tmp_path)) == []


@pytest.mark.parametrize("case", BROKEN, ids=[case.name for case in BROKEN])
def test_broken_data_names_the_line_and_the_fix(case: Path, tmp_path: Path) -> None:
    problems = [str(problem) for problem in check_data(data_dir(tmp_path, case))]
    blocks = expected_blocks(case)
    assert blocks, f"{case.name}/expected.txt expects nothing"
    for head, hints in blocks:
        matching = [problem for problem in problems if problem.startswith(head)]
        assert matching, f"expected a problem starting with {head!r}, got {problems}"
        for hint in hints:
            assert hint in matching[0], f"{hint!r} missing from {matching[0]!r}"
    # One mistake, one message: no cascade of follow-on complaints for the curator to wade through.
    assert len(problems) == len(blocks), problems


@pytest.mark.parametrize("case", BROKEN[:3], ids=[case.name for case in BROKEN[:3]])
def test_load_catalog_refuses_broken_data(case: Path, tmp_path: Path) -> None:
    with pytest.raises(DataError) as raised:
        load_catalog(data_dir(tmp_path, case))
    assert raised.value.problems
    assert str(raised.value.problems[0]) in str(raised.value)


def test_a_10_mb_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    data = data_dir(tmp_path)
    people = data / "lexicon" / "people.yaml"
    with people.open("a", encoding="utf-8") as out:
        line = "  # " + "padding " * 16 + "\n"
        out.write(line * (10 * 1024 * 1024 // len(line) + 1))
    problems = check_data(data)
    assert [str(p)[: len("data/lexicon/people.yaml:1:")] for p in problems] == [
        "data/lexicon/people.yaml:1:"
    ]
    assert "10.0 MB" in problems[0].message
    assert "2 MB" in problems[0].message
    assert "refusing" in problems[0].message


def test_every_problem_is_reported_not_only_the_first(tmp_path: Path) -> None:
    data = data_dir(tmp_path)
    events = data / "events.yaml"
    text = events.read_text(encoding="utf-8")
    text = text.replace("categories: [concert]", "categories: [concrt]")
    text = text.replace('start: "2015-09"', 'start: "2015-13"')
    text = text.replace("status: held\n    section: sports", "status: planed\n    section: sports")
    events.write_text(text, encoding="utf-8")
    (data / "locales" / "ky.yaml").write_text('list_header: "{count}"\n', encoding="utf-8")
    problems = check_data(data)
    where = [f"{p.file}:{p.line}" for p in problems]
    assert where == [
        "data/events.yaml:23",
        "data/events.yaml:35",
        "data/events.yaml:50",
        "data/locales/ky.yaml:1",  # card_date missing
        "data/locales/ky.yaml:1",  # {filter} missing from list_header
        "data/locales/ky.yaml:1",  # no_match missing
    ]


def test_a_broken_lexicon_file_does_not_bury_the_report(tmp_path: Path) -> None:
    """When places.yaml cannot be read, events are not each blamed for an 'unknown place'."""
    data = data_dir(tmp_path)
    (data / "lexicon" / "places.yaml").write_text("places: [\n", encoding="utf-8")
    problems = check_data(data)
    assert [p.file for p in problems] == ["data/lexicon/places.yaml"]


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    data = data_dir(tmp_path)
    (data / "lexicon" / "facts.yaml").unlink()
    problems = check_data(data)
    assert [str(p) for p in problems] == [
        "data/lexicon/facts.yaml:1: the file is missing — create it, starting with 'facts:'"
    ]


def test_a_problem_reads_file_line_message() -> None:
    problem = Problem("data/events.yaml", 42, "unknown category 'concrt'")
    assert str(problem) == "data/events.yaml:42: unknown category 'concrt'"
    error = DataError([problem])
    assert str(error).splitlines() == [
        "1 problem in data/:",
        "data/events.yaml:42: unknown category 'concrt'",
    ]
