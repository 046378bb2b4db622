"""python-telegram-bot's Application, without the ids it collects for a persistence we do not use.

PTB notes the chat and user of every update in two sets (`_chat_ids_to_be_updated_in_
persistence`, `_user_ids_...`) that only `update_persistence` empties, and that runs only with
a BasePersistence configured. This bot keeps its state in BOT_STATE_DIR itself and configures
none, so the sets grew by every chat and every user that ever wrote: about 0.13 MB per 4,000
each (benchmarks/memory.py --trace), without end. Here they are noted only when a persistence
exists, as PTB would need them.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, Job


class BotApplication(Application[Any, Any, Any, Any, Any, Any]):
    """Application that collects ids for persistence only when it has one."""

    def _mark_for_persistence_update(
        self, *, update: object | None = None, job: Job[Any] | None = None
    ) -> None:
        if self.persistence is not None:
            super()._mark_for_persistence_update(update=update, job=job)
