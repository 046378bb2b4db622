"""French spacing: a narrow no-break space (U+202F) before : ; ? ! % and inside « ».

Why on load: curators type an ordinary space (or none), and Telegram would then break a line
between a word and its colon or guillemet. Every French text the bot shows (interface texts,
event titles, summaries, short titles, names) passes through here once, so no reply can miss it.
"""

from __future__ import annotations

import re

NARROW_NBSP = "\u202f"

_SPACE_BEFORE = re.compile(r"[ \u00a0\u2009\u202f]*([;?!»%])")
_COLON = re.compile(r"(?<![:/])[ \u00a0\u2009\u202f]*:(?![/\d])")
_AFTER_OPENING = re.compile(r"«[ \u00a0\u2009\u202f]*")


def french_spacing(text: str) -> str:
    """The text with French spacing around : ; ? ! « », whatever spaces it had.

    A colon in "https://" or in a time ("10:30") is left alone; so is "?" at the very start.
    """
    text = _AFTER_OPENING.sub("«" + NARROW_NBSP, text)
    text = _SPACE_BEFORE.sub(lambda m: _spaced(m, text), text)
    return _COLON.sub(lambda m: _spaced(m, text, ":"), text)


def _spaced(match: re.Match[str], text: str, mark: str | None = None) -> str:
    sign = mark or match.group(1)
    at_line_start = match.start() == 0 or text[match.start() - 1] == "\n"
    if at_line_start and match.group(0) == sign:
        return sign  # nothing before it to keep it with (a separator " ; " keeps its space)
    return NARROW_NBSP + sign
