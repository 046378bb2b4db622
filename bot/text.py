"""Small string helpers every layer shares; nothing here knows about events or languages.

Three comparisons fold text, each for its own purpose, and each says which it is:
`same_name` here (catalog: two entries must not share a name, case and accents ignored),
`understanding.normalise.fold` (matching: also Cyrillic to Latin and typed-Russian spellings),
and `missed_groups` (near-duplicate questions: punctuation ignored). The first two share
`strip_accents`.
"""

from __future__ import annotations

import re
import unicodedata


class _AccentFree(dict[int, str]):
    """Code point -> its NFKD decomposition without combining marks, worked out on first use.

    Per character is the same as per text: NFKD decomposes each character on its own and only
    reorders combining marks, which are all dropped.
    """

    def __missing__(self, code: int) -> str:
        decomposed = unicodedata.normalize("NFKD", chr(code))
        stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        if code < _CACHED_BELOW:  # alphabets people type; a flood of rare symbols stays out
            self[code] = stripped
        return stripped


_CACHED_BELOW = 0x3000
_ACCENT_FREE = _AccentFree()


def strip_accents(text: str) -> str:
    """ "Liège" -> "Liege": the combining marks after NFKD decomposition dropped."""
    if text.isascii():
        return text
    return text.translate(_ACCENT_FREE)


def same_name(text: str) -> str:
    """The form in which two names count as the same: case, accents and spacing ignored."""
    return " ".join(strip_accents(text.casefold()).split())


_RUNS_OF_SPACE = re.compile(r"[ \t\r\n]+")


def clip(text: str, limit: int) -> str:
    """Cut to `limit` characters with an ellipsis, at a word boundary when one is near (a
    button label, a toast, an inline result's description)."""
    text = _RUNS_OF_SPACE.sub(" ", text).strip()  # keeps no-break spaces (French « : »)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 2 // 3:
        cut = cut[:space]
    return cut.rstrip(" ,;:.–-") + "…"
