"""A list stays readable however many events a question finds.

At 2,000 events (the real ones and their synthetic clones) every question of the question sets
is answered and its first page rendered: it fits in a Telegram message, and a list shows one
line per event of the page. (Clones share titles and texts, so a text search finds hundreds of
events at once; their titles once filled the header and the page was cut to "…".)
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import bot.paths
from benchmarks.core import synthetic_catalog
from bot.answering import Answerer
from bot.catalog import load_catalog
from bot.catalog.question_set import load_question_set
from bot.decision import Intent
from bot.rendering import render_html

MESSAGE_LIMIT = 4096
TESTS = Path(__file__).resolve().parent
SETS = ("questions", "questions_holdout", "questions_blind2", "questions_blind3")


@cache
def _answerer() -> Answerer:
    return Answerer(synthetic_catalog(load_catalog(bot.paths.DEFAULT_DATA_DIR), 2000))


def test_every_first_page_fits_and_lists_each_of_its_events() -> None:
    answerer = _answerer()
    cases = [case for name in SETS for case in load_question_set(TESTS / f"{name}.yaml")]
    lists = 0
    for case in cases:
        answer = answerer.answer(case.question, case.user_language)
        page = render_html(answer, answerer.catalog)
        assert len(page.text) <= MESSAGE_LIMIT, case.question
        if answer.intent is Intent.LIST and page.event_ids:
            lists += 1
            assert page.text.count("\n• ") == len(page.event_ids), case.question
    assert lists > len(cases) // 4  # the property was checked on many lists
