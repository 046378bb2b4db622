"""Per-user choices that must survive a restart (the /lang reply language), in one JSON file.

Writes go to a temporary file in the same folder and are renamed over the old one, so a crash
mid-write never leaves a half-written file behind.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path

from bot.catalog.model import LANGUAGES

log = logging.getLogger(__name__)

FILE_NAME = "user_prefs.json"


class UserPrefs:
    """The reply language each user chose with /lang, keyed by Telegram user id."""

    def __init__(self, state_dir: Path) -> None:
        self.path = state_dir / FILE_NAME
        self._languages: dict[str, str] = {}
        self._load()

    def language(self, user_id: int) -> str | None:
        """The language the user chose, or None when they never chose one."""
        return self._languages.get(str(user_id))

    def set_language(self, user_id: int, language: str) -> bool:
        """Remember the choice and write it to disk before returning; False when the disk
        refused (a read-only state folder): the choice holds until the bot restarts, and the
        user is not told of an error for a choice that was applied."""
        if language not in LANGUAGES:
            raise ValueError(f"unsupported language {language!r}")
        self._languages[str(user_id)] = language
        try:
            self._save()
        except OSError as exc:
            log.warning("the /lang choice holds until a restart only: %s", exc)
            return False
        return True

    def forget(self, user_id: int) -> bool:
        """Erase the user's choice (/forget); whether there was one."""
        if self._languages.pop(str(user_id), None) is None:
            return False
        self._save()
        return True

    def _load(self) -> None:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        except (OSError, ValueError) as exc:
            # A damaged file must not stop the bot: start afresh and say so once.
            log.warning("ignoring unreadable %s: %s", self.path, exc)
            return
        languages = raw.get("languages", {}) if isinstance(raw, dict) else {}
        self._languages = {
            str(k): v for k, v in languages.items() if isinstance(v, str) and v in LANGUAGES
        }

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        payload = json.dumps(
            {"version": 1, "languages": self._languages}, indent=1, sort_keys=True
        )
        handle, temporary = tempfile.mkstemp(prefix=".user_prefs.", dir=self.path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(payload)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
