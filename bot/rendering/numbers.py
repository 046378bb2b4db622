"""Numbers that are ranks, not amounts: "the 13th festival", "1st place".

Why in code: an ordinal's ending depends on the number (en 1st/2nd/3rd/11th/21st) and on the
noun it stands for (ru 13-й фестиваль but 1-е место; fr 1re place), which a template cannot say.
"""

from __future__ import annotations

from bot.catalog.model import Fact

ORDINAL_FACTS = frozenset({"edition", "place_won"})
"""Fact kinds whose value is a rank: shown as an ordinal, never as a bare count."""


def english_ordinal(number: int) -> str:
    if 11 <= number % 100 <= 13:
        return f"{number}th"
    return f"{number}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(number % 10, 'th') }"


def ordinal(language: str, number: int, kind: str) -> str:
    """The rank in words the reader expects: en 13th, ru 13-й, ky 13-жолу, fr 13e, nl 13e."""
    if language == "ru":
        return f"{number}-е" if kind == "place_won" else f"{number}-й"
    if language == "ky":
        return f"{number}-орун" if kind == "place_won" else f"{number}-жолу"
    if language == "fr":
        return "1re" if number == 1 else f"{number}e"  # une édition, une place: feminine
    if language == "nl":
        return f"{number}e"
    return english_ordinal(number)


def fact_value(language: str, fact: Fact) -> str:
    """A fact's value as a reply shows it: a rank as an ordinal, an amount as digits."""
    if fact.kind in ORDINAL_FACTS:
        return ordinal(language, fact.value, fact.kind)
    return str(fact.value)
