"""The per-file cache of validated events (bot/catalog/event_cache.py): whatever curators do to
the event files, a load through the cache gives what a fresh read of data/ gives, the same
catalog or the same problems naming the same files and lines."""

from __future__ import annotations

import random
import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest
import yaml

from bot.catalog import DataError, Problem, check_data, load_catalog
from bot.catalog.model import Catalog
from bot.paths import DEFAULT_DATA_DIR
from tests.examples import examples


def _split_by_year(target: Path) -> list[Path]:
    """A copy of the real data/ whose events are in data/events/YYYY.yaml, one file per year."""
    shutil.copytree(DEFAULT_DATA_DIR, target)
    document = yaml.safe_load((target / "events.yaml").read_text(encoding="utf-8"))
    by_year: dict[str, list[object]] = {}
    for event in document["events"]:
        by_year.setdefault(str(event["start"])[:4], []).append(event)
    (target / "events.yaml").write_text(
        yaml.safe_dump({"topics": document["topics"]}, allow_unicode=True), encoding="utf-8"
    )
    (target / "events").mkdir()
    for year, events in by_year.items():
        _write(target / "events" / f"{year}.yaml", events)
    return sorted((target / "events").glob("*.yaml"))


def _write(path: Path, events: Sequence[object], prefix: str = "") -> None:
    text = yaml.safe_dump({"events": events}, allow_unicode=True, sort_keys=False)
    path.write_text(prefix + text, encoding="utf-8")


def _events(path: Path) -> list[dict[str, object]]:
    text = path.read_text(encoding="utf-8")
    events = yaml.safe_load(text)["events"]
    assert isinstance(events, list)
    return events


def _load(data: Path, cache: Path | None) -> Catalog | list[Problem]:
    try:
        return load_catalog(data, cache)
    except DataError as error:
        return list(error.problems)


def _edit(rng: random.Random, files: list[Path], originals: dict[Path, str]) -> None:
    """One everyday edit (or mistake) to one file, sometimes touching a second one."""
    path = rng.choice(files)
    events = _events(path)
    kind = rng.choice(["retitle", "unknown", "duplicate", "shift", "drop", "alias", "revert"])
    event = rng.choice(events) if events else None
    if kind == "revert" or event is None:
        path.write_text(originals[path], encoding="utf-8")
        return
    prefix = ""
    if kind == "retitle":
        event["title"] = {**event["title"], "en": f"Renamed {rng.randrange(1000)}"}  # type: ignore[dict-item]
    elif kind == "unknown":
        event["categories"] = ["no-such-category"]
    elif kind == "duplicate":  # an id already used in another file
        other = rng.choice([f for f in files if f != path] or files)
        events.append(rng.choice(yaml.safe_load(originals[other])["events"]))
    elif kind == "shift":  # every line below moves: problems must name the new lines
        prefix = "# a curator's note\n" * rng.randrange(1, 4)
    elif kind == "drop":
        events.remove(event)
    elif kind == "alias":  # one alias on events in two files
        other = rng.choice([f for f in files if f != path] or files)
        other_events = _events(other)
        if other_events:
            other_events[0]["aliases"] = ["Clash Name"]
            _write(other, other_events)
        event["aliases"] = ["Clash Name"]
    _write(path, events, prefix)


@pytest.mark.parametrize("seed", range(examples(4, least=1)))  # one seed in `make unit`
def test_random_edits_load_through_the_cache_as_a_fresh_read(tmp_path: Path, seed: int) -> None:
    data, cache = tmp_path / "data", tmp_path / "cache"
    files = _split_by_year(data)
    assert len(files) > 3
    originals = {path: path.read_text(encoding="utf-8") for path in files}
    rng = random.Random(seed)
    assert _load(data, cache) == _load(data, None)  # fills the cache
    for _ in range(examples(8, least=3)):  # tests/examples.py: fewer in `make unit`
        _edit(rng, files, originals)
        fresh = _load(data, None)
        assert _load(data, cache) == fresh
        assert _load(data, cache) == fresh  # now from the cache
        if isinstance(fresh, list):  # only event files were edited: only they are named
            assert fresh == check_data(data)
            assert {p.file for p in fresh} <= {f"data/events/{f.name}" for f in files}
        else:
            assert len(fresh.events) == len({e.id for e in fresh.events})
    for path, text in originals.items():  # everything reverted: the cached first versions
        path.write_text(text, encoding="utf-8")
    assert _load(data, cache) == _load(DEFAULT_DATA_DIR, None)


def test_a_mistake_in_one_file_is_named_with_its_file_and_line(tmp_path: Path) -> None:
    data, cache = tmp_path / "data", tmp_path / "cache"
    files = _split_by_year(data)
    load_catalog(data, cache)
    path = files[len(files) // 2]
    events = _events(path)
    events[-1]["categories"] = ["no-such-category"]
    _write(path, events, "# moved down two lines\n# by this note\n")
    line = 1 + path.read_text(encoding="utf-8").splitlines().index("  - no-such-category")
    with pytest.raises(DataError) as raised:
        load_catalog(data, cache)
    [problem] = raised.value.problems
    assert (problem.file, problem.line) == (f"data/events/{path.name}", line)


def test_a_lexicon_change_reaches_events_read_before(tmp_path: Path) -> None:
    """An event file unchanged since it was cached is checked again against a new lexicon: a
    category removed from the lexicon is reported where an event still uses it."""
    data, cache = tmp_path / "data", tmp_path / "cache"
    _split_by_year(data)
    catalog = load_catalog(data, cache)
    used = catalog.events[0].categories[0]
    lexicon = data / "lexicon" / "categories.yaml"
    document = yaml.safe_load(lexicon.read_text(encoding="utf-8"))
    document["categories"] = [c for c in document["categories"] if c["id"] != used]
    lexicon.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    fresh = check_data(data)
    assert any(used in problem.message for problem in fresh)
    assert _load(data, cache) == fresh


def test_damaged_cache_entries_are_read_around(tmp_path: Path) -> None:
    data, cache = tmp_path / "data", tmp_path / "cache"
    _split_by_year(data)
    expected = load_catalog(data, cache)
    entries = sorted(cache.glob("*.events"))
    assert entries
    entries[0].write_bytes(entries[0].read_bytes()[:-10])  # cut short
    entries[1].write_bytes(b"not a cache entry")
    blob = bytearray(entries[2].read_bytes())
    blob[-1] ^= 0xFF  # one bit wrong: the checksum catches it
    entries[2].write_bytes(bytes(blob))
    assert load_catalog(data, cache) == expected
    assert load_catalog(data, cache) == expected  # and the entries are whole again
