"""What a user typed about themselves stays out of what the bot keeps.

The missed-question log keeps a question's text for the curators for months; a phone number,
an e-mail address, a long number (a card, a passport, an account) or someone's @handle typed
into a question is of no use to them and must not be kept. Each is replaced by a placeholder
that says what was there, so "call me on [phone]" still reads as a question.
"""

from __future__ import annotations

import re

EMAIL = "[email]"
PHONE = "[phone]"
NUMBER = "[number]"
HANDLE = "[handle]"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_HANDLE = re.compile(r"(?<![\w@])@[A-Za-z0-9_]{3,32}\b")
# A run of digits with the separators people put in phone numbers: +32 470 12 34 56,
# (0312) 66-12-34, 0470.12.34.56.
_DIGIT_RUN = re.compile(r"\+?\(?\d[\d\s().\-/]{5,}\d")
_LONG_DIGITS = re.compile(r"\d{7,}")
MIN_PHONE_DIGITS = 7


def _is_year(group: str) -> bool:
    return len(group) == 4 and group[:2] in ("19", "20")


def _phone_or_digits(match: re.Match[str]) -> str:
    run = match.group()
    groups = re.findall(r"\d+", run)
    digits = sum(len(group) for group in groups)
    years = [group for group in groups if _is_year(group)]
    others = [group for group in groups if not _is_year(group)]
    is_date = bool(years) and all(len(group) <= 2 for group in others)
    if digits < MIN_PHONE_DIGITS or is_date or len(groups) == 1:
        # "2010-2015", "12.05.2019", "1999 2005 2012": dates people ask about, not a phone
        # number; one unbroken run is a long number, not a phone.
        return _LONG_DIGITS.sub(NUMBER, run)
    trailing = run[len(run.rstrip(" .-/")) :]
    return PHONE + trailing


def scrub(text: str) -> str:
    """`text` with e-mail addresses, phone numbers, long digit runs and @handles replaced."""
    text = _EMAIL.sub(EMAIL, text)
    text = _HANDLE.sub(HANDLE, text)
    text = _DIGIT_RUN.sub(_phone_or_digits, text)
    return _LONG_DIGITS.sub(NUMBER, text)
