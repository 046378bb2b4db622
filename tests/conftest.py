"""Shared fixtures: the real data/, loaded once per test session."""

from __future__ import annotations

import pytest

from bot.answering import Answerer
from bot.paths import DEFAULT_DATA_DIR


@pytest.fixture(scope="session")
def answerer() -> Answerer:
    return Answerer.from_directory(DEFAULT_DATA_DIR)


E2E_FOLDERS = ("e2e", "botapi")
"""Tests that run the real bot (or the Bot API fixture) over HTTP on loopback."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the end-to-end tests `e2e`, so the inner loop can leave them out:
    `pytest -m "not e2e"` (make unit)."""
    for item in items:
        if item.path.parent.name in E2E_FOLDERS:
            item.add_marker(pytest.mark.e2e)
