"""Answer -> plain text for the terminal and `ask`: the same layout as the Telegram reply,
written with plain marks (rendering/marks.py), every event on one page."""

from __future__ import annotations

from bot.catalog.model import Catalog
from bot.decision import Answer
from bot.rendering.html import render_html
from bot.rendering.marks import PLAIN


def render_text(answer: Answer, catalog: Catalog) -> str:
    """The whole reply, every event listed: a terminal has no 4096-character limit."""
    page_size = max(1, len(answer.event_ids))
    return render_html(answer, catalog, page_size=page_size, limit=None, marks=PLAIN).text
