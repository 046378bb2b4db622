"""The one /lang store: which language a person is answered in, also after a restart."""

from __future__ import annotations

from pathlib import Path

from telegram import User

from bot.telegram.languages import Languages
from bot.user_prefs import UserPrefs


def test_the_lang_choice_wins_over_telegrams_language_and_survives_a_restart(
    tmp_path: Path,
) -> None:
    user = User(41, "Aigerim", False, language_code="fr-BE")
    languages = Languages(UserPrefs(tmp_path))
    assert languages.of(user) == "fr"  # Telegram's language, regional part dropped
    languages.choose(user.id, "ky")
    assert languages.of(user) == "ky"

    restarted = Languages(UserPrefs(tmp_path))
    assert restarted.of(user) == "ky"
    assert restarted.for_notice(user.id) == "ky"  # before anything was said to them


def test_a_notice_goes_in_the_last_reply_language_when_nothing_was_chosen(
    tmp_path: Path,
) -> None:
    languages = Languages(UserPrefs(tmp_path))
    assert languages.for_notice(7) == "en"
    languages.remember_reply(7, "nl")
    assert languages.for_notice(7) == "nl"
    languages.choose(7, "ru")
    assert languages.for_notice(7) == "ru"


def test_a_language_the_bot_does_not_speak_is_english(tmp_path: Path) -> None:
    languages = Languages(UserPrefs(tmp_path))
    assert languages.of(User(8, "Kurator", False, language_code="de")) == "en"
    assert languages.of(None) == "en"


def test_a_lang_choice_the_disk_refuses_still_holds_and_raises_nothing(tmp_path: Path) -> None:
    """A read-only state folder used to make /lang answer with an error although the choice
    was applied; now it holds until a restart and the log says why."""
    (tmp_path / "user_prefs.json").mkdir()  # the file cannot be written where a folder is
    prefs = UserPrefs(tmp_path)
    assert prefs.set_language(7, "ky") is False
    assert prefs.language(7) == "ky"
