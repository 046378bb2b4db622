"""The fast paths of folding and formatting give exactly what their plain definitions give.

Folding runs on every word of every question and of every event text at start, so it uses
translation tables instead of going character by character; a question must still meet the
same words, whatever it is typed with.
"""

from __future__ import annotations

import re
import unicodedata
from string import Formatter

from hypothesis import given, settings
from hypothesis import strategies as st

import bot.paths
from bot.catalog import load_catalog
from bot.catalog.locales import placeholders
from bot.rendering.texts import Texts, _Lenient
from bot.text import strip_accents
from bot.understanding.normalise import _CYRILLIC_TO_LATIN, fold, fold_both, transliterate

_PLAIN_VARIANTS = (
    (re.compile(r"(?<=[a-z])j(?=[aeiou])"), "y"),
    (re.compile(r"(?<=[aeiouy])j(?![aeiou])"), "i"),
    (re.compile(r"x"), "ks"),
    (re.compile(r"w"), "v"),
    (re.compile(r"c(?=[eiy])"), "ts"),
    (re.compile(r"c(?![h])"), "k"),
)


def plain_strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def plain_fold(text: str, *, variants: bool = True) -> str:
    lowered = unicodedata.normalize("NFC", text).casefold()
    latin = "".join(_CYRILLIC_TO_LATIN.get(ch, ch) for ch in lowered)
    latin = plain_strip_accents(latin).replace("ß", "ss")
    if variants:
        for pattern, replacement in _PLAIN_VARIANTS:
            latin = pattern.sub(replacement, latin)
    return re.sub(r"[^0-9a-z]+", " ", latin).strip()


# What people type: Latin with accents, Cyrillic (Kyrgyz letters too), combining marks typed
# apart, ligatures and full-width forms, and anything else Unicode holds.
TYPED = st.text(
    alphabet=st.one_of(
        st.sampled_from("abcjwxyzéèëçñøåßĳﬁ Ａｂ①²"),
        st.characters(min_codepoint=0x400, max_codepoint=0x4FF),
        st.characters(min_codepoint=0x300, max_codepoint=0x36F),  # combining marks
        st.characters(),
    ),
    max_size=60,
)


@settings(max_examples=400, deadline=None)
@given(TYPED)
def test_fold_is_the_plain_definition(text: str) -> None:
    assert fold(text) == plain_fold(text)
    assert fold(text, variants=False) == plain_fold(text, variants=False)
    assert fold_both(text) == (plain_fold(text), plain_fold(text, variants=False))


@settings(max_examples=300, deadline=None)
@given(TYPED)
def test_accents_and_cyrillic_as_defined(text: str) -> None:
    assert strip_accents(text) == plain_strip_accents(text)
    lowered = text.casefold()
    assert transliterate(lowered) == "".join(_CYRILLIC_TO_LATIN.get(ch, ch) for ch in lowered)


def test_typed_examples_meet() -> None:
    assert fold("Концерты в Брюсселе") == fold("koncerty v brjussele")
    assert fold("Liège") == fold("Liege") == "liege"
    assert fold("Е\u0308лка") == fold("Ёлка")  # a mark typed apart from its letter


def test_every_interface_text_formats_as_the_plain_formatter_does() -> None:
    """Texts.get uses str.format_map: for every text of every language, with all its names
    given, with one left out (kept as {name}) and with a plural count, the result is
    string.Formatter's."""
    catalog = load_catalog(bot.paths.DEFAULT_DATA_DIR)
    checked = 0
    for language, own in catalog.locales.items():
        texts = Texts(catalog, language)
        for key, template in own.items():
            names = sorted(placeholders(template) or ())
            given_all: dict[str, object] = {name: f"<{name}>" for name in names}
            if "count" in given_all:
                given_all["count"] = 3
            variants = [given_all, {name: v for name, v in given_all.items() if name != names[0]}]
            for values in variants if names else [{}]:
                base = key.partition(".")[0]
                expected_template = texts._template(base, values.get("count"))
                assert expected_template is not None
                expected = Formatter().vformat(expected_template, (), _Lenient(values))
                assert texts.get(base, **values) == expected, (language, key)
                checked += 1
    assert checked > 500
