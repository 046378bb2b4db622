"""Shared fixtures: the real data/, loaded once per test session."""

from __future__ import annotations

import pytest

from bot.answering import Answerer
from bot.paths import DEFAULT_DATA_DIR


@pytest.fixture(scope="session")
def answerer() -> Answerer:
    return Answerer.from_directory(DEFAULT_DATA_DIR)
