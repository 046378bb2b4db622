"""Shared fixtures: the real data/, loaded once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answering import Answerer
from bot.paths import DEFAULT_DATA_DIR


@pytest.fixture(scope="session")
def answerer() -> Answerer:
    return Answerer.from_directory(DEFAULT_DATA_DIR)


@pytest.fixture(scope="session")
def compiled_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One compiled-engine cache per test worker, as BOT_STATE_DIR/compiled is the bot's: a
    test's fresh copy of the real data/ then starts from it (0.03 s) instead of building the
    engine again (0.3 s). The key is the data's relative paths and bytes, so a copy anywhere
    matches, and an edited copy is built and checked in full as usual."""
    return tmp_path_factory.mktemp("compiled")


E2E_FOLDERS = ("e2e", "botapi")
"""Tests that run the real bot (or the Bot API fixture) over HTTP on loopback."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the end-to-end tests `e2e`, so the inner loop can leave them out:
    `pytest -m "not e2e"` (make unit)."""
    for item in items:
        if item.path.parent.name in E2E_FOLDERS:
            item.add_marker(pytest.mark.e2e)
