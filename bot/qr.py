"""QR codes with the bot's t.me link, for the screen of a cultural evening.

segno is pure Python (no network, no image library): it writes the PNG itself. A start payload
opens a given card (an event id) the same way a shared link does.
"""

from __future__ import annotations

import io
import re

USERNAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{3,31}$")
PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
"""Telegram's rules for a bot username and a deep-link start payload."""


class QrError(ValueError):
    """A username or payload Telegram would not accept; the message says which and why."""


def bot_link(username: str, start: str | None = None) -> str:
    """https://t.me/<username>[?start=<payload>], checked against Telegram's rules."""
    username = username.lstrip("@")
    if not USERNAME.match(username):
        raise QrError(f"'{username}' is not a bot username (5-32 letters, digits or _)")
    if start is None or start == "":
        return f"https://t.me/{username}"
    if not PAYLOAD.match(start):
        raise QrError(
            f"'{start}' is not a start payload: only A-Z a-z 0-9 _ - and at most 64 characters"
        )
    return f"https://t.me/{username}?start={start}"


def qr_png(text: str, scale: int = 12) -> bytes:
    """A PNG QR code of `text`: error correction M, a 4-module quiet zone, `scale` px a module."""
    import segno

    code = segno.make(text, error="m", micro=False)
    buffer = io.BytesIO()
    code.save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()
