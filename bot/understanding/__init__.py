"""Text -> Query: normalisation, language detection, slot extraction and intent choice."""

from bot.understanding.parser import Understander
from bot.understanding.query import Period, Query

__all__ = ["Period", "Query", "Understander"]
