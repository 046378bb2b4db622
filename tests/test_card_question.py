"""A card asked for by a question ("the second one", "tell me about it") is the card itself,
with that question recorded: the question never changes what the card says."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from bot.answering import Answerer
from bot.catalog.model import LANGUAGES
from bot.rendering import render_html

QUESTIONS = ("the second one", "а кто организовал?", "et le 3e ?", "wie zong er?", "2")


def test_a_card_with_its_question_is_the_plain_card_with_that_question() -> None:
    answerer = Answerer.from_directory(Path(__file__).parent.parent / "data")
    for index, event in enumerate(answerer.catalog.events):
        for language in LANGUAGES:
            question = QUESTIONS[index % len(QUESTIONS)]
            plain = answerer.card(event.id, language)
            asked = answerer.card(event.id, language, question)
            assert plain is not None and asked is not None
            assert asked.question == question
            assert asked == replace(plain, question=question)
            page = render_html(asked, answerer.catalog).text
            assert page == render_html(plain, answerer.catalog).text
