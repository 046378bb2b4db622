"""data/events/*.yaml: events split over several files load as if they were in one."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from bot.catalog import check_data, load_catalog
from bot.paths import DEFAULT_DATA_DIR

MINIMAL = Path(__file__).parent / "fixtures" / "minimal"


def _split_by_year(source: Path, target: Path) -> None:
    """A copy of `source` whose events.yaml keeps only the topics and whose events are in
    data/events/YYYY.yaml, one file per year, in reverse order within each file."""
    shutil.copytree(source, target)
    document = yaml.safe_load((source / "events.yaml").read_text(encoding="utf-8"))
    by_year: dict[str, list[object]] = {}
    for event in document["events"]:
        by_year.setdefault(str(event["start"])[:4], []).insert(0, event)
    (target / "events.yaml").write_text(
        yaml.safe_dump({"topics": document["topics"]}, allow_unicode=True), encoding="utf-8"
    )
    (target / "events").mkdir()
    for year, events in by_year.items():
        (target / "events" / f"{year}.yaml").write_text(
            yaml.safe_dump({"events": events}, allow_unicode=True), encoding="utf-8"
        )


def test_the_real_events_split_by_year_give_the_same_catalog(tmp_path: Path) -> None:
    split = tmp_path / "data"
    _split_by_year(DEFAULT_DATA_DIR, split)
    assert len(list((split / "events").glob("*.yaml"))) > 3
    parts = load_catalog(split)  # raises with file:line problems if anything is wrong
    assert parts == load_catalog(DEFAULT_DATA_DIR)  # so every answer is the same


def test_events_yaml_may_keep_events_next_to_the_folder(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(MINIMAL, data)
    (data / "events").mkdir()
    text = (data / "events.yaml").read_text(encoding="utf-8")
    start = text.index("  - id: 20")  # the first event, moved to data/events/later.yaml
    end = text.index("  - id: ", start + 1)
    (data / "events.yaml").write_text(text[:start] + text[end:], encoding="utf-8")
    (data / "events" / "later.yaml").write_text("events:\n" + text[start:end], encoding="utf-8")
    (data / "events" / "empty-list.yaml").write_text("events: []\n", encoding="utf-8")
    assert check_data(data) == []
    assert load_catalog(data).events == load_catalog(MINIMAL).events
