"""Answer -> plain text for the terminal: the HTML reply with its tags turned into plain marks."""

from __future__ import annotations

import re
from html import unescape

from bot.answer import Answer
from bot.catalog.model import Catalog
from bot.rendering.html import render_html

_LINK = re.compile(r'<a href="([^"]*)">(.*?)</a>', re.S)
_TAG = re.compile(r"</?[a-z-]+(?: [^>]*)?>")


def html_to_text(html: str) -> str:
    text = _LINK.sub(lambda m: f"{m.group(2)}: {unescape(m.group(1))}", html)
    text = re.sub(r"<blockquote[^>]*>", "  « ", text).replace("</blockquote>", " »")
    return unescape(_TAG.sub("", text))


def render_text(answer: Answer, catalog: Catalog) -> str:
    """The whole reply, every event listed: a terminal has no 4096-character limit."""
    page = render_html(answer, catalog, page_size=max(1, len(answer.event_ids)), limit=None)
    return html_to_text(page.text)
