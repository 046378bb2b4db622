"""Every numeric setting takes a good value, and answers a bad one with one line that names it
and keeps the default: the bot never starts on a number it cannot use, nor crashes over one."""

from __future__ import annotations

import dataclasses

import pytest

from bot.config import Settings

NUMERIC = {
    # setting: (where Settings keeps it, a good value, what it reads as)
    "WEBHOOK_PORT": ("webhook_port", "8080", 8080),
    "MISSED_RETENTION_DAYS": ("missed_retention_days", "30", 30),
    "CONVERSATION_MINUTES": ("conversation_minutes", "0", 0.0),
    "QUIZ_OPEN_SECONDS": ("quiz_open_seconds", "600", 600),
    "INBOX_STALE_SECONDS": ("inbox_stale_seconds", "60", 60),
    "NEWS_MESSAGES_PER_SECOND": ("news.messages_per_second", "2.5", 2.5),
    "LIMIT_USER_MESSAGES": ("limits.user_messages", "0", 0),
    "LIMIT_USER_SECONDS": ("limits.user_seconds", "0.5", 0.5),
    "LIMIT_GROUP_ANSWERS": ("limits.group_answers", "5", 5),
    "LIMIT_GROUP_SECONDS": ("limits.group_seconds", "60", 60.0),
    "LIMIT_INLINE_QUERIES": ("limits.inline_queries", "7", 7),
    "LIMIT_INLINE_SECONDS": ("limits.inline_seconds", "1", 1.0),
    "LIMIT_MESSAGE_CHARS": ("limits.message_chars", "4000", 4000),
    "LIMIT_USER_TAPS": ("limits.user_taps", "3", 3),
}
BAD = ["abc", "-1", "nan", "inf", "1e99", "1.5.2", "99999999999"]


def _value(settings: Settings, where: str) -> object:
    value: object = settings
    for name in where.split("."):
        value = getattr(value, name)
    return value


@pytest.mark.parametrize("key", NUMERIC)
def test_a_good_value_is_taken_and_a_bad_one_named_with_the_default_kept(key: str) -> None:
    where, good, expected = NUMERIC[key]
    taken = Settings.from_env({key: good}, None)
    assert _value(taken, where) == expected and taken.problems == ()
    default = _value(Settings.from_env({}, None), where)
    for bad in BAD:
        settings = Settings.from_env({key: bad}, None)
        assert _value(settings, where) == default, (key, bad)
        [problem] = settings.problems
        assert problem.startswith(f"{key} should be ") and f"(got {bad!r})" in problem


def _numbers(settings: object, prefix: str = "") -> set[str]:
    found: set[str] = set()
    for field in dataclasses.fields(settings):  # type: ignore[arg-type]
        value = getattr(settings, field.name)
        if dataclasses.is_dataclass(value):
            found |= _numbers(value, f"{field.name}.")
        elif isinstance(value, int | float) and not isinstance(value, bool):
            found.add(prefix + field.name)
    return found


def test_every_numeric_setting_is_covered() -> None:
    """A new number in Settings gets its row above."""
    assert _numbers(Settings()) == {where for where, _, _ in NUMERIC.values()}
