"""data/locales/: every text a user sees, per language, checked against English.

A language's texts are data/locales/<lang>.yaml merged with data/locales/<adapter>/<lang>.yaml
(one sub-folder per adapter, e.g. telegram/), so each adapter keeps its own texts while one key
is still defined once. en is the reference: every other language has exactly its keys and, in
each text, exactly its {placeholders}.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.catalog.model import DEFAULT_LANGUAGE, LANGUAGES
from bot.catalog.plurals import CATEGORIES
from bot.catalog.problems import Problem
from bot.catalog.yamldoc import Doc, closest, did_you_mean, line_of, read_yaml, scalar_text


@dataclass(frozen=True)
class _Text:
    """One locale text and where it was written."""

    value: str
    file: str  # display name
    line: int
    folder: str  # "" for data/locales/, else the adapter sub-folder
    placeholders: frozenset[str] | None  # None when the braces are broken


def load_locales(
    data_dir: Path, display: Callable[[str], str], problems: list[Problem]
) -> dict[str, dict[str, str]]:
    """Texts per language code and key; problems are appended to `problems`.

    Args:
        data_dir: the data folder.
        display: turns a data/-relative path into the name shown in problems.
        problems: where problems go.
    """
    root = data_dir / "locales"
    if not root.is_dir():
        problems.append(
            Problem(
                display("locales/en.yaml"),
                1,
                "the folder locales/ is missing — add it with en.yaml, ru.yaml, ky.yaml, "
                "fr.yaml and nl.yaml",
            )
        )
        return {}
    texts: dict[str, dict[str, _Text]] = {lang: {} for lang in LANGUAGES}
    files: dict[str, set[str]] = {lang: set() for lang in LANGUAGES}
    paths = sorted(root.glob("*.yaml")) + sorted(root.glob("*/*.yaml"))
    for path in paths:
        relative = path.relative_to(data_dir).as_posix()
        folder = "" if path.parent == root else path.parent.name
        doc = Doc(display(relative), problems)
        lang = path.stem
        if lang not in LANGUAGES:
            doc.report(
                1,
                f"'{path.name}' is not a language this bot speaks.{did_you_mean(lang, LANGUAGES)}"
                f" Locale files are named {', '.join(f'{code}.yaml' for code in LANGUAGES)}",
            )
            continue
        files[lang].add(folder)
        _read(path, doc, folder, texts[lang])
    reference = texts[DEFAULT_LANGUAGE]
    for lang in LANGUAGES:
        _check_plural_variants(lang, texts[lang], reference, problems)
        if lang != DEFAULT_LANGUAGE:
            _compare(lang, texts[lang], reference, files, display, problems)
    return {lang: {key: text.value for key, text in texts[lang].items()} for lang in LANGUAGES}


def _read(path: Path, doc: Doc, folder: str, into: dict[str, _Text]) -> None:
    """Add one file's texts; a key already defined (here or in a sibling file) is a problem."""
    node = read_yaml(path, doc, "some_key: some text")
    if node is None:
        return
    items = doc.mapping(node, "the file")
    for key, key_node, value_node in items or []:
        if key in into:
            first = into[key]
            doc.report(
                key_node,
                f"the text '{key}' is already defined in {first.file}:{first.line} — a key is "
                "defined once; remove one of them",
            )
            continue
        value = scalar_text(value_node)
        if value is None:
            doc.report(value_node, f"'{key}' should be a text (in quotes if it has ': ' or '{{')")
            continue
        if not value.strip():
            doc.report(value_node, f"'{key}' has no text — write it in")
            continue
        fields = placeholders(value)
        if fields is None:
            doc.report(
                value_node,
                f"'{key}': a {{ or }} is not closed — placeholders are written {{name}}, "
                "with the name exactly as in en.yaml",
            )
        into[key] = _Text(value, doc.name, line_of(key_node), folder, fields)


def placeholders(text: str) -> frozenset[str] | None:
    """The {names} in a text, or None when its braces do not pair up."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        return None
    return frozenset(name for _, name, _, _ in parsed if name is not None)


def _check_plural_variants(
    lang: str, texts: dict[str, _Text], reference: dict[str, _Text], problems: list[Problem]
) -> None:
    """`key.few` is a plural variant of `key`: the language must have that category, the base
    text must exist in English, and the placeholders must be the base's."""
    for key, text in texts.items():
        if "." not in key:
            continue
        base, _, category = key.partition(".")
        allowed = CATEGORIES.get(lang, ("one", "other"))
        base_text = reference.get(base)
        if category not in allowed:
            problems.append(
                Problem(
                    text.file,
                    text.line,
                    f"'{key}': '{category}' is not a plural form of this language — use "
                    f"{', '.join(f'{base}.{c}' for c in allowed)}",
                )
            )
        elif base_text is None:
            problems.append(
                Problem(
                    text.file,
                    text.line,
                    f"'{key}' is a plural form of '{base}', which en.yaml does not have — add "
                    f"'{base}' to en.yaml or fix the name",
                )
            )
        elif (
            base_text.placeholders is not None
            and text.placeholders is not None
            and text.placeholders != base_text.placeholders
        ):
            problems.append(
                Problem(
                    text.file,
                    text.line,
                    f"the placeholders in '{key}' differ from '{base}' in English: en has "
                    f"{_braces(base_text.placeholders)}, this has {_braces(text.placeholders)}",
                )
            )


def _compare(
    lang: str,
    texts: dict[str, _Text],
    reference: dict[str, _Text],
    files: dict[str, set[str]],
    display: Callable[[str], str],
    problems: list[Problem],
) -> None:
    """Same keys as English, same placeholders in each text."""
    missing_files: set[str] = set()
    for folder in sorted(files[DEFAULT_LANGUAGE] - files[lang]):
        relative = f"locales/{folder}/{lang}.yaml" if folder else f"locales/{lang}.yaml"
        count = sum(1 for text in reference.values() if text.folder == folder)
        en_file = relative.removesuffix(f"{lang}.yaml") + f"{DEFAULT_LANGUAGE}.yaml"
        problems.append(
            Problem(
                display(relative),
                1,
                f"the file is missing — {display(en_file)} has {count} texts; copy it here "
                "and translate each text",
            )
        )
        missing_files.add(folder)
    order = list(reference)
    unknown = [key for key in texts if key not in reference and "." not in key]
    renamed = {closest(key, [k for k in order if k not in texts]) for key in unknown}
    for key, en_text in reference.items():
        if "." in key:
            continue  # a plural form of English; other languages have their own forms
        if key in texts or en_text.folder in missing_files or key in renamed:
            continue
        folder = en_text.folder
        relative = f"locales/{folder}/{lang}.yaml" if folder else f"locales/{lang}.yaml"
        index = order.index(key)
        after = next((k for k in reversed(order[:index]) if k in texts), None)
        where = f"after '{after}'" if after else "at the top"
        problems.append(
            Problem(
                display(relative),
                1,
                f"the text '{key}' is missing (in English, {en_text.file}:{en_text.line}: "
                f'"{en_text.value}") — '
                f"add it, translated, {where}",
            )
        )
    for key, text in texts.items():
        if "." in key:
            continue  # a plural form: checked by _check_plural_variants
        en = reference.get(key)
        if en is None:
            problems.append(
                Problem(
                    text.file,
                    text.line,
                    f"the text '{key}' is not in en.yaml, the reference.{did_you_mean(key, order)}"
                    " Rename it to the English key or remove it",
                )
            )
            continue
        if en.placeholders is None or text.placeholders is None:
            continue
        if text.placeholders != en.placeholders:
            problems.append(
                Problem(
                    text.file,
                    text.line,
                    f"the placeholders in '{key}' differ from English: en has "
                    f"{_braces(en.placeholders)}, this has {_braces(text.placeholders)} — keep "
                    "the names in braces exactly as in en.yaml and translate only the words "
                    "around them",
                )
            )


def _braces(names: frozenset[str]) -> str:
    return ", ".join(f"{{{name}}}" for name in sorted(names)) or "none"
