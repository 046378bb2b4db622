"""Every interface text the code asks for exists in English, the fallback of every language.

A missing key would show users its name ("tg_welcome") instead of a sentence; Texts.get only logs
it. Keys are found where the code asks a Texts object (named `texts` or `words`) for a literal.
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

import pytest

from bot.answering import Answerer
from bot.catalog.model import LANGUAGES
from bot.rendering import Texts, render_text
from bot.telegram.admin import ADMIN_COMMANDS
from bot.telegram.menus import GROUP_COMMANDS, PRIVATE_COMMANDS

BOT = Path(__file__).resolve().parent.parent / "bot"
TEXTS_NAMES = {"texts", "words", "say"}
"""How the code names a Texts object (or its bound `get`)."""
TELEGRAM_KEY = re.compile(r"tg_[a-z0-9_]*[a-z0-9]")  # not the "tg_cmd_" of an f-string


def _is_texts(node: ast.expr) -> bool:
    """`texts`, `words`, `context.texts`, `context.texts_in(language)`, `texts(catalog, ...)`."""
    if isinstance(node, ast.Name):
        return node.id in TEXTS_NAMES
    if isinstance(node, ast.Attribute):
        return node.attr == "texts"
    if isinstance(node, ast.Call):
        called = node.func
        name = called.attr if isinstance(called, ast.Attribute) else getattr(called, "id", "")
        return name in {"texts", "texts_in"}
    return False


def _literals(node: ast.expr) -> list[str]:
    """A key literal, or both branches of `"a" if x else "b"`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _literals(node.body) + _literals(node.orelse)
    return []


@functools.cache
def _asked_keys() -> dict[str, str]:
    """Keys asked of a Texts object, plus every literal shaped like a Telegram text key
    (`tg_...`) wherever it appears (a key passed along before it is looked up)."""
    keys: dict[str, str] = {}
    for path in sorted(BOT.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            where = f"{path.relative_to(BOT)}:{getattr(node, 'lineno', 0)}"
            is_text = isinstance(node, ast.Constant) and isinstance(node.value, str)
            if is_text and TELEGRAM_KEY.fullmatch(node.value):
                keys[node.value] = where
            if not (isinstance(node, ast.Call) and node.args):
                continue
            func = node.func
            asks = (
                isinstance(func, ast.Attribute) and func.attr == "get" and _is_texts(func.value)
            ) or (isinstance(func, ast.Name) and func.id == "say")
            if asks:
                for key in _literals(node.args[0]):
                    keys[key] = where
    return keys


def test_the_code_finds_the_keys_it_asks_for() -> None:
    keys = _asked_keys()
    assert len(keys) >= 60  # the scan itself works
    # Through the per-update context, a button's language and a conditional key.
    assert {"tg_stale_button", "tg_lang_set", "tg_inline_nothing", "tg_inline_answer"} <= set(keys)


def test_every_text_the_code_asks_for_exists_in_english(answerer: Answerer) -> None:
    english = answerer.catalog.locales["en"]
    missing = {key: where for key, where in _asked_keys().items() if key not in english}
    assert missing == {}


def test_fact_labels_and_command_descriptions_exist(answerer: Answerer) -> None:
    english = answerer.catalog.locales["en"]
    assert {f"fact_{fact.id}" for fact in answerer.catalog.facts if fact.id != "medals"} <= set(
        english
    )
    commands = {*PRIVATE_COMMANDS, *GROUP_COMMANDS, *ADMIN_COMMANDS}
    assert {f"tg_cmd_{name}" for name in commands} <= set(english)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_example_question_the_bot_offers_finds_events_in_that_language(
    answerer: Answerer, language: str
) -> None:
    """A tapped example (welcome, "nothing found", fallback buttons) must show the bot at its
    best: events found, in the language of the examples, never "the source does not say"."""
    texts = Texts(answerer.catalog, language)
    raw = f"{texts.get('example_questions')}|{texts.get('tg_more_examples')}"
    for question in (q.strip() for q in raw.split("|") if q.strip()):
        answer = answerer.answer(question, language)
        assert answer.event_ids, (language, question)
        assert answer.language == language, (language, question)
        not_said = {
            texts.get(key, title=answerer.catalog.event(i).title_in(language))  # type: ignore[union-attr]
            for i in answer.event_ids
            for key in ("organiser_not_stated", "performer_not_stated")
        }
        first = render_text(answer, answerer.catalog).splitlines()[0]
        assert first not in not_said, (language, question, first)
