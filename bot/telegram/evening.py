"""What the cultural-evening features share across updates: the quiz rounds, the pictures, the
poll open period and the admins. Made once by build_application, kept in bot_data."""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass

from telegram import Message

from bot.config import Settings
from bot.game.store import GameStore
from bot.pictures.cache import PictureCache

log = logging.getLogger(__name__)

GAME_FILE = "game.sqlite3"


@dataclass(frozen=True)
class EveningKit:
    games: GameStore | None  # None when BOT_STATE_DIR cannot hold the SQLite file
    pictures: PictureCache
    open_seconds: int
    admin_ids: frozenset[int]

    @classmethod
    def from_settings(cls, settings: Settings) -> EveningKit:
        try:
            games: GameStore | None = GameStore(settings.state_dir / GAME_FILE)
        except (OSError, sqlite3.Error) as exc:
            log.warning("the quiz game is off: %s", exc)
            games = None
        return cls(games, PictureCache(), settings.quiz_open_seconds, settings.admin_ids)

    def close(self) -> None:
        if self.games is not None:
            self.games.close()


def topic_of(message: Message | None) -> int | None:
    """The forum topic a message was written in (None outside topics): replies go there too."""
    if message is None or not message.is_topic_message:
        return None
    return message.message_thread_id
