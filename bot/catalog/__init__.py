"""The knowledge: frozen values (model) and the loader that validates data/ into them."""

from bot.catalog.export import export_events
from bot.catalog.loader import check_data, load_catalog
from bot.catalog.problems import DataError, Problem

__all__ = ["DataError", "Problem", "check_data", "export_events", "load_catalog"]
