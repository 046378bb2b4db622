"""Every reply the bot can assemble, in every language, read for the kinds of slip a native reader
found: a planned event told as held, a label with nothing after it, a noun that does not agree
with its number, French spacing, a Cyrillic suffix glued to Latin letters, a reply that starts
with a lowercase word, a button cut in the middle.

Each test is a property over all events x all languages (and all interface texts), not a
snapshot of one sentence: a new event, language text or template meets the same checks.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from functools import cache
from html import unescape

import pytest

from bot.answering import Answerer
from bot.catalog.model import LANGUAGES, Catalog, Event
from bot.decision import Answer, Intent
from bot.game.questions import make_round
from bot.quiz import make_quiz
from bot.rendering import render_html
from bot.rendering.describe import answer_filter, button_title
from bot.rendering.texts import Texts
from bot.understanding.query import Query

NUMBERS = (0, 1, 2, 5, 11, 21, 101)
EVENT_WORD_FORMS: dict[str, dict[str, set[str]]] = {
    # The form of "event" the grammar wants after each number (by the number's last digits).
    "en": {"one": {"event"}, "other": {"events"}},
    "nl": {"one": {"evenement"}, "other": {"evenementen"}},
    "fr": {"one": {"événement"}, "other": {"événements"}},
}
RUSSIAN_CATEGORY = {0: "many", 1: "one", 2: "few", 5: "many", 11: "many", 21: "one", 101: "one"}
RUSSIAN_FORMS = {
    # (case, category) -> the only right form of «событие»
    ("nom", "one"): "событие",
    ("nom", "few"): "события",
    ("nom", "many"): "событий",
    ("gen", "one"): "события",
    ("gen", "few"): "событий",
    ("gen", "many"): "событий",
}
GENITIVE_PREPOSITIONS = {"у", "из", "для", "от", "до", "без", "около"}
LATIN_THEN_CYRILLIC = re.compile(r"[A-Za-z][»”’]?[\u0400-\u04ff]")  # «Integralpo»нун too
FRENCH_SIGN_WITHOUT_NARROW_SPACE = re.compile(r"(?<![\u202f/:\d])[:;?!»]|«(?!\u202f)")
TAG = re.compile(r"<[^>]+>")
QUOTE = re.compile(r"<blockquote[^>]*>.*?</blockquote>", re.S)
URL_OR_TIME = re.compile(r"https?://\S+|\d:\d")


@cache
def _answerer() -> Answerer:
    from bot.paths import DEFAULT_DATA_DIR

    return Answerer.from_directory(DEFAULT_DATA_DIR)


def _render(answer: Answer) -> str:
    """The reply as the reader sees it, without the card's quote (the seed's own English)."""
    html = render_html(answer, _answerer().catalog, limit=None, page_size=100).text
    return unescape(TAG.sub("", QUOTE.sub("", html)))


def _event_replies(event: Event, language: str) -> Iterator[tuple[str, str]]:
    """(what, text) for every way one event is shown: card, date answer, first, latest, list."""
    card = _answerer().card(event.id, language)
    assert card is not None
    yield "card", _render(card)
    for intent in (Intent.DATE_OF, Intent.FIRST, Intent.LATEST, Intent.LIST):
        yield intent.value, _render(Answer("", language, intent, event_ids=(event.id,)))


def _quizzes(language: str, count: int = 150) -> list[tuple[str, str]]:
    catalog = _answerer().catalog
    rng = random.Random(f"wording-{language}")
    texts: list[tuple[str, str]] = []
    for _ in range(count):
        quiz = make_quiz(catalog, language, rng)
        assert quiz is not None
        texts.append((quiz.event_id, "\n".join((quiz.question, *quiz.options, quiz.explanation))))
    return texts


def _all_replies(language: str) -> Iterator[str]:
    """Every kind of reply in one language: per event, lists, counts, places, smalltalk, quiz."""
    catalog = _answerer().catalog
    for event in catalog.events:
        for _, text in _event_replies(event, language):
            yield text
    every = tuple(e.id for e in catalog.events)
    for intent in (Intent.LIST, Intent.COUNT, Intent.OVERVIEW):
        query = Query(intent.value, years=(2017,))
        yield _render(Answer("", language, intent, event_ids=every, query=query))
    yield _render(
        Answer("", language, Intent.COUNT, query=Query("count", years=(2013,)), no_match=True)
    )
    yield _render(
        Answer("", language, Intent.LIST, query=Query("list", unknown_place="Osh"), no_match=True)
    )
    for intent in sorted(set(Intent) - {Intent.CLARIFY}):  # "did you mean" always carries readings
        # every kind of reply, with nothing found and with one event
        yield _render(Answer("?", language, intent, query=Query(intent.value)))
        yield _render(Answer("?", language, intent, event_ids=every[-1:], query=Query(intent)))
    yield _render(Answer("", language, Intent.OUT_OF_SCOPE))
    for _, text in _quizzes(language, 60):
        yield text


def _interface_texts(language: str) -> list[str]:
    return list(_answerer().catalog.locales[language].values())


# --- planned is never told as held -----------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_planned_event_is_called_planned_wherever_it_is_shown(language: str) -> None:
    catalog = _answerer().catalog
    planned_word = Texts(catalog, language).get("card_planned")
    planned = [e for e in catalog.events if e.is_planned]
    assert planned  # the seed's September 2017 conference
    for event in planned:
        for what, text in _event_replies(event, language):
            assert planned_word in text, (language, what, text)
        button = button_title(event, Texts(catalog, language))
        assert planned_word in button


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_quiz_never_asks_about_a_planned_event_as_if_it_took_place(language: str) -> None:
    catalog = _answerer().catalog
    planned = [e for e in catalog.events if e.is_planned]
    for event_id, text in _quizzes(language):
        assert event_id not in {e.id for e in planned}
        for event in planned:
            assert event.title[language] not in text, text


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_game_round_asks_about_a_planned_event_only_as_planned(language: str) -> None:
    """The evening quiz rounds too: a planned event is asked "when was it planned", and its
    explanation says planned; it is never the answer to "which took place"."""
    catalog = _answerer().catalog
    words = Texts(catalog, language)
    planned = {e.id for e in catalog.events if e.is_planned}
    template = words.get("game_explain_planned", title="\x00", date="\x00")
    planned_words = max(template.split("\x00"), key=len).strip()  # "planned for", «date prévue»
    rng = random.Random(f"rounds-{language}")
    asked_planned = 0
    for _ in range(60):
        for question in make_round(catalog, language, 5, rng):
            if question.event_id in planned:
                asked_planned += 1
                assert question.kind == "year_planned", question
                assert planned_words in question.explanation, question.explanation
    assert asked_planned  # the planned conference does come up


@pytest.mark.parametrize("language", LANGUAGES)
def test_places_where_events_took_place_count_only_held_events(language: str) -> None:
    catalog = _answerer().catalog
    first_line = _render(Answer("?", language, Intent.PLACES)).splitlines()[0]
    for city in catalog.used_cities:
        held = sum(city in e.cities for e in catalog.events if not e.is_planned)
        name = catalog.place(city).name(language)  # type: ignore[union-attr]
        if held:
            assert f"{name} ({held})" in first_line, (language, first_line)
        else:
            assert name not in first_line, (language, first_line)


def test_the_kyrgyz_card_of_a_planned_event_does_not_say_where_it_took_place() -> None:
    took_place = Texts(_answerer().catalog, "ky").get("card_place")
    for event in _answerer().catalog.events:
        card = dict(_event_replies(event, "ky"))["card"]
        assert (took_place in card) is not event.is_planned, card


# --- no template leaves a label or a placeholder dangling ------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_reply_leaves_a_placeholder_or_an_empty_value(language: str) -> None:
    source_label = Texts(_answerer().catalog, language).get("card_source")
    for text in _all_replies(language):
        assert "{" not in text and "}" not in text, text
        for broken in (", .", ": .", ":.", ", ,", " ,", ",,", "..", "()", "( )"):
            assert broken not in text.replace("...", "…"), (broken, text)
        for line in text.splitlines():
            if source_label in line:
                continue  # the source's label heads the quote on the next line
            if re.search(r"[:\u202f]:?\s*$", line) and not line.startswith("•"):
                # a line ending in a colon must head what follows it (a list), never stand empty
                following = text[text.index(line) + len(line) :].strip()
                assert following, (language, line)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_fact_asked_for_is_answered_with_its_value_or_said_missing(language: str) -> None:
    """ "Which edition": the 13th, never a header ending in "Edition:"."""
    catalog = _answerer().catalog
    for event in catalog.events:
        for fact in event.facts:
            answer = Answer(
                "", language, Intent.LIST, event_ids=(event.id,), facts=(fact,),
                query=Query("list", facts=(fact.kind,)),
            )  # fmt: skip
            first = _render(answer).splitlines()[0]
            assert str(fact.value) in first, (language, event.id, first)
            assert not first.rstrip().endswith(":"), first


def test_the_13th_edition_is_an_ordinal_in_every_language() -> None:
    wanted = {"en": "13th", "ru": "13-й", "ky": "13-жолу", "fr": "13e", "nl": "13e"}
    for language, ordinal in wanted.items():
        card = dict(
            _event_replies(_answerer().catalog.event("2015-06-colors-of-the-world"), language)  # type: ignore[arg-type]
        )["card"]
        assert ordinal in card, (language, card)


# --- plural forms ----------------------------------------------------------------------------


def _count_texts(language: str) -> list[str]:
    locale = _answerer().catalog.locales[language]
    return sorted({key.split(".")[0] for key, text in locale.items() if "{count}" in text})


@pytest.mark.parametrize("language", ["en", "nl", "fr"])
def test_event_agrees_with_its_number(language: str) -> None:
    texts = Texts(_answerer().catalog, language)
    forms = EVENT_WORD_FORMS[language]
    checked = 0
    for key in _count_texts(language):
        for number in NUMBERS:
            text = texts.get(key, count=number, filter="", first=2012, last=2018, examples="")
            for word in re.findall(rf"\b{number} (?:autres? )?(\w+)", text):
                if word.rstrip("s").rstrip("n").startswith(("event", "évén", "evenem")):
                    one = number == 1 or (language == "fr" and number == 0)
                    assert word in forms["one" if one else "other"], (key, number, text)
                    checked += 1
    assert checked >= 10  # the scan itself found the texts


def test_russian_event_agrees_with_its_number_and_its_case() -> None:
    texts = Texts(_answerer().catalog, "ru")
    checked = 0
    for key in _count_texts("ru"):
        for number in NUMBERS:
            text = texts.get(key, count=number, filter="", first=2012, last=2018, examples="")
            for before, word in re.findall(rf"(\w+)? ?\b{number} (событи\w*)", text):
                case = "gen" if before.lower() in GENITIVE_PREPOSITIONS else "nom"
                assert word == RUSSIAN_FORMS[(case, RUSSIAN_CATEGORY[number])], (key, text)
                checked += 1
    assert checked >= 14


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_bot_has_no_grammatical_gender(language: str) -> None:
    gendered = {"ru": ("нашёл", "нашел", "понял", "рад ", "смог ", "готов ")}.get(language, ())
    for text in _interface_texts(language):
        assert not any(word in text.lower() for word in gendered), text


# --- French spacing --------------------------------------------------------------------------


def _french_slips(text: str) -> list[str]:
    text = URL_OR_TIME.sub("", text)
    return [
        text[max(0, m.start() - 12) : m.end() + 3]
        for m in FRENCH_SIGN_WITHOUT_NARROW_SPACE.finditer(text)
        if m.start() > 0 and text[m.start() - 1] != "\n"
    ]


def test_french_puts_a_narrow_no_break_space_before_high_signs_and_inside_guillemets() -> None:
    catalog = _answerer().catalog
    texts = [*_all_replies("fr"), *_interface_texts("fr")]
    texts += [e.title["fr"] for e in catalog.events] + [e.summary["fr"] for e in catalog.events]
    slips = [slip for text in texts for slip in _french_slips(text)]
    assert slips == []


# --- Russian and Kyrgyz words -----------------------------------------------------------------


@pytest.mark.parametrize("language", ["ru", "ky"])
def test_no_cyrillic_suffix_is_glued_to_latin_letters(language: str) -> None:
    catalog = _answerer().catalog
    texts = [*_all_replies(language), *_interface_texts(language)]
    for event in catalog.events:
        texts += [event.title[language], event.summary[language]]
        texts.append(event.short_title.get(language, ""))
    glued = [m for text in texts for m in LATIN_THEN_CYRILLIC.findall(text)]
    assert glued == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_reply_starts_with_a_capital_letter_or_a_number(language: str) -> None:
    for text in _all_replies(language):
        first = text.lstrip()[:1]
        assert not first.islower(), (language, text[:80])


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_month_and_a_year_read_as_one_date_not_a_list(language: str) -> None:
    """ "June 2015", «2015-жылдын июнь айы»: never "June, 2015"."""
    answerer = _answerer()
    catalog = answerer.catalog
    june = catalog.entity("month", "6")
    assert june is not None
    answer = answerer.answer(f"{june.name(language)} 2015", language)
    words = answer_filter(catalog, answer, Texts(catalog, language))
    assert f"{june.name(language)}, 2015" not in ", ".join(words)
    assert any("2015" in w and june.name(language) in w for w in words), answer


# --- buttons ------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_button_title_is_whole_short_and_tells_the_events_apart(language: str) -> None:
    catalog: Catalog = _answerer().catalog
    texts = Texts(catalog, language)
    titles = [button_title(e, texts) for e in catalog.events]
    for title in titles:
        assert len(f"2017 · {title}") <= 48 and not title.endswith("…"), title
    labelled = [f"{e.start.year} · {t}" for e, t in zip(catalog.events, titles, strict=True)]
    assert len(set(labelled)) == len(labelled)
    nooruz = catalog.event("2017-03-nooruz-ghent")
    assert nooruz is not None
    assert nooruz.aliases[0] in button_title(nooruz, texts) or "Нооруз" in button_title(
        nooruz, texts
    )


@pytest.mark.parametrize("language", ["ru", "ky", "fr", "nl"])
def test_the_english_source_is_labelled_as_english_on_other_cards(language: str) -> None:
    label = Texts(_answerer().catalog, language).get("card_source")
    english = Texts(_answerer().catalog, "en").get("card_source")
    assert label != english
    word = {"ru": "англ", "ky": "англис", "fr": "anglais", "nl": "Engels"}[language]
    assert word in label
