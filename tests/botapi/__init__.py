"""A local Bot API server fixture for end-to-end tests of the Telegram adapter."""

from .server import DEFAULT_TOKEN, BotApiServer, Call, iter_texts
from .telegram_html import EntityError, parse_html

__all__ = ["DEFAULT_TOKEN", "BotApiServer", "Call", "EntityError", "iter_texts", "parse_html"]
