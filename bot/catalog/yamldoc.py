"""Reading one YAML file of data/ as a node tree, so every problem can name its line.

The loader never builds plain Python values with `yaml.safe_load`: it walks the composed nodes,
which keep their position, and turns each into a typed value, reporting what it cannot use.
Scalars are taken as written (`yes` stays the text "yes", `2017-04-18` stays the text), so a
curator is never surprised by YAML's implicit typing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.reader import ReaderError

from bot.catalog.model import LANGUAGES
from bot.catalog.problems import Problem

# libyaml's loader composes the same nodes, with the same line marks, about six times faster
# (start-up 0.5 s -> 0.35 s); the pure-Python one is the fallback where libyaml is missing.
_SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_FILE_BYTES = 2 * 1024 * 1024
"""Files above this are refused: data/ is hand-written text, a bigger file is a mistake."""

_LOCALIZED = " as {en: ..., ru: ..., ky: ..., fr: ..., nl: ...}"
FIELD_HINTS = {
    "id": " (events: YYYY-MM-short-slug, see docs/event-ids.md; others: a lowercase word)",
    "start": ' ("YYYY-MM-DD", or "YYYY-MM" when the seed gives only the month)',
    "status": " (held, or planned when the seed only announces it)",
    "section": " (the id of a topic under 'topics:', e.g. culture or sports)",
    "categories": " (a list of ids from data/lexicon/categories.yaml)",
    "cities": " (a list of city ids; [] when the seed names no city)",
    "names": _LOCALIZED,
    "title": _LOCALIZED,
    "summary": _LOCALIZED,
    "source": " (the seed's sentence, copied word for word)",
    "kind": " (for a fact: one of the ids in data/lexicon/facts.yaml)",
    "value": " (a whole number the seed states)",
}
"""What to write for a missing required key, so the message shows the way to fix it."""

NULL_TAG = "tag:yaml.org,2002:null"
INT_TAG = "tag:yaml.org,2002:int"
BOOL_TAG = "tag:yaml.org,2002:bool"
TRUE_WORDS = frozenset({"true", "yes", "on", "y"})


def line_of(node: Node) -> int:
    """1-based line where a node starts (yaml counts from 0)."""
    return int(node.start_mark.line) + 1


def closest(word: str, choices: Iterable[str], cutoff: float = 60.0) -> str | None:
    """The known word a typo most probably meant, or None when nothing is close."""
    options = list(choices)
    if not options:
        return None
    found = process.extractOne(word, options, scorer=fuzz.ratio, score_cutoff=cutoff)
    return str(found[0]) if found else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' Did you mean 'x'?' or nothing, to append to a message."""
    guess = closest(word, choices)
    return f" Did you mean '{guess}'?" if guess else ""


def one_of(choices: Iterable[str], limit: int = 20) -> str:
    """A readable list of the allowed values, cut when it is long."""
    items = sorted(choices)
    shown = ", ".join(items[:limit])
    return shown + (f", ... ({len(items)} in all)" if len(items) > limit else "")


@dataclass
class Record:
    """A YAML mapping with its keys checked: values by key, and each key's node for its line."""

    node: MappingNode
    values: dict[str, Node] = field(default_factory=dict)
    keys: dict[str, Node] = field(default_factory=dict)
    guessed: set[str] = field(default_factory=set)  # keys an unknown key probably meant

    def get(self, key: str) -> Node | None:
        return self.values.get(key)

    def line(self, key: str | None = None) -> int:
        """The line of a key if present, else of the mapping itself."""
        if key is not None and key in self.keys:
            return line_of(self.keys[key])
        return line_of(self.node)


@dataclass
class Doc:
    """One data file being read: its display name and the shared list of problems."""

    name: str
    problems: list[Problem]

    def report(self, where: Node | int, message: str) -> None:
        line = where if isinstance(where, int) else line_of(where)
        self.problems.append(Problem(self.name, line, message))

    # -- shapes -------------------------------------------------------------------------------

    def record(
        self,
        node: Node,
        what: str,
        known: Sequence[str],
        required: Sequence[str] = (),
    ) -> Record | None:
        """A mapping whose keys are all known and whose required keys are present."""
        if not isinstance(node, MappingNode):
            self.report(node, f"{what} should be a set of 'key: value' lines, {kind_of(node)}")
            return None
        rec = Record(node)
        for key_node, value_node in node.value:
            key = scalar_text(key_node)
            if key is None:
                self.report(key_node, f"{what}: a key must be a plain word, {kind_of(key_node)}")
                continue
            if key in rec.values:
                self.report(
                    key_node,
                    f"{what}: '{key}' is given twice (first on line {rec.line(key)}) — "
                    "keep one of them",
                )
                continue
            if key not in known:
                guess = closest(key, known)
                if guess:
                    rec.guessed.add(guess)
                hint = f" Did you mean '{guess}'?" if guess else ""
                self.report(
                    key_node,
                    f"{what}: unknown key '{key}'.{hint} Allowed keys: {', '.join(known)}",
                )
                continue
            rec.values[key] = value_node
            rec.keys[key] = key_node
        for key in required:
            if key not in rec.values and key not in rec.guessed:  # a typo is reported once
                hint = FIELD_HINTS.get(key, "")
                self.report(node, f"{what}: '{key}:' is missing — add it{hint}")
        return rec

    def mapping(self, node: Node, what: str) -> list[tuple[str, Node, Node]] | None:
        """A mapping with free keys (locale texts, intents): (key, key node, value node), keys
        given twice reported."""
        if not isinstance(node, MappingNode):
            self.report(node, f"{what} should be a set of 'key: value' lines, {kind_of(node)}")
            return None
        seen: dict[str, int] = {}
        items: list[tuple[str, Node, Node]] = []
        for key_node, value_node in node.value:
            key = scalar_text(key_node)
            if key is None:
                self.report(key_node, f"{what}: a key must be a plain word, {kind_of(key_node)}")
                continue
            if key in seen:
                self.report(
                    key_node,
                    f"{what}: '{key}' is given twice (first on line {seen[key]}) — keep one",
                )
                continue
            seen[key] = line_of(key_node)
            items.append((key, key_node, value_node))
        return items

    def sequence(self, node: Node, what: str) -> list[Node] | None:
        """A YAML list (`[a, b]` or lines starting with '- ')."""
        if isinstance(node, SequenceNode):
            return list(node.value)
        if is_null(node):
            return []
        self.report(
            node,
            f"{what} should be a list like [a, b] (or lines starting with '- '), {kind_of(node)}",
        )
        return None

    # -- scalars ------------------------------------------------------------------------------

    def text(self, node: Node, what: str) -> str | None:
        """A non-empty text, taken as written."""
        value = scalar_text(node)
        if value is None:
            if is_null(node):
                self.report(node, f"{what} is empty — write it in")
            else:
                self.report(node, f"{what} should be a text, {kind_of(node)}")
            return None
        if not value.strip():
            self.report(node, f"{what} is empty — write it in")
            return None
        return value.strip()

    def optional_text(self, node: Node | None, what: str) -> str | None:
        """A text, or None when absent or null."""
        if node is None or is_null(node):
            return None
        return self.text(node, what)

    def texts(self, node: Node | None, what: str) -> list[tuple[str, Node]]:
        """A list of non-empty texts, each with its node (for its line)."""
        if node is None:
            return []
        items = self.sequence(node, what)
        result: list[tuple[str, Node]] = []
        for item in items or []:
            value = self.text(item, f"an entry of {what}")
            if value is not None:
                result.append((value, item))
        return result

    def integer(self, node: Node, what: str) -> int | None:
        """A whole number."""
        if isinstance(node, ScalarNode) and node.tag == INT_TAG:
            try:
                return int(str(node.value).replace("_", ""))
            except ValueError:
                pass
        self.report(node, f"{what} should be a whole number like 17, {kind_of(node)}")
        return None

    def boolean(self, node: Node, what: str) -> bool | None:
        """true or false."""
        if isinstance(node, ScalarNode) and node.tag == BOOL_TAG:
            return str(node.value).lower() in TRUE_WORDS
        self.report(node, f"{what} should be true or false, {kind_of(node)}")
        return None

    def localized(
        self, rec: Record, key: str, what: str, max_length: int | None = None
    ) -> dict[str, str] | None:
        """A text in each of the five languages, each non-empty (and not too long)."""
        node = rec.get(key)
        if node is None:
            return None
        label = f"{what}: {key}"
        if not isinstance(node, MappingNode):
            self.report(
                node,
                f"{label} should give one text per language "
                f"({{{', '.join(f'{lang}: ...' for lang in LANGUAGES)}}}), {kind_of(node)}",
            )
            return None
        inner = self.record(node, label, LANGUAGES)
        if inner is None:
            return None
        result: dict[str, str] = {}
        missing: list[str] = []
        for lang in LANGUAGES:
            value_node = inner.get(lang)
            if value_node is None or is_null(value_node):
                missing.append(lang)
                continue
            value = scalar_text(value_node)
            if value is None:
                self.report(value_node, f"{label}.{lang} should be a text, {kind_of(value_node)}")
                continue
            if not value.strip():
                missing.append(lang)
                continue
            value = value.strip()
            if max_length is not None and len(value) > max_length:
                self.report(
                    value_node,
                    f"{label}.{lang} is {len(value)} characters long, more than {max_length} — "
                    "shorten it (details belong in the summary)",
                )
            result[lang] = value
        if missing:
            self.report(
                rec.line(key),
                f"{label} has no translation for {', '.join(missing)} — add "
                f"{', '.join(f'{lang}: ...' for lang in missing)}",
            )
        return result if len(result) == len(LANGUAGES) else None


def is_null(node: Node | None) -> bool:
    return isinstance(node, ScalarNode) and node.tag == NULL_TAG


def scalar_text(node: Node) -> str | None:
    """The text of a scalar as written, or None for null, lists and mappings."""
    if isinstance(node, ScalarNode) and node.tag != NULL_TAG:
        return str(node.value)
    return None


def kind_of(node: Node) -> str:
    """What the curator wrote instead, in words: 'not a list', 'not the text ...'."""
    if isinstance(node, MappingNode):
        return "not a set of 'key: value' lines"
    if isinstance(node, SequenceNode):
        return "not a list"
    if is_null(node):
        return "not empty"
    return f"not '{node.value}'"


def read_yaml(path: Path, doc: Doc, expected: str, raw: bytes | None = None) -> Node | None:
    """The node tree of a file, or None (with a problem) when it cannot be used at all.

    Args:
        path: the file.
        doc: where problems go, and the file's display name.
        expected: how the file should start, for the message on an empty file ("events:").
        raw: the file's bytes when the caller has read them already (and keyed a cache by
            them): exactly those bytes are parsed, whatever the file holds by now.
    """
    size = path.stat().st_size if raw is None else len(raw)
    if size > MAX_FILE_BYTES:
        doc.report(
            1,
            f"the file is {size / 1024 / 1024:.1f} MB, more than the 2 MB limit — refusing to "
            "read it. data/ files are hand-written text; remove what does not belong here",
        )
        return None
    if raw is None:
        raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        doc.report(
            line,
            f"the file is not UTF-8 text (byte 0x{raw[error.start]:02x} here) — open it in an "
            "editor and save it with the encoding UTF-8",
        )
        return None
    text = text.removeprefix("\ufeff")
    try:
        try:
            root = yaml.compose(text, Loader=_SAFE_LOADER)
        except yaml.YAMLError as error:
            if _SAFE_LOADER is not yaml.SafeLoader and refused_as_too_deep(error):
                # Past libyaml's 1000 levels: the pure-Python loader would only recurse out,
                # slowly (its flow scanner is quadratic in the depth), so name the line now.
                doc.report(line_past_max_depth(text), nesting_hint(None))
                return None
            # The pure-Python loader words syntax errors better; the slow path is rare.
            root = yaml.compose(text, Loader=yaml.SafeLoader)
    except RecursionError:
        # yaml's composer recurses once per nesting level (libyaml refuses 1000 levels, then the
        # pure-Python loader runs out of stack near 500): count the levels without recursing.
        line, depth = nesting_of(text)
        doc.report(line, nesting_hint(depth))
        return None
    except ReaderError as error:
        # A character YAML refuses (NUL, other controls): no line mark, only its index.
        line, message = unacceptable_character(text, error)
        doc.report(line, message)
        return None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = int(mark.line) + 1 if mark is not None else 1
        doc.report(line, f"YAML syntax error: {syntax_hint(error)}")
        return None
    except yaml.YAMLError as error:  # pragma: no cover - every other yaml error is marked
        doc.report(1, f"YAML syntax error: {error}")
        return None
    if root is None or is_null(root):
        doc.report(1, f"the file is empty — it should start with '{expected}'")
        return None
    deep = too_deep(root)
    if deep is not None:
        line, depth = deep
        doc.report(line, nesting_hint(depth))
        return None
    return root


MAX_DEPTH = 32
"""Lists and mappings nested deeper than this are refused: data files nest at most 5 levels, and
yaml's composer recurses once per level (it runs out of stack near 500)."""


LIBYAML_MAX_DEPTH = 1000
"""libyaml refuses to nest deeper than this ('exceeded maximum nesting depth')."""


def nesting_hint(depth: int | None) -> str:
    """The message for a file nested far too deep (None: past libyaml's limit, not counted)."""
    levels = f"more than {LIBYAML_MAX_DEPTH}" if depth is None else str(depth)
    return (
        f"the file nests lists/mappings {levels} levels deep; data files need at most a few "
        "levels — look for unclosed brackets"
    )


def refused_as_too_deep(error: yaml.YAMLError) -> bool:
    """Whether libyaml stopped because the nesting passed its limit, not for bad syntax."""
    return "maximum nesting depth" in str(getattr(error, "problem", "") or "")


def line_past_max_depth(text: str) -> int:
    """The line where the nesting passes MAX_DEPTH, read only that far.

    The parse stops as soon as it gets there, so its cost stays linear in the text: the
    pure-Python scanner's work per token grows with the depth only up to MAX_DEPTH.
    """
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    return int(mark.line) + 1 if mark is not None else 1
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        pass
    return 1


def too_deep(root: Node) -> tuple[int, int] | None:
    """(line where the nesting passes MAX_DEPTH, deepest level) or None when the tree is fine.

    Walks without recursion, and each node once: an alias is the node it names, so a 'billion
    laughs' of aliases costs its written size and a self-referencing alias cannot loop.
    """
    first: int | None = None
    deepest = 0
    seen: set[int] = set()
    if isinstance(root, ScalarNode):
        return None
    stack: list[tuple[Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        deepest = max(deepest, depth)
        if depth > MAX_DEPTH and first is None:
            first = line_of(node)
        if isinstance(node, SequenceNode):
            children: list[Node] = node.value
        else:  # only lists and mappings are pushed
            children = [part for pair in node.value for part in pair]
        stack.extend(
            (child, depth + 1)
            for child in reversed(children)  # popped in file order
            if not isinstance(child, ScalarNode)
        )
    return None if first is None else (first, deepest)


def nesting_of(text: str) -> tuple[int, int]:
    """(line where the nesting passes MAX_DEPTH, deepest level) of a text too deep to compose.

    yaml's parser keeps its own stack instead of recursing, so its events can be counted at any
    depth; a syntax error further on ends the count (the levels seen so far are reported).
    """
    line, depth, deepest = 1, 0, 0
    passed = False
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                deepest = max(deepest, depth)
                if depth > MAX_DEPTH and not passed:
                    passed = True
                    mark = event.start_mark
                    line = int(mark.line) + 1 if mark is not None else 1
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        pass
    return line, deepest


_LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")
"""What yaml counts as a line break, so a computed line matches yaml's own marks."""


def unacceptable_character(text: str, error: ReaderError) -> tuple[int, str]:
    """(line, message) for a character YAML refuses, found from its index in the text."""
    position = int(error.position)
    if 0 <= position < len(text):
        char = text[position]
    else:  # pragma: no cover - yaml's index is into the text it was given
        char, position = chr(int(error.character)), 0
    before = text[:position]
    breaks = list(_LINE_BREAK.finditer(before))
    line = len(breaks) + 1
    column = position - (breaks[-1].end() if breaks else 0) + 1
    name = unicodedata.name(char, "")
    if char == "\0":
        what = "a NUL character"
    elif name:
        what = f"the character {name}"
    elif unicodedata.category(char) == "Cc":
        what = "an invisible control character"
    else:
        what = "a code that is no character"
    return line, (
        f"{what} (U+{ord(char):04X}) in column {column} is not allowed in YAML — delete it; it "
        "often comes from copying out of a PDF or a binary file (an editor that shows invisible "
        "characters helps to find it)"
    )


def syntax_hint(error: yaml.MarkedYAMLError) -> str:
    """yaml's own words plus what a curator usually has to do about them."""
    said = " ".join(part for part in (error.context, error.problem) if part)
    if "\\t" in said or "'\\t'" in said or "\t" in said:
        return f"{said} — indent with spaces, not tabs"
    if "mapping values are not allowed" in said:
        return f"{said} — a text that contains ': ' must be put in quotes"
    if "expected <block end>" in said or "did not find expected" in said:
        return f"{said} — check the indentation and that every quote and bracket is closed"
    if "found unexpected end of stream" in said or "while scanning a quoted scalar" in said:
        return f"{said} — a quote is not closed"
    return f"{said} — check the indentation and the quotes around this line"
