"""Pictures made once per data version, language, selection and format, then served from memory.

A reload builds a new Catalog object; the cache keys on that object, so new data draws anew and
the old pictures are dropped. Drawing is serialised by a lock: matplotlib's pyplot state is not
thread-safe, and the adapter draws in a worker thread to keep answering meanwhile.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from bot.catalog.model import DEFAULT_LANGUAGE, LANGUAGES, Catalog
from bot.pictures.selection import Selection

MAX_PICTURES = 48
"""About 0.4 MB a PNG: the cache stays under ~20 MB even when every language asks for spans."""


class PictureCache:
    def __init__(self, limit: int = MAX_PICTURES) -> None:
        self._limit = limit
        self._catalog: Catalog | None = None
        self._pictures: OrderedDict[tuple[str, str, str], bytes | None] = OrderedDict()
        self._lock = threading.Lock()
        self.drawn = 0  # how many pictures were actually drawn (for tests and benchmarks)
        self.generation = 0  # counts data versions seen: a key for what was made from them

    def timeline(
        self, catalog: Catalog, language: str, selection: Selection, fmt: str = "png"
    ) -> bytes | None:
        """The timeline picture (None when no event is selected), drawn at most once."""
        from bot.pictures.timeline import draw_timeline

        lang = language if language in LANGUAGES else DEFAULT_LANGUAGE
        key = (lang, selection.key, fmt)
        with self._lock:
            if self._catalog is not catalog:
                self._catalog = catalog
                self._pictures.clear()
                self.generation += 1
            if key in self._pictures:
                self._pictures.move_to_end(key)
                return self._pictures[key]
            picture = draw_timeline(catalog, lang, selection, fmt)
            self.drawn += 1
            self._pictures[key] = picture
            while len(self._pictures) > self._limit:
                self._pictures.popitem(last=False)
            return picture
