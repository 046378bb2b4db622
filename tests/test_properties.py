"""Whatever a phone keyboard can type, the core answers in valid Telegram HTML and never raises.

Property-based (hypothesis): the inputs mix the bot's real vocabulary (places, categories, months,
intent cues and event titles in five languages, real years) with noise (control characters, RTL
and zero-width marks, emoji, HTML-looking text, huge numbers, odd years, very long words), so the
properties meet the list, count, card and no-match paths, not only the out-of-scope one.
"""

from __future__ import annotations

from functools import cache

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import bot.paths
from bot.answering import MAX_QUESTION_CHARS, Answer, Answerer
from bot.catalog.model import LANGUAGES, Catalog
from bot.rendering import render_html
from tests.botapi.telegram_html import parse_html, utf16_length
from tests.examples import examples

TELEGRAM_LIMIT = 4096
PROPERTY_SETTINGS = settings(
    max_examples=examples(200),  # tests/examples.py: fewer in `make unit`, more for a hunt
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@cache
def _answerer() -> Answerer:
    """Read bot.paths at first use (not import), so a runner may point it at another copy."""
    return Answerer.from_directory(bot.paths.DEFAULT_DATA_DIR)


@cache
def _vocabulary() -> tuple[str, ...]:
    """Every word or phrase the catalog can recognise, in all five languages."""
    catalog: Catalog = _answerer().catalog
    words: set[str] = set()
    entities = (
        *catalog.places,
        *catalog.categories,
        *catalog.people,
        *catalog.organisations,
        *catalog.months,
        *catalog.facts,
    )
    for entity in entities:
        words.update(entity.names.values())
        words.update(entity.aliases)
    for event in catalog.events:
        words.update(event.title.values())
        words.update(event.aliases)
    for topic in catalog.topics:
        words.update(topic.title.values())
        words.update(topic.aliases)
    lexicon = catalog.lexicon
    for groups in (lexicon.intents, lexicon.periods, lexicon.fact_words):
        for phrases in groups.values():
            words.update(phrases)
    for markers in lexicon.language_markers.values():
        words.update(markers)
    return tuple(sorted(w for w in words if w.strip()))


REAL_YEARS = [str(y) for y in range(2010, 2020)]
ODD_NUMBERS = [
    "0015", "015", "15", "99999", "0", "-2015", "2015-2017", "2015–2016", "1990", "2030",
    "2017-03", "03.2017", "2.03.2017", "31/02/2017", "1e9", "NaN", "2⁰¹⁵", "٢٠١٥", "２０１５",
    "9" * 40, "1" * 400, "10" * 2000,
]  # fmt: skip
SPECIALS = [
    "\x00", "\x07", "\x1b[31m", "\r\n", "\t", "\x7f", "\u0085", "\u2028", "\u2029",
    "\u200b", "\u200c", "\u200d", "\ufeff", "\u2060", "\u00ad",  # zero-width and invisible
    "\u200e", "\u200f", "\u202a", "\u202b", "\u202e", "\u2066", "\u2069",  # direction marks
    "\u0301", "e\u0301", "\u0336", "\ufffd", "\U000e0001",
    "😀", "🇰🇬", "🇧🇪", "👨\u200d👩\u200d👧", "🎻🎶", "❤️", "🏳️\u200d🌈",
    "<b>", "</b>", "<i>x</i>", "<a href='javascript:alert(1)'>", "<script>", "</a>",
    "<tg-spoiler>", "<blockquote>", "&", "&amp;", "&lt;", "&#0;", "&#x110000;", "&nbsp;",
    "<", ">", "<<>>", "\"'`", "\\", "%s", "{0}", "{count}", "${x}", "'; DROP TABLE x;--",
    "مرحبا", "שלום", "你好", "こんにちは", "Ελλάδα", "ḱ", "İ", "ß", "ﬁ", "Ⅻ",
    "?", "!", "…", "¿", "«", "»", "—", "/start", "/events", "@kgbe_test_bot", "#tag",
]  # fmt: skip
UNKNOWN_PLACES = ["Tokyo", "Madrid", "Токио", "Мадрид", "Rotterdam", "Lyon", "Нарын", "Jalal-Abad"]
SEPARATORS = [" ", " ", " ", "", "\n", ", ", "\u200b", "\t", "  ", "-", "?", "\u00a0"]
USER_LANGUAGES = [*LANGUAGES, None, "", "de", "fr-BE", "pt_BR", "RU", "zz-ZZ-x", "ky-KG"]

vocabulary = st.deferred(lambda: st.sampled_from(_vocabulary()))


@st.composite
def mangled(draw: st.DrawFn, word: st.SearchStrategy[str], repeat: bool = True) -> str:
    """A word as a hurried thumb types it: case, a dropped or doubled letter, a repeat."""
    text = draw(word)
    ways = ["as-is", "as-is", "upper", "lower", "drop", "double"] + (["repeat"] if repeat else [])
    how = draw(st.sampled_from(ways))
    if how == "upper":
        return text.upper()
    if how == "lower":
        return text.lower()
    if how in ("drop", "double") and text:
        i = draw(st.integers(0, len(text) - 1))
        return text[:i] + (text[i] * 2 if how == "double" else "") + text[i + 1 :]
    if how == "repeat":
        return text * draw(st.integers(2, 40))
    return text


pieces = st.one_of(
    mangled(vocabulary),
    mangled(vocabulary),
    mangled(vocabulary),
    st.sampled_from(REAL_YEARS),
    st.sampled_from(ODD_NUMBERS),
    st.sampled_from(SPECIALS),
    st.builds(
        "{} {}".format,
        st.sampled_from(["in", "в", "à", "te", "во", "from"]),
        st.sampled_from(UNKNOWN_PLACES),
    ),
    st.integers(min_value=-(10**30), max_value=10**60).map(str),
    st.text(max_size=20),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=200, max_size=800).map(
        lambda s: s.replace(" ", "")
    ),  # a very long word
)


@st.composite
def questions(draw: st.DrawFn) -> str:
    """Real words and noise joined by odd separators, cut to Telegram's 4096 characters."""
    parts = draw(st.lists(pieces, min_size=1, max_size=14))
    text = ""
    for part in parts:
        text += draw(st.sampled_from(SEPARATORS)) + part
    return text[:MAX_QUESTION_CHARS]


any_text = st.one_of(
    questions(),
    questions(),
    st.text(max_size=MAX_QUESTION_CHARS),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.lists(st.sampled_from(SPECIALS + SEPARATORS), max_size=200).map("".join),
)


def all_pages_of(answer: Answer, catalog: Catalog) -> list[tuple[str, tuple[str, ...]]]:
    """(html, event ids) of every page of the reply, following the page count of page 0."""
    first = render_html(answer, catalog)
    pages = [first] + [render_html(answer, catalog, page=n) for n in range(1, first.page_count)]
    return [(page.text, page.event_ids) for page in pages]


def assert_valid_reply(answerer: Answerer, answer: Answer) -> None:
    """The reply contract, for any answer: language, known ids, pages Telegram accepts."""
    assert answer.language in LANGUAGES
    known = {event.id for event in answerer.catalog.events}
    assert set(answer.event_ids) <= known, set(answer.event_ids) - known
    assert len(set(answer.event_ids)) == len(answer.event_ids), "an event listed twice"
    shown: list[str] = []
    for html, ids in all_pages_of(answer, answerer.catalog):
        assert len(html) <= TELEGRAM_LIMIT
        visible = parse_html(html)  # raises EntityError where Telegram would refuse the page
        assert visible.strip(), "an empty page"
        assert utf16_length(visible.strip()) <= TELEGRAM_LIMIT
        shown.extend(ids)
    assert shown == list(answer.event_ids), "the pages must cover every event exactly once"


@PROPERTY_SETTINGS
@given(text=any_text, user_language=st.sampled_from(USER_LANGUAGES))
# found by a run: a year inside a word empties a "future" answer that its token cannot tell
@example(text=" futur 2010Allemagne", user_language="en")
def test_any_text_gets_a_valid_deterministic_replayable_reply(
    text: str, user_language: str | None
) -> None:
    """One property run checks all three, so the suite pays for each answer only twice."""
    answerer = _answerer()
    answer = answerer.answer(text, user_language)
    assert_valid_reply(answerer, answer)

    again = answerer.answer(text, user_language)
    assert (again.event_ids, again.intent, again.language, again.token) == (
        answer.event_ids,
        answer.intent,
        answer.language,
        answer.token,
    ), "the same question must get the same answer"
    assert render_html(again, answerer.catalog).text == render_html(answer, answerer.catalog).text

    assert_replays_alike(answerer, answer)


def assert_replays_alike(answerer: Answerer, answer: Answer) -> None:
    """A pager or follow-up button replays Answer.token; it must show what the user saw."""
    if not answer.token:
        return  # too rich for a token (or a did-you-mean): the adapter shows no pager
    replayed = answerer.replay(answer.token, answer.language)
    assert replayed is not None, f"a fresh token {answer.token!r} does not decode"
    assert replayed.event_ids == answer.event_ids, answer.token
    assert replayed.no_match == answer.no_match, answer.token
    assert replayed.language == answer.language
    assert_valid_reply(answerer, replayed)


@pytest.mark.parametrize(
    "question",
    ["concerts in Tokyo", "концерты в Токио", "2012 in A00", "expositions à Lyon en 2015"],
)
def test_a_no_match_on_an_unknown_place_never_replays_as_a_list(question: str) -> None:
    """A token cannot carry a place we have no record of, so such an answer has none (no
    pager), rather than one that would replay as every concert."""
    answerer = _answerer()
    answer = answerer.answer(question, "en")
    assert answer.no_match and answer.event_ids == ()
    replayed = answerer.replay(answer.token, answer.language) if answer.token else None
    assert replayed is None or (replayed.event_ids, replayed.no_match) == ((), True)


@PROPERTY_SETTINGS
@given(
    token=st.one_of(
        st.text(max_size=80),
        st.text(alphabet="LDWNFTOHGKXymdbasrpchoeft0123456789abcdef.~-", max_size=60),
    ),
    language=st.sampled_from(USER_LANGUAGES),
)
def test_any_token_replays_to_a_valid_reply_or_none(token: str, language: str | None) -> None:
    """A forged or stale button token gives None (a short notice), never an exception."""
    answerer = _answerer()
    replayed = answerer.replay(token, language or "")
    if replayed is not None:
        assert_valid_reply(answerer, replayed)


@PROPERTY_SETTINGS
@given(
    words=st.lists(mangled(vocabulary, repeat=False), min_size=1, max_size=5),
    user_language=st.sampled_from(USER_LANGUAGES),
)
def test_real_vocabulary_alone_gets_a_valid_reply(
    words: list[str], user_language: str | None
) -> None:
    """Without noise: the paths that list, count and open cards are the ones exercised."""
    answerer = _answerer()
    answer = answerer.answer(" ".join(words), user_language)
    assert_valid_reply(answerer, answer)
    assert_replays_alike(answerer, answer)
