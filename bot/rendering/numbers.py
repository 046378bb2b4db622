"""Numbers that are ranks, not amounts: "the 13th festival", "1st place".

Why in code: an ordinal's ending depends on the number (en 1st/2nd/3rd/11th/21st) and on the
noun it stands for (ru 13-й фестиваль but 1-е место; fr 1re place), which a template cannot say.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from bot.catalog.model import Fact
from bot.rendering.texts import Texts

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


YEAR_FACTS = frozenset({"anniversary"})
"""Fact kinds whose value is a number of years: "70 years", «70 лет», «25 ans»."""


def fact_value(texts: Texts, fact: Fact) -> str:
    """A fact's value as a reply shows it: a rank as an ordinal, years as years, else digits."""
    if fact.kind in ORDINAL_FACTS:
        return ordinal(texts.language, fact.value, fact.kind)
    if fact.kind in YEAR_FACTS:
        return texts.get("fact_value_years", count=fact.value)
    return str(fact.value)


def fact_sentences(facts: tuple[Fact, ...], texts: Texts) -> list[str]:
    """ "Gold medals: 1.", "Guests: about 100.", "Edition: 13th."; the archive's first and last
    years read as one period ("Archive material: 1925–1957")."""
    kinds = {fact.kind: fact for fact in facts}
    sentences: list[str] = []
    for fact in facts:
        if fact.kind == "archive_from" and "archive_to" in kinds:
            period = f"{fact.value}–{kinds['archive_to'].value}"
            sentences.append(
                texts.get("count_fact", label=texts.get("fact_archive_period"), value=period)
            )
            continue
        if fact.kind == "archive_to" and "archive_from" in kinds:
            continue
        sentences.append(
            texts.get(
                "count_fact_approx" if fact.approximate else "count_fact",
                label=texts.get(f"fact_{fact.kind}"),
                value=fact_value(texts, fact),
            )
        )
    return sentences


_KYRGYZ_LETTERS = {"ң": "н\uffff", "ө": "о\uffff", "ү": "у\uffff"}


def alphabetical(language: str) -> Callable[[str], str]:
    """A sort key in the language's alphabetical order, not code-point order: "éducation"
    among the e's, "СМИ" among the с's, Kyrgyz ң ө ү right after н о у."""

    def key(text: str) -> str:
        if language == "ky":
            return "".join(_KYRGYZ_LETTERS.get(ch, ch) for ch in text.casefold())
        folded = unicodedata.normalize("NFD", text.casefold())
        return "".join(ch for ch in folded if not unicodedata.combining(ch))

    return key
