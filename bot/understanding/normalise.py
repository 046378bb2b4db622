"""One comparable form for every word, whatever the script or accents it was typed with.

Cyrillic is transliterated to Latin, so "kontserty v bryussele" and "концерты в Брюсселе" meet;
accents are dropped, so "Liège" and "Liege" meet. Language detection works on the raw text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from bot.text import strip_accents

_CYRILLIC_TO_LATIN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "ң": "ng", "о": "o", "ө": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ү": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya", "і": "i", "ї": "i", "є": "e", "ґ": "g",
}  # fmt: skip

_TRANSLITERATION = str.maketrans(_CYRILLIC_TO_LATIN)

# Spellings people use when typing Russian in Latin letters, folded onto the transliteration above.
# Each with the letter it rewrites, so a text without that letter skips the pattern.
_LATIN_VARIANTS = (
    ("j", re.compile(r"(?<=[a-z])j(?=[aeiou])"), "y"),  # brjussel -> bryussel
    ("j", re.compile(r"(?<=[aeiouy])j(?![aeiou])"), "i"),  # skripachej -> skripachei (й)
    ("x", re.compile(r"x"), "ks"),
    ("w", re.compile(r"w"), "v"),
    ("c", re.compile(r"c(?=[eiy])"), "ts"),  # koncerty -> kontserty (after 'ts' rule below too)
    ("c", re.compile(r"c(?![h])"), "k"),
)

_NON_WORD = re.compile(r"[^0-9a-z]+")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
KYRGYZ_LETTERS = re.compile(r"[ңөүҢӨҮ]")


def transliterate(text: str) -> str:
    """Cyrillic letters to Latin, everything else untouched; expects lowercase input."""
    return text.translate(_TRANSLITERATION)


def fold(text: str, *, variants: bool = True) -> str:
    """The comparable key of a text: lowercase, Latin, no accents, words separated by one space.

    With `variants`, Latin spellings of Russian sounds are unified (c -> k/ts, x -> ks, w -> v),
    so that "koncerty" meets "концерты"; typo matching uses the plain form without them.
    """
    latin = _latin(text)
    return _words_of(_with_variants(latin) if variants else latin)


@lru_cache(maxsize=8192)
def fold_word(word: str) -> str:
    """`fold` of one word as typed, remembered: the same few thousand words come back in
    question after question ("concerts", "2016", "в"), and folding one costs more than the
    lookup. Bounded (least recently used go first), so random words cannot grow it."""
    return fold(word)


def fold_both(text: str) -> tuple[str, str]:
    """`fold(text)` and `fold(text, variants=False)`, sharing the work they have in common."""
    latin = _latin(text)
    return _words_of(_with_variants(latin)), _words_of(latin)


def _latin(text: str) -> str:
    if text.isascii():  # most questions: nothing to compose, transliterate or strip
        return text.lower()
    lowered = unicodedata.normalize("NFC", text).casefold()
    # Keep Kyrgyz letters intact through accent stripping (ө, ү decompose otherwise differently).
    latin = transliterate(lowered)
    return strip_accents(latin).replace("ß", "ss")


def _with_variants(latin: str) -> str:
    for letter, pattern, replacement in _LATIN_VARIANTS:
        if letter in latin:
            latin = pattern.sub(replacement, latin)
    return latin


def _words_of(latin: str) -> str:
    return _NON_WORD.sub(" ", latin).strip()


def words(text: str) -> list[str]:
    """The folded words of a text, in order."""
    folded = fold(text)
    return folded.split() if folded else []
