"""Interface texts from data/locales, by key, with {named} placeholders and English as fallback."""

from __future__ import annotations

import logging

from bot.catalog.model import DEFAULT_LANGUAGE, LANGUAGES, Catalog
from bot.catalog.plurals import plural_category

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
        """The text for `key` with {placeholders} filled in.

        When an int {count} is given, the variant for its plural category (`key.few`) is used
        where the language has one: "2 мероприятия", "5 мероприятий", "21 мероприятие".
        """
        if "count" in values:
            template = self._template(key, values["count"])
        else:  # most texts: no plural to choose
            template = self._own.get(key) or self._fallback.get(key)
        if template is None:
            log.warning("missing interface text %r", key)
            return key
        if "{" not in template and "}" not in template:
            return template
        # str.format_map, not string.Formatter().vformat: the same fields and the same lenient
        # lookup of a missing name, about five times cheaper (it runs for every line shown)
        return template.format_map(_Lenient(values))

    def _template(self, key: str, count: object) -> str | None:
        if isinstance(count, int) and not isinstance(count, bool):
            own = self._own.get(f"{key}.{plural_category(self.language, count)}")
            if own is not None:
                return own
            if key not in self._own:
                english = plural_category(DEFAULT_LANGUAGE, count)
                return self._fallback.get(f"{key}.{english}") or self._fallback.get(key)
        return self._own.get(key) or self._fallback.get(key)

    def has(self, key: str) -> bool:
        return key in self._own or key in self._fallback


def texts(catalog: Catalog, language: str) -> Texts:
    return Texts(catalog, language)
