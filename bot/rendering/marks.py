"""How a reply marks its parts, for each kind of output: Telegram HTML or plain text.

The renderer (html.py) lays a reply out once; these say what "bold" or "a collapsed quote"
becomes. Plain text is written as plain text, not produced by stripping tags from HTML.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Marks:
    """The marks of one kind of output."""

    name: str

    def text(self, value: object) -> str:
        """Words from data or locales, safe for this output (escaped for HTML)."""
        text = str(value)
        if self.name != "html":
            return text
        # html.escape(text, quote=False), without its call: it runs for every piece shown
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    def bold(self, marked: str) -> str:
        return f"<b>{marked}</b>" if self.is_html else marked

    def italic(self, marked: str) -> str:
        return f"<i>{marked}</i>" if self.is_html else marked

    def quote(self, marked: str) -> str:
        """A collapsed quotation (the seed's English source under a card)."""
        return (
            f"<blockquote expandable>{marked}</blockquote>" if self.is_html else f"  « {marked} »"
        )

    @property
    def is_html(self) -> bool:
        return self.name == "html"


HTML = Marks("html")
"""Telegram's HTML parse mode: its tags only, < > & escaped."""

PLAIN = Marks("plain")
"""The terminal and `ask` without --json: no marks at all."""
