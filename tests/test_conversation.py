"""Conversations in the core: what a follow-up points to, in five languages.

Each test talks to the real Answerer through `converse`, turn by turn, the way the terminal and
Telegram do, and checks what the user would notice: which events come back, in which language,
and what the first line says.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answering import Answerer
from bot.catalog.model import Role
from bot.catalog.question_set import load_question_set
from bot.conversation import Conversation
from bot.decision import Answer, Intent
from bot.rendering import render_html
from bot.rendering.html import DEFAULT_PAGE_SIZE
from bot.rendering.marks import PLAIN
from tests.botapi.telegram_html import parse_html
from tests.examples import examples

LANGUAGES = ("en", "ru", "ky", "fr", "nl")
QUESTIONS = Path(__file__).resolve().parent / "questions.yaml"


def talk(answerer: Answerer, *questions: str) -> tuple[list[Answer], Conversation]:
    conversation = Conversation()
    answers = []
    for question in questions:
        answer, conversation = answerer.converse(question, conversation)
        answers.append(answer)
    return answers, conversation


def reply(answerer: Answerer, answer: Answer) -> str:
    return render_html(answer, answerer.catalog, marks=PLAIN).text


# --- fragments replace the slot of the same kind and keep the others ----------------------------

FRAGMENTS = {
    "en": ("concerts in 2015", "and in 2016?", "concerts in 2016"),
    "ru": ("концерты в 2015", "а в 2016?", "концерты в 2016"),
    "ky": ("2015-жылы концерттер", "ал эми 2016-жылы?", "2016-жылы концерттер"),
    "fr": ("concerts en 2015", "et en 2016 ?", "concerts en 2016"),
    "nl": ("concerten in 2015", "en in 2016?", "concerten in 2016"),
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_fragment_changes_the_year_and_keeps_the_kind(answerer: Answerer, language: str) -> None:
    first, fragment, whole = FRAGMENTS[language]
    answers, _ = talk(answerer, first, fragment)
    assert set(answers[1].event_ids) == set(answerer.answer(whole).event_ids)
    assert answers[1].event_ids != answers[0].event_ids
    assert answers[1].language == language


@pytest.mark.parametrize(
    ("first", "fragment", "whole"),
    [
        ("concerts in 2015", "and in Brussels?", "concerts in Brussels in 2015"),
        ("выставки в 2015", "а в Генте?", "выставки в Генте в 2015"),
        ("wat gebeurde er in 2015", "en in Gent?", "wat gebeurde er in Gent in 2015"),
        ("what happened in 2015", "et les concerts ?", "concerts en 2015"),
        ("concerts in 2015", "no, I meant 2016", "concerts in 2016"),
        ("концерты в 2015", "нет, 2017", "концерты в 2017"),
    ],
)
def test_fragments_and_corrections_keep_what_they_do_not_change(
    answerer: Answerer, first: str, fragment: str, whole: str
) -> None:
    answers, _ = talk(answerer, first, fragment)
    assert set(answers[1].event_ids) == set(answerer.answer(whole).event_ids)


def test_a_full_new_question_inherits_nothing(answerer: Answerer) -> None:
    """Every question of the question set that asks something (an intent cue, a kind of event,
    a person) is answered after a conversation exactly as it is alone."""
    _, context = talk(answerer, "films 2017")
    checked = 0
    cases = load_question_set(QUESTIONS)
    cases = cases[:: round(len(cases) / examples(len(cases), least=100))]  # all in `make test`
    for case in cases:
        alone = answerer.answer(case.question)
        query = answerer.understander.understand(case.question)
        if not (query.cues or query.categories or query.people or query.events):
            continue  # "2016?", "in Ghent": fragments by design
        if answerer.follow_ups.read(case.question).opener is not None:
            continue  # "what about Ghent", "and concerts?": fragments by their first words
        follow = answerer.follow_ups.read(case.question)
        if follow.position is not None or follow.aspect is not None:
            continue  # "the last one", "when was it?": about what was just shown
        got, _ = answerer.converse(case.question, context)
        assert set(got.event_ids) == set(alone.event_ids), case.question
        checked += 1
    assert checked >= 0.35 * len(cases)  # 300 of the 739


# --- positions in the last list ---------------------------------------------------------------

POSITIONS = {
    "en": ("the first", "the second one", "tell me about the third", "number 4", "the last"),
    "ru": ("первый", "подробнее о втором", "третий", "номер 4", "последний"),
    "ky": ("биринчиси", "экинчиси", "үчүнчүсү", "номер 4", "акыркысы"),
    "fr": ("le premier", "le deuxième", "le troisième", "numéro 4", "le dernier"),
    "nl": ("de eerste", "vertel meer over de tweede", "de derde", "nummer 4", "de laatste"),
}
LISTS = {
    "en": "what happened in 2015",
    "ru": "что было в 2015 году",
    "ky": "2015-жылы эмне болду",
    "fr": "que s'est-il passé en 2015",
    "nl": "wat gebeurde er in 2015",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_positions_point_into_the_last_list_as_shown(answerer: Answerer, language: str) -> None:
    listing = answerer.answer(LISTS[language])
    shown = listing.event_ids
    assert len(shown) >= 5
    for index, words in zip((0, 1, 2, 3, -1), POSITIONS[language], strict=True):
        answers, conversation = talk(answerer, LISTS[language], words)
        assert answers[1].event_ids == (shown[index],), words
        assert answers[1].intent is Intent.DETAIL
        assert answers[1].language == language, words
        assert conversation.listed == shown  # the list stays for the next position


def test_a_bare_number_picks_from_the_list_and_a_year_does_not(answerer: Answerer) -> None:
    answers, _ = talk(answerer, "what happened in 2015", "3", "2016")
    shown = answers[0].event_ids
    assert answers[1].event_ids == (shown[2],)
    assert set(answers[2].event_ids) == set(answerer.answer("what happened in 2016").event_ids)


def test_positions_walk_a_list_and_thanks_in_between_keeps_it(answerer: Answerer) -> None:
    answers, _ = talk(answerer, "концерты в 2015", "второй", "спасибо", "а третий?")
    shown = answers[0].event_ids
    assert answers[1].event_ids == (shown[1],)
    assert answers[2].intent is Intent.THANKS
    assert answers[3].event_ids == (shown[2],)


def test_the_first_one_ever_is_not_a_position(answerer: Answerer) -> None:
    answers, _ = talk(answerer, "concerts in 2015", "what was the very first event ever?")
    assert answers[1].event_ids == answerer.answer("the very first event").event_ids


# --- more ---------------------------------------------------------------------------------

MORE = {"en": "more", "ru": "ещё", "ky": "дагы", "fr": "encore", "nl": "meer"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_more_shows_the_next_page_then_says_that_is_all(answerer: Answerer, language: str) -> None:
    everything = answerer.answer("all events").event_ids
    pages = -(-len(everything) // DEFAULT_PAGE_SIZE)
    assert pages >= 2
    answers, conversation = talk(answerer, "all events", *[MORE[language]] * pages)
    for page, answer in enumerate(answers[1:pages], start=1):
        shown = render_html(answer, answerer.catalog)
        assert answer.event_ids == everything  # the list's full set, as for the first page
        assert shown.event_ids == everything[page * DEFAULT_PAGE_SIZE :][:DEFAULT_PAGE_SIZE]
        assert answer.language == language
    last = answers[pages]
    assert last.end_of_list and last.event_ids == everything
    assert str(len(everything)) in reply(answerer, last)
    assert conversation.page == pages - 1


# --- questions about the event just shown -----------------------------------------------------

ORGANISED = {
    "en": "who organised it?",
    "ru": "кто это организовал?",
    "ky": "ким уюштурган?",
    "fr": "qui l'a organisé ?",
    "nl": "wie organiseerde dat?",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_who_organised_it_names_the_organisers_in_the_first_line(
    answerer: Answerer, language: str
) -> None:
    catalog = answerer.catalog
    for event in catalog.events:
        card = answerer.card(event.id, language)
        assert card is not None
        conversation = Conversation().with_list(None, (event.id,), language)
        answer, after = answerer.converse(ORGANISED[language], conversation)
        first_line = reply(answerer, answer).splitlines()[0]
        assert answer.event_ids == (event.id,)
        assert after.card == event.id
        organisers = event.with_role(Role.ORGANISER)
        for organiser in organisers:
            kind = "person" if organiser in event.people else "organisation"
            entity = catalog.entity(kind, organiser)
            assert entity is not None
            assert entity.name(language) in first_line, (event.id, first_line)
        if not organisers:
            assert first_line == catalog.locales[language]["about_no_organisers"]


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("when was it?", "en"),
        ("когда это было?", "ru"),
        ("качан болгон?", "ky"),
        ("c'était quand ?", "fr"),
        ("wanneer was dat?", "nl"),
    ],
)
def test_when_was_it_gives_the_date_of_the_card(
    answerer: Answerer, question: str, language: str
) -> None:
    answers, _ = talk(answerer, "tell me about Centaur", question)
    assert answers[1].intent is Intent.DATE_OF
    assert answers[1].event_ids == answers[0].event_ids
    assert "2017" in reply(answerer, answers[1]).splitlines()[0]


def test_where_and_what_they_won_answer_the_fact_first(answerer: Answerer) -> None:
    answers, _ = talk(answerer, "gymnastics competition 2014", "qu'ont-ils gagné ?")
    first = reply(answerer, answers[1]).splitlines()[0]
    assert "1" in first and "3" in first  # 1 gold, 3 bronze, as the seed says
    answers, _ = talk(answerer, "Ak Maral", "waar was dat?")
    assert "BOZAR" in reply(answerer, answers[1]).splitlines()[0]


# --- follow-ups that point at nothing ----------------------------------------------------------

DANGLING = {
    "en": "the second one",
    "ru": "расскажи о втором",
    "ky": "экинчиси",
    "fr": "le deuxième",
    "nl": "de tweede",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_follow_up_to_nothing_asks_which_one_in_a_line_or_two(
    answerer: Answerer, language: str
) -> None:
    answers, _ = talk(answerer, DANGLING[language])
    answer = answers[0]
    text = reply(answerer, answer)
    assert answer.intent is Intent.WHICH_ONE
    assert answer.event_ids == ()
    assert answer.language == language
    out_of_scope = answerer.catalog.locales[language]["out_of_scope"].split("{")[0]
    assert out_of_scope not in text
    assert len(text) < 200


def test_a_position_past_the_end_asks_which_one_and_offers_the_list(answerer: Answerer) -> None:
    answers, _ = talk(answerer, "concerts in 2015", "the ninth")
    assert answers[1].intent is Intent.WHICH_ONE
    offered = [s.kind for s in answers[1].suggestions]
    assert offered == ["event"] * len(answers[0].event_ids)


# --- the state itself ---------------------------------------------------------------------------


def test_the_conversation_survives_json_and_stays_small(answerer: Answerer) -> None:
    conversation = Conversation()
    for case in load_question_set(QUESTIONS)[:300]:
        _, conversation = answerer.converse(case.question, conversation)
        text = conversation.to_json()
        assert Conversation.from_json(text) == conversation, case.question
        assert len(text.encode()) < 2048


@pytest.mark.parametrize("garbage", ["", "[]", "{", '{"query": {"years": "x"}}', '{"page": "a"}'])
def test_a_damaged_conversation_is_a_fresh_start(garbage: str) -> None:
    assert Conversation.from_json(garbage) == Conversation()


def test_every_follow_up_reply_is_html_telegram_accepts(answerer: Answerer) -> None:
    for language in LANGUAGES:
        answers, _ = talk(
            answerer,
            LISTS[language],
            POSITIONS[language][1],
            ORGANISED[language],
            MORE[language],
            DANGLING[language],
        )
        for answer in answers:
            parse_html(render_html(answer, answerer.catalog).text)


@pytest.mark.parametrize(
    ("language", "second", "following"),
    [
        ("en", "the second", "and the next one?"),
        ("ru", "второй", "а следующий?"),
        ("ky", "экинчиси", "кийинкиси"),
        ("fr", "le deuxième", "et le suivant ?"),
        ("nl", "de tweede", "en de volgende?"),
    ],
)
def test_the_next_one_after_a_card_from_a_list_is_the_one_after_it(
    answerer: Answerer, language: str, second: str, following: str
) -> None:
    answers, _ = talk(answerer, LISTS[language], second, following)
    assert answers[2].event_ids == (answers[0].event_ids[2],)


def test_russian_and_kyrgyz_typed_in_latin_letters_follow_up_too(answerer: Answerer) -> None:
    answers, _ = talk(answerer, "что было в 2015 году", "vtoroe", "gde eto bylo?")
    second = answers[0].event_ids[1]
    assert answers[1].event_ids == (second,)
    assert answers[2].event_ids == (second,)
    answers, _ = talk(answerer, "2017-жылы эмне болду", "akyrkysy")
    assert answers[1].event_ids == (answers[0].event_ids[-1],)


@pytest.mark.parametrize(
    ("first", "question", "says"),
    [
        ("the Kok Boru article", "in which newspaper?", "Metro"),
        ("artikel over Kok Boru", "in welke krant?", "Metro"),
        ("la délégation de Liège", "qui en faisait partie ?", "AWEX"),
        ("tell me about Centaur", "who is the director?", "Aktan"),
        ("концерт в честь Айтматова", "кто играл на пианино?", "Григорян"),
    ],
)
def test_a_question_about_a_side_of_the_card_just_shown_gets_that_card(
    answerer: Answerer, first: str, question: str, says: str
) -> None:
    answers, _ = talk(answerer, first, question)
    assert len(answers[0].event_ids) == 1
    assert answers[1].event_ids == answers[0].event_ids
    assert says in reply(answerer, answers[1])


@pytest.mark.parametrize(
    "question",
    [
        "who is the president of France?",
        "who played piano",
        "which films were there?",
        "did anything happen in Kyrgyzstan itself?",
        "what's on this year",
    ],
)
def test_a_question_of_its_own_after_a_card_is_not_about_the_card(
    answerer: Answerer, question: str
) -> None:
    answers, _ = talk(answerer, "tell me about Centaur", question)
    assert set(answers[1].event_ids) == set(answerer.answer(question).event_ids)


def test_the_previous_one_and_what_it_is_about(answerer: Answerer) -> None:
    answers, _ = talk(
        answerer, "wat gebeurde er in 2015", "de vierde", "de vorige", "waar gaat het over?"
    )
    shown = answers[0].event_ids
    assert answers[2].event_ids == (shown[2],)
    assert answers[3].event_ids == (shown[2],) and answers[3].language == "nl"


@pytest.mark.parametrize(
    ("words", "position"),
    [("the seccond one", 2), ("thrid", 3), ("последни", -1), ("tweeede", 2), ("dernire", -1)],
)
def test_a_slip_in_a_position_word_still_points_into_the_list(
    answerer: Answerer, words: str, position: int
) -> None:
    assert answerer.follow_ups.read(words).position == position


@pytest.mark.parametrize("words", ["three", "there", "where", "concerts", "seconds ago"])
def test_words_close_to_a_position_word_are_not_taken_for_one(
    answerer: Answerer, words: str
) -> None:
    assert answerer.follow_ups.read(words).position is None


def test_a_pasted_page_is_read_quickly_enough_to_be_bounded(answerer: Answerer) -> None:
    follow = answerer.follow_ups.read("secnd thrid fourh " * 2000)
    assert follow.unexplained <= 64  # only the first words are looked at


def test_every_slot_a_question_can_fill_belongs_to_a_fragment_group() -> None:
    """A fragment replaces the slots of its own kind; a slot in no group would be dropped or
    kept by accident when the parser learns a new kind of question."""
    from dataclasses import fields

    from bot.conversing import _GROUPS
    from bot.understanding.query import Query

    grouped = {slot for group in _GROUPS for slot in group}
    not_slots = {"intent", "language", "events", "confidence"}  # events: kept or dropped apart
    slots = {f.name for f in fields(Query) if f.compare} - not_slots
    assert slots <= grouped, sorted(slots - grouped)


@pytest.mark.parametrize("question", ["who directed it?", "кто это сделал?", "wie was het?"])
def test_who_after_a_film_or_an_exhibition_names_its_maker_first(
    answerer: Answerer, question: str
) -> None:
    """Nobody was on stage at a film or an exhibition: "who?" names its director or
    photographer in the first line, not the date."""
    from bot.catalog.model import Role

    makers = (Role.DIRECTOR, Role.PHOTOGRAPHER)
    on_stage = (Role.PERFORMER, Role.PARTICIPANT, Role.DELEGATION)
    events = [
        e
        for e in answerer.catalog.events
        if any(e.with_role(r) for r in makers) and not any(e.with_role(r) for r in on_stage)
    ]
    assert events
    for event in events:
        card = answerer.card(event.id, "en")
        assert card is not None
        conversation = Conversation(language="en", card=event.id, listed=(event.id,))
        answer, _ = answerer.converse(question, conversation, "en")
        first = reply(answerer, answer).splitlines()[0]
        names = [
            answerer.catalog.entity("person", who)
            for role in makers
            for who in event.with_role(role)
        ]
        assert any(n is not None and n.name(answer.language) in first for n in names), (
            question,
            event.id,
            first,
        )
        assert str(event.start.year) not in first, first  # the maker, not "title — date"
