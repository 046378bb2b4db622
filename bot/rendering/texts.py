"""Interface texts from data/locales, by key, with {named} placeholders and English as fallback."""

from __future__ import annotations

import logging
from string import Formatter

from bot.catalog.model import DEFAULT_LANGUAGE, LANGUAGES, Catalog

log = logging.getLogger(__name__)


class _Lenient(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


class Texts:
    """The strings of one language."""

    def __init__(self, catalog: Catalog, language: str) -> None:
        self.language = language if language in LANGUAGES else DEFAULT_LANGUAGE
        self._own = catalog.locales.get(self.language, {})
        self._fallback = catalog.locales.get(DEFAULT_LANGUAGE, {})

    def get(self, key: str, **values: object) -> str:
        template = self._own.get(key) or self._fallback.get(key)
        if template is None:
            log.warning("missing interface text %r", key)
            return key
        return Formatter().vformat(template, (), _Lenient(values))

    def has(self, key: str) -> bool:
        return key in self._own or key in self._fallback


def texts(catalog: Catalog, language: str) -> Texts:
    return Texts(catalog, language)
