"""Telegram's HTML parse mode, as strict as the real server, so bad markup fails in tests.

Only the tags Telegram documents are accepted; tags must balance; a bare `<` or `&` is refused
with Telegram's own "can't parse entities" wording.
"""

from __future__ import annotations

import re

ALLOWED_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "code",
        "pre",
        "blockquote",
        "tg-emoji",
    }
)
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}

_TAG = re.compile(
    r"<(/?)([A-Za-z][A-Za-z0-9-]*)"
    r"((?:\s+[A-Za-z-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>\"']+))?)*)\s*>"
)
_ATTR = re.compile(r"([A-Za-z-]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>\"']+)))?")
_ENTITY = re.compile(r"&(?:#(\d{1,7})|#[xX]([0-9A-Fa-f]{1,6})|([A-Za-z]+));")


class EntityError(ValueError):
    """The text is not valid Telegram HTML; the message is Telegram's description."""


def _offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def parse_html(text: str) -> str:
    """Return the visible text of Telegram HTML, or raise EntityError as Telegram would.

    Raises:
        EntityError: with "Bad Request: can't parse entities: ..." as the message.
    """
    out: list[str] = []
    stack: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "<":
            match = _TAG.match(text, i)
            if match is None:
                raise EntityError(
                    "Bad Request: can't parse entities: Unexpected end of name token at byte "
                    f"offset {_offset(text, i)}"
                )
            closing, name, attrs = match.group(1), match.group(2).lower(), match.group(3)
            if name not in ALLOWED_TAGS:
                kind = "end" if closing else "start"
                raise EntityError(
                    f'Bad Request: can\'t parse entities: Unsupported {kind} tag "{name}" at '
                    f"byte offset {_offset(text, i)}"
                )
            if closing:
                if not stack or stack[-1] != name:
                    expected = f'"</{stack[-1]}>"' if stack else "no end tag"
                    raise EntityError(
                        "Bad Request: can't parse entities: Unmatched end tag at byte offset "
                        f'{_offset(text, i)}, expected {expected}, found "</{name}>"'
                    )
                stack.pop()
            else:
                _check_attributes(name, attrs, stack, _offset(text, i))
                stack.append(name)
            i = match.end()
        elif char == "&":
            match = _ENTITY.match(text, i)
            if match is None or (match.group(3) and match.group(3) not in NAMED_ENTITIES):
                raise EntityError(
                    "Bad Request: can't parse entities: Can't find end of the entity starting "
                    f"at byte offset {_offset(text, i)}"
                )
            if match.group(3):
                out.append(NAMED_ENTITIES[match.group(3)])
            else:
                code = int(match.group(1)) if match.group(1) else int(match.group(2), 16)
                out.append(chr(min(code, 0x10FFFF)))
            i = match.end()
        else:
            out.append(char)
            i += 1
    if stack:
        raise EntityError(
            "Bad Request: can't parse entities: Can't find end tag corresponding to start tag "
            f'"{stack[-1]}"'
        )
    return "".join(out)


def _check_attributes(name: str, attrs: str, stack: list[str], offset: int) -> None:
    values = {
        m.group(1).lower(): next((g for g in m.groups()[1:] if g is not None), "")
        for m in _ATTR.finditer(attrs)
    }
    if name == "a":
        if "a" in stack:
            raise EntityError(
                f"Bad Request: can't parse entities: Nested links are not allowed at byte "
                f"offset {offset}"
            )
        if not values.get("href"):
            raise EntityError(
                f"Bad Request: can't parse entities: Link without URL at byte offset {offset}"
            )
    if name == "span" and values.get("class") != "tg-spoiler":
        raise EntityError(
            'Bad Request: can\'t parse entities: Tag "span" must have class "tg-spoiler" at '
            f"byte offset {offset}"
        )
    if name == "tg-emoji" and not values.get("emoji-id"):
        raise EntityError(
            'Bad Request: can\'t parse entities: Tag "tg-emoji" must have attribute "emoji-id" '
            f"at byte offset {offset}"
        )


def utf16_length(text: str) -> int:
    """Telegram counts message length in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2
