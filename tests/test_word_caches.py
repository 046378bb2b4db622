"""What the understanding remembers per word (folds, stems, typo readings) is a shortcut only:
bounded however many new words arrive, and never a different answer, even after the oldest
words were pushed out."""

from __future__ import annotations

import random
from pathlib import Path

from bot.answering import Answerer
from bot.catalog.question_set import load_question_set
from bot.rendering import render_html
from bot.understanding import follow_up, matching
from bot.understanding import vocabulary as vocabulary_module
from bot.understanding.normalise import fold_word

QUESTIONS = Path(__file__).parent / "questions.yaml"
FOLLOW_UPS = ("seccond", "the thrid one", "morre", "вторйо", "seconds", "next one", "последни")


def _replies(answerer: Answerer, questions: list[str]) -> list[tuple[str, ...]]:
    replies = []
    for question in questions:
        answer = answerer.answer(question)
        page = render_html(answer, answerer.catalog)
        replies.append((answer.intent.value, ",".join(answer.event_ids), answer.token, page.text))
    return replies


def test_a_flood_of_new_words_stays_bounded_and_changes_no_answer() -> None:
    answerer = Answerer.from_directory(Path(__file__).parent.parent / "data")
    questions = [case.question for case in load_question_set(QUESTIONS)][::6]
    before = _replies(answerer, questions)
    read_before = [answerer.follow_ups.read(text) for text in FOLLOW_UPS]
    rng = random.Random(13)
    letters = "abcdefghijklmnopqrstuvwxyzабвгдеёжзийклмнопрстуфхцчшщыэюяңөү"
    for _ in range(1500):  # 4,500 new words: more than the bounds hold (with the ~4,000 stems
        # the text index keeps from its build, the stems' too)
        # made-up words of typo length, plus a slip of a real word now and then
        words = ["".join(rng.choice(letters) for _ in range(rng.randint(5, 12))) for _ in range(3)]
        text = " ".join(words) + rng.choice((" concerts", " exhibiton", ""))
        answerer.answer(text)
        answerer.follow_ups.read(text)
    after = _replies(answerer, questions)
    assert after == before
    assert [answerer.follow_ups.read(text) for text in FOLLOW_UPS] == read_before
    vocabulary = answerer.understander.vocabulary
    assert len(vocabulary._stem_cache) <= vocabulary_module._STEM_CACHE_SIZE
    assert len(matching._WORD_FACTS[vocabulary]) <= matching._WORD_FACTS_SIZE
    assert len(matching._READINGS[vocabulary]) <= matching._TYPO_CACHE_SIZE
    assert fold_word.cache_info().currsize <= (fold_word.cache_info().maxsize or 0)
    assert len(answerer.follow_ups._typos) <= follow_up._TYPO_CACHE_SIZE
    assert len(answerer.follow_ups._word_facts) <= follow_up._WORD_FACTS_SIZE
    assert len(vocabulary._function_word_cache) <= vocabulary_module._FUNCTION_WORD_CACHE_SIZE
    assert follow_up._latin.cache_info().currsize <= follow_up._LATIN_CACHE_SIZE
