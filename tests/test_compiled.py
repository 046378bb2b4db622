"""The compiled data: a start with data already seen loads it; anything else builds from data/.

Whatever is in BOT_STATE_DIR/compiled/ (a stale file, a damaged one, a foreign one), the answers
are those of data/ as it is now, and nothing raises.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
from pathlib import Path

import pytest

from bot.answering import Answerer
from bot.catalog import DataError
from bot.compiled import _HEADER, FORMAT, MAGIC, SUFFIX, data_key, load_answerer, write_compiled

MINIMAL = Path(__file__).parent / "fixtures" / "minimal"
KALLENS = "2015-09-kallens-exhibition-ghent"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(MINIMAL, target)
    return target


def _ghent(answerer: Answerer) -> tuple[str, ...]:
    return answerer.answer("exhibitions in ghent").event_ids


def _compiled(folder: Path) -> list[Path]:
    return sorted(folder.glob(f"*{SUFFIX}"))


def test_a_second_start_reads_the_compiled_file_of_the_same_data(
    data: Path, tmp_path: Path
) -> None:
    compiled = tmp_path / "compiled"
    first = load_answerer(data, compiled)
    assert [p.name for p in _compiled(compiled)] == [f"{data_key(data)}{SUFFIX}"]
    # Proof that the file is what a start reads: put other (valid) data under this key.
    other = tmp_path / "other"
    shutil.copytree(data, other)
    events = other / "events.yaml"
    text = events.read_text(encoding="utf-8")
    events.write_text(text.replace("cities: [ghent]", "cities: [paris]", 1), "utf-8")
    write_compiled(_compiled(compiled)[0], Answerer.from_directory(other))
    assert _ghent(first) == (KALLENS,)
    assert _ghent(load_answerer(data, compiled)) == ()  # the planted data answered


def test_an_edit_is_never_answered_from_the_old_compiled_data(data: Path, tmp_path: Path) -> None:
    compiled = tmp_path / "compiled"
    assert _ghent(load_answerer(data, compiled)) == (KALLENS,)
    events = data / "events.yaml"
    text = events.read_text(encoding="utf-8")
    events.write_text(text.replace("cities: [ghent]", "cities: [brussels]", 1), "utf-8")
    edited = load_answerer(data, compiled)
    assert _ghent(edited) == ()
    assert edited.answer("exhibitions in brussels").event_ids == (KALLENS,)
    assert len(_compiled(compiled)) == 2  # the previous version is kept for a revert


def test_an_edit_that_keeps_size_and_modification_time_is_still_seen(
    data: Path, tmp_path: Path
) -> None:
    compiled = tmp_path / "compiled"
    assert _ghent(load_answerer(data, compiled)) == (KALLENS,)
    events = data / "events.yaml"
    before = events.stat()
    text = events.read_text(encoding="utf-8")
    events.write_text(text.replace("cities: [ghent]", "cities: [paris]", 1), "utf-8")
    os.utime(events, ns=(before.st_atime_ns, before.st_mtime_ns))  # as `touch -r` would
    assert events.stat().st_size == before.st_size
    assert _ghent(load_answerer(data, compiled)) == ()


def test_the_key_follows_every_data_file_but_not_editors_backups(data: Path) -> None:
    key = data_key(data)
    (data / "events.yaml~").write_text("backup", encoding="utf-8")
    assert data_key(data) == key
    (data / "locales" / "en.yaml").write_text(
        (data / "locales" / "en.yaml").read_text(encoding="utf-8") + "\n", encoding="utf-8"
    )
    assert data_key(data) != key


def _damaged(blob: bytes) -> list[bytes]:
    payload = blob[_HEADER.size :]
    foreign = pickle.dumps({"not": "an answerer"})
    wrong_object = _HEADER.pack(MAGIC, FORMAT, len(foreign), _digest(foreign)) + foreign
    flipped = bytearray(blob)
    flipped[len(blob) // 2] ^= 0xFF
    return [
        b"",
        blob[: len(blob) // 2],  # cut short
        bytes(flipped),  # one byte changed
        b"\x80\x05garbage" * 10,  # a pickle without the header
        _HEADER.pack(MAGIC, FORMAT + 1, len(payload), _digest(payload)) + payload,
        wrong_object,
    ]


def _digest(payload: bytes) -> bytes:
    return hashlib.blake2b(payload).digest()[:32]


def test_a_damaged_or_foreign_compiled_file_is_rebuilt_never_raised(
    data: Path, tmp_path: Path
) -> None:
    compiled = tmp_path / "compiled"
    load_answerer(data, compiled)
    path = _compiled(compiled)[0]
    good = path.read_bytes()
    for blob in _damaged(good):
        path.write_bytes(blob)
        assert _ghent(load_answerer(data, compiled)) == (KALLENS,)
    path.write_bytes(good)
    assert _ghent(load_answerer(data, compiled)) == (KALLENS,)


class _Planted:
    """A pickle that would run a command when unpickled by a plain pickle.load."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {self.marker}",))


def test_a_compiled_file_naming_other_code_runs_nothing(data: Path, tmp_path: Path) -> None:
    compiled = tmp_path / "compiled"
    load_answerer(data, compiled)
    path = _compiled(compiled)[0]
    marker = tmp_path / "ran"
    payload = pickle.dumps(_Planted(marker))
    path.write_bytes(_HEADER.pack(MAGIC, FORMAT, len(payload), _digest(payload)) + payload)
    assert _ghent(load_answerer(data, compiled)) == (KALLENS,)
    assert not marker.exists()


def test_an_unwritable_state_folder_still_answers(data: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    assert _ghent(load_answerer(data, blocked / "compiled")) == (KALLENS,)


def test_broken_data_is_reported_even_when_its_previous_version_was_compiled(
    data: Path, tmp_path: Path
) -> None:
    compiled = tmp_path / "compiled"
    load_answerer(data, compiled)
    (data / "events.yaml").write_text("events: [\n", encoding="utf-8")
    with pytest.raises(DataError):
        load_answerer(data, compiled)
    assert len(_compiled(compiled)) == 1  # only clean data is ever compiled
