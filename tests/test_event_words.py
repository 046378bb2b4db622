"""An event's own words decide whether a follow-up ("qui était au piano ?") is about it. They are
kept per event in a bounded table: a shortcut only, never a different answer."""

from __future__ import annotations

from pathlib import Path

from bot.answering import Answerer
from bot.catalog.dialogue_set import load_dialogue_set
from bot.conversation import Conversation
from bot.rendering import render_html
from bot.understanding.event_words import EVENTS_KEPT, STEM, EventWords, event_words, mentioned
from bot.understanding.normalise import fold

ROOT = Path(__file__).parent.parent
DIALOGUES = ROOT / "tests" / "dialogues_blind.yaml"


def _turns(answerer: Answerer) -> list[tuple[str, str, str]]:
    replies = []
    for dialogue in load_dialogue_set(DIALOGUES):
        conversation = Conversation()
        for turn in dialogue.turns:
            answer, conversation = answerer.converse(turn.question, conversation)
            page = render_html(answer, answerer.catalog)
            replies.append((answer.intent.value, ",".join(answer.event_ids), page.text))
    return replies


def test_a_word_is_mentioned_exactly_when_it_or_its_stem_is_in_the_events_texts() -> None:
    answerer = Answerer.from_directory(ROOT / "data")
    events = answerer.catalog.events
    for index, event in enumerate(events):
        own = set(event_words(event))
        other = events[(index + 1) % len(events)]
        texts = [*event.title.values(), *other.summary.values(), "piano zzzz ab режиссёра"]
        for word in {w for text in texts for w in fold(text).split()}:
            stem = word[:STEM]
            expected = word in own or (len(word) >= STEM and any(w.startswith(stem) for w in own))
            assert mentioned(word, event_words(event)) is expected, (event.id, word)


def test_the_table_stays_bounded_and_answers_stay_the_same_after_its_events_changed() -> None:
    fresh = _turns(Answerer.from_directory(ROOT / "data"))
    answerer = Answerer.from_directory(ROOT / "data")
    assert _turns(answerer) == fresh
    table: EventWords = answerer.event_words
    for event in answerer.catalog.events:  # every event asked for: the first ones pushed out
        assert table.mention("zzzz", event) is False
    assert len(table) <= EVENTS_KEPT
    assert _turns(answerer) == fresh
    assert len(table) <= EVENTS_KEPT
