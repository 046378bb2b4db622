"""Plural categories after a number, per language (CLDR cardinal rules, integers only).

Why: "1 мероприятие, 2 мероприятия, 5 мероприятий, 21 мероприятие" is grammar, not taste. A
locale text may have variants `key.one`, `key.few`, `key.many`, `key.other`; the renderer picks
the one for the number it is given as {count}.
"""

from __future__ import annotations

CATEGORIES: dict[str, tuple[str, ...]] = {
    "en": ("one", "other"),
    "nl": ("one", "other"),
    "fr": ("one", "other"),
    "ky": ("one", "other"),
    "ru": ("one", "few", "many"),
}
"""The categories each language distinguishes; a variant with another suffix is a mistake."""


def plural_category(language: str, number: int) -> str:
    """The CLDR category of a whole number: 'one', 'few', 'many' or 'other'."""
    n = abs(number)
    if language == "ru":
        if n % 10 == 1 and n % 100 != 11:
            return "one"
        if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
            return "few"
        return "many"
    if language == "fr":
        return "one" if n in (0, 1) else "other"
    return "one" if n == 1 else "other"
