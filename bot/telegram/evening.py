"""What the cultural-evening features share across updates: the quiz rounds, the pictures, the
poll open period and the admins. Made once by build_application, kept in bot_data."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager

from telegram import Message

from bot.config import Settings
from bot.game.store import GameStore
from bot.pictures.cache import PictureCache

log = logging.getLogger(__name__)

GAME_FILE = "game.sqlite3"
KEEP_ROUNDS_SECONDS = 7 * 24 * 3600
"""Rounds (with the players' ids and names) are deleted a week after they started."""
WAIT_FOR_POLL_SECONDS = 10.0
"""How long a vote for a poll we have not recorded yet waits for the polls being sent."""


class PollsBeingSent:
    """Polls sent and not yet recorded. A vote can reach the bot before send_poll has returned
    (a busy bot, a quick player, updates handled side by side): it waits for them rather than
    being dropped as a vote for a poll that is not ours."""

    def __init__(self) -> None:
        self._count = 0
        self._none = asyncio.Event()
        self._none.set()

    @contextmanager
    def sending(self) -> Iterator[None]:
        self._count += 1
        self._none.clear()
        try:
            yield
        finally:
            self._count -= 1
            if self._count == 0:
                self._none.set()

    async def settled(self, timeout: float = WAIT_FOR_POLL_SECONDS) -> bool:
        """Wait until no poll is being sent; False at once when none was (nothing to wait for)."""
        if self._count == 0:
            return False
        try:
            await asyncio.wait_for(self._none.wait(), timeout)
        except TimeoutError:
            log.warning("a vote waited %.0f s for a poll still being sent", timeout)
        return True


class EveningKit:
    """The quiz rounds' store is opened at the first /quiz or vote, not at start: a bot nobody
    plays with keeps the idle memory it had before the game existed."""

    def __init__(self, settings: Settings) -> None:
        self.pictures = PictureCache()
        self.open_seconds = settings.quiz_open_seconds
        self.admin_ids = settings.admin_ids
        self._path = settings.state_dir / GAME_FILE
        self._games: GameStore | None = None
        self._failed = False
        self.polls_being_sent = PollsBeingSent()
        # Telegram's file_id of each picture already sent, keyed by (data generation, language,
        # selection): the next /timeline sends the id instead of uploading the PNG again.
        self.file_ids: dict[tuple[int, str, str], str] = {}

    @classmethod
    def from_settings(cls, settings: Settings) -> EveningKit:
        return cls(settings)

    @property
    def games(self) -> GameStore | None:
        """The rounds (SQLite in BOT_STATE_DIR); None when the file cannot be opened."""
        if self._games is None and not self._failed:
            try:
                self._games = GameStore(self._path)
                self._games.forget_before(time.time() - KEEP_ROUNDS_SECONDS)
            except (OSError, sqlite3.Error) as exc:
                log.warning("the quiz game is off: %s", exc)
                self._failed = True
        return self._games

    def close(self) -> None:
        if self._games is not None:
            self._games.close()
            self._games = None


def topic_of(message: Message | None) -> int | None:
    """The forum topic a message was written in (None outside topics): replies go there too."""
    if message is None or not message.is_topic_message:
        return None
    return message.message_thread_id
