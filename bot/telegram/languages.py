"""The one place that says which language a person is answered in.

Every reply, toast, limit notice and admin message reads it here: the /lang choice (kept on
disk by UserPrefs, so it survives a restart), else the Telegram client's language, else English.
Before this store existed, the admin notices found the saved choices only after the first admin
command, so an admin who chose /lang ru before a restart got broken-data notices in English.
"""

from __future__ import annotations

from collections.abc import Callable

from telegram import User

from bot.answering import supported_language
from bot.catalog.model import DEFAULT_LANGUAGE
from bot.user_prefs import UserPrefs


class Languages:
    """The /lang choices and the rule that picks a reply language from them."""

    def __init__(self, prefs: UserPrefs) -> None:
        self._prefs = prefs
        self._last_replied: dict[int, str] = {}
        self._listeners: list[Callable[[int, str], None]] = []

    def of(self, user: User | None) -> str:
        """The /lang choice, else the Telegram language_code (ru, ky, fr, nl; else English)."""
        if user is None:
            return supported_language(None)
        return self._prefs.language(user.id) or supported_language(user.language_code)

    def choose(self, user_id: int, language: str) -> None:
        """/lang: remember the choice on disk before returning, and tell who listens (the
        user's news subscription follows their language)."""
        self._prefs.set_language(user_id, language)
        for listener in self._listeners:
            listener(user_id, language)

    def on_choice(self, listener: Callable[[int, str], None]) -> None:
        """Call `listener(user_id, language)` after every choice."""
        self._listeners.append(listener)

    def forget(self, user_id: int) -> bool:
        """/forget: erase the choice on disk and what this process remembers; whether there
        was anything to erase."""
        remembered = self._last_replied.pop(user_id, None) is not None
        return self._prefs.forget(user_id) or remembered

    def remember_reply(self, user_id: int, language: str) -> None:
        """A reply went to this person in `language` (admins only: the store stays small)."""
        self._last_replied[user_id] = language

    def for_notice(self, user_id: int) -> str:
        """For a message nobody asked for (a broken-data notice to an admin): the /lang
        choice, else the language they were last answered in, else English."""
        return self._prefs.language(user_id) or self._last_replied.get(user_id) or DEFAULT_LANGUAGE
