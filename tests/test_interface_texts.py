"""Every interface text the code asks for exists in English, the fallback of every language.

A missing key would show users its name ("tg_welcome") instead of a sentence; Texts.get only logs
it. Keys are found where the code asks a Texts object (named `texts` or `words`) for a literal.
"""

from __future__ import annotations

import ast
from pathlib import Path

from bot.answering import Answerer

BOT = Path(__file__).resolve().parent.parent / "bot"
TEXTS_NAMES = {"texts", "words"}


def _asked_keys() -> dict[str, str]:
    keys: dict[str, str] = {}
    for path in sorted(BOT.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "get"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id in TEXTS_NAMES
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                keys[node.args[0].value] = f"{path.relative_to(BOT)}:{node.lineno}"
    return keys


def test_the_code_finds_the_keys_it_asks_for() -> None:
    assert len(_asked_keys()) >= 30  # the scan itself works


def test_every_text_the_code_asks_for_exists_in_english(answerer: Answerer) -> None:
    english = answerer.catalog.locales["en"]
    missing = {key: where for key, where in _asked_keys().items() if key not in english}
    assert missing == {}


def test_fact_labels_and_command_descriptions_exist(answerer: Answerer) -> None:
    english = answerer.catalog.locales["en"]
    assert {f"fact_{fact.id}" for fact in answerer.catalog.facts if fact.id != "medals"} <= set(
        english
    )
    assert {key for key in english if key.startswith("tg_cmd_")}
