"""The bot against people's questions: tests/questions.yaml, scored by exact event sets.

The floors only ever go up: raise them when the bot gets better, never lower them.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bot.answering import Answerer
from bot.catalog.question_set import Case, load_question_set
from bot.evaluation import Report, evaluate, format_report

QUESTIONS = Path(__file__).resolve().parent / "questions.yaml"
EXACT_MATCH_FLOOR = 0.95
PER_LANGUAGE_FLOOR = 0.93


@pytest.fixture(scope="module")
def cases() -> list[Case]:
    return load_question_set(QUESTIONS)


@pytest.fixture(scope="module")
def report(answerer: Answerer, cases: list[Case]) -> Report:
    return evaluate(answerer, cases)


def test_the_question_set_is_large_and_varied(cases: list[Case]) -> None:
    languages = Counter(c.language for c in cases)
    tags = Counter(t for c in cases for t in c.tags)
    assert len(cases) >= 400
    assert set(languages) == {"en", "ru", "ky", "fr", "nl"}
    assert languages["en"] / len(cases) >= 0.3
    for language in ("ru", "ky", "fr", "nl"):
        assert languages[language] / len(cases) >= 0.1, language
    assert tags["typo"] >= 60
    smalltalk = [c for c in cases if c.intent in ("greeting", "thanks", "help", "out_of_scope")]
    assert len(smalltalk) >= 40
    assert tags["compound"] >= 30


def test_every_expected_event_exists(answerer: Answerer, cases: list[Case]) -> None:
    unknown = {i for c in cases for i in c.expected_ids if answerer.catalog.event(i) is None}
    assert unknown == set()


def test_exact_match_rate_stays_above_the_floor(report: Report) -> None:
    rate = report.overall.exact_rate
    assert rate >= EXACT_MATCH_FLOOR, format_report(report)


@pytest.mark.parametrize("language", ["en", "ru", "ky", "fr", "nl"])
def test_every_language_is_understood(report: Report, language: str) -> None:
    tally = report.by_language[language]
    assert tally.exact_rate >= PER_LANGUAGE_FLOOR, format_report(report)


def test_out_of_scope_and_smalltalk_list_no_event(report: Report) -> None:
    chatty = [
        o
        for o in report.outcomes
        if o.case.intent in ("greeting", "thanks", "help", "out_of_scope") and o.got_ids
    ]
    assert [o.case.question for o in chatty] == []


HOLDOUT = Path(__file__).resolve().parent / "questions_holdout.yaml"
HOLDOUT_FLOOR = 0.95


def test_a_question_set_written_blind_is_answered_as_well(answerer: Answerer) -> None:
    """tests/questions_holdout.yaml was written without seeing the word lists or the tuned set.

    It scored 97.0% on first contact; do not tune the lexicon against its failures one by one,
    or it stops measuring how the bot does on questions nobody anticipated.
    """
    report = evaluate(answerer, load_question_set(HOLDOUT))
    assert report.overall.exact_rate >= HOLDOUT_FLOOR, format_report(report)


BLIND = Path(__file__).resolve().parent / "questions_blind2.yaml"


def test_a_second_blind_set_is_answered_as_well(answerer: Answerer) -> None:
    """tests/questions_blind2.yaml (160 questions) was written blind and committed before the
    bot saw it: 99.4% exact on first contact. The one failure ("what happend in febuary") was a
    general bug, a typo after "in" taken for an unknown place. Do not tune word lists to it."""
    report = evaluate(answerer, load_question_set(BLIND))
    assert report.overall.exact_rate >= HOLDOUT_FLOOR, format_report(report)


BLIND3 = Path(__file__).resolve().parent / "questions_blind3.yaml"
FACTS_STATED_FLOOR = 0.95


def test_the_third_blind_set_is_answered_and_its_facts_stated(answerer: Answerer) -> None:
    """tests/questions_blind3.yaml (410 questions, issue 8's nine kinds) was committed before
    the bot ran on it: 80.5% exact and 84.9% facts stated on first contact. General fixes for
    the kinds of question it showed brought it over both floors; it is no longer blind."""
    report = evaluate(answerer, load_question_set(BLIND3))
    assert report.overall.exact_rate >= HOLDOUT_FLOOR, format_report(report)
    assert report.overall.facts_rate >= FACTS_STATED_FLOOR, format_report(report)
    assert report.overall.says_total >= 150  # most fact questions carry 'says'
