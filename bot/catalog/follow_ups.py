"""data/lexicon/follow_ups.yaml: the words of follow-up questions, per kind and language.

The file is `follow_ups:` with one entry per kind (more, continue, correction, ordinals, ...),
each a mapping from a language code to a list of phrases. Every kind must be one the bot knows
and every language one it speaks; an empty list is allowed (the kind is then never recognised).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bot.catalog.model import FOLLOW_UP_KINDS, LANGUAGES, FollowUpWords
from bot.catalog.problems import Problem
from bot.catalog.yamldoc import Doc, did_you_mean, read_yaml

FILE = "lexicon/follow_ups.yaml"
_REQUIRED = ("more", "continue", "correction", "pointer", "first", "second", "last")


def load_follow_ups(
    data_dir: Path, display: Callable[[str], str], problems: list[Problem]
) -> FollowUpWords:
    """The follow-up words; problems (file:line) are appended to `problems`."""
    doc = Doc(display(FILE), problems)
    path = data_dir / FILE
    if not path.is_file():
        doc.report(1, "the file is missing — create it, starting with 'follow_ups:'")
        return FollowUpWords({})
    root = read_yaml(path, doc, "follow_ups:")
    if root is None:
        return FollowUpWords({})
    top = doc.record(root, "the file", ("follow_ups",), ("follow_ups",))
    node = top.get("follow_ups") if top is not None else None
    kinds = doc.mapping(node, "'follow_ups:'") if node is not None else None
    phrases: dict[str, dict[str, tuple[str, ...]]] = {}
    for kind, kind_node, value in kinds or []:
        if kind not in FOLLOW_UP_KINDS:
            doc.report(
                kind_node,
                f"follow_ups: unknown kind '{kind}'.{did_you_mean(kind, FOLLOW_UP_KINDS)} "
                f"Use one of: {', '.join(FOLLOW_UP_KINDS)}",
            )
            continue
        per_language: dict[str, tuple[str, ...]] = {}
        for lang, lang_node, words in doc.mapping(value, f"follow_ups: {kind}") or []:
            if lang not in LANGUAGES:
                doc.report(
                    lang_node,
                    f"follow_ups: {kind}: unknown language '{lang}'."
                    f"{did_you_mean(lang, LANGUAGES)} Use one of: {', '.join(LANGUAGES)}",
                )
                continue
            per_language[lang] = tuple(
                t for t, _ in doc.texts(words, f"follow_ups: {kind}: {lang}")
            )
        phrases[kind] = per_language
    if kinds is not None:
        missing = [kind for kind in _REQUIRED if kind not in phrases]
        if missing:
            doc.report(
                node if node is not None else 1,
                f"follow_ups: {', '.join(missing)} missing — add "
                f"{', '.join(f'{k}: {{en: [...], ...}}' for k in missing)}",
            )
    return FollowUpWords(phrases)
