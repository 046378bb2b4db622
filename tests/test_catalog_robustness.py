"""Whatever a curator's editor does to a file, check-data answers with problems, never a crash."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.catalog import check_data
from tests.examples import examples

MINIMAL = Path(__file__).parent / "fixtures" / "minimal"
FILES = ["events.yaml", "lexicon/places.yaml", "lexicon/months.yaml", "locales/ru.yaml"]


@st.composite
def edits(draw: st.DrawFn) -> tuple[str, str]:
    """One file of the minimal data/ with a few lines deleted, doubled or cut short."""
    name = draw(st.sampled_from(FILES))
    lines = (MINIMAL / name).read_text(encoding="utf-8").splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 3))):
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "double", "cut", "insert"]))
        if action == "delete" and len(lines) > 1:
            del lines[index]
        elif action == "double":
            lines.insert(index, lines[index])
        elif action == "cut":
            line = lines[index]
            lines[index] = line[: draw(st.integers(0, len(line)))] + "\n"
        else:
            junk = draw(st.sampled_from(["- ", ": ", "[", "{", "\t", "'", '"', "&a ", "*a", "? "]))
            lines[index] = junk + lines[index]
    return name, "".join(lines)


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits())
def test_any_edit_gives_problems_with_a_real_place_or_a_clean_load(edit: tuple[str, str]) -> None:
    name, text = edit
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "data"
        shutil.copytree(MINIMAL, data)
        (data / name).write_text(text, encoding="utf-8")
        for problem in check_data(data):
            assert problem.file.startswith("data/")
            path = data.parent / problem.file
            if path.is_file():
                assert 1 <= problem.line <= max(1, len(path.read_text("utf-8").splitlines()) + 1)
            assert problem.message
