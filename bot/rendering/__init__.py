"""Answer -> text: Telegram HTML pages and plain text, in the reply's language."""

from bot.rendering.html import Page, render_html
from bot.rendering.plain import render_text
from bot.rendering.texts import Texts, texts

__all__ = ["Page", "Texts", "render_html", "render_text", "texts"]
