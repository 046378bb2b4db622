"""A missed question keeps what was asked, never who asked: no phone, e-mail, long number or
@handle reaches the log, and the state folder is the bot user's alone."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.missed import MissedLog
from bot.privacy import EMAIL, HANDLE, NUMBER, PHONE, scrub
from bot.state_dir import make_private
from bot.user_prefs import UserPrefs


@pytest.mark.parametrize(
    ("typed", "private", "placeholder"),
    [
        ("call me +32 470 12 34 56 about the concert", "470 12 34 56", PHONE),
        ("my number (0312) 66-12-34 for the festival", "66-12-34", PHONE),
        ("0470.12.34.56 please", "0470.12.34.56", PHONE),
        ("write to aigul.t+kg@mail.example.be about judo", "aigul.t+kg@mail.example.be", EMAIL),
        ("ask @nurlan_b92 about the exhibition", "@nurlan_b92", HANDLE),
        ("passport AN12345678 visa?", "12345678", NUMBER),
    ],
)
def test_personal_details_become_placeholders(typed: str, private: str, placeholder: str) -> None:
    cleaned = scrub(typed)
    assert private not in cleaned
    assert placeholder in cleaned


@pytest.mark.parametrize(
    "question",
    [
        "concerts in Brussels 2015",
        "events between 2010-2015",
        "what happened in 1999 2005 2012",
        "Kyrgyz judo team at the 2nd tournament, 3 medals",
        "who won on 12.05.2019",
    ],
)
def test_years_dates_and_small_numbers_are_left_alone(question: str) -> None:
    assert scrub(question) == question


def test_a_missed_question_with_a_phone_number_is_stored_without_it(tmp_path: Path) -> None:
    log = MissedLog(tmp_path / "missed.sqlite3")
    log.record("ring +996 555 123 456 or me@example.kg about the yurt", "en", "search", 0, 0.0)
    log.close()
    with sqlite3.connect(tmp_path / "missed.sqlite3") as db:
        (stored,) = db.execute("SELECT text FROM questions").fetchone()
    assert "555" not in stored and "example.kg" not in stored
    assert stored == f"ring {PHONE} or {EMAIL} about the yurt"


@pytest.fixture
def restore_umask() -> Iterator[None]:
    saved = os.umask(0o022)
    os.umask(saved)
    yield
    os.umask(saved)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_state_files_are_0600_in_a_0700_folder(tmp_path: Path, restore_umask: None) -> None:
    state = tmp_path / "state"
    state.mkdir(mode=0o755)
    old = state / "user_prefs.json"
    old.write_text("{}", encoding="utf-8")
    old.chmod(0o644)
    assert make_private(state) == []
    MissedLog(state / "missed.sqlite3").record("where is the yurt?", "en", "search", 0, 0.0)
    UserPrefs(state).set_language(42, "ky")
    (state / "last-good-data").mkdir()
    (state / "last-good-data" / "events.yaml").write_text("x", encoding="utf-8")
    assert _mode(state) == 0o700
    for path in state.rglob("*"):
        assert _mode(path) == (0o700 if path.is_dir() else 0o600), path
