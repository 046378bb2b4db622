"""The inbox wired into python-telegram-bot: opened at build, replayed at start, marked as
updates finish (the storage itself is bot/inbox.py; storing before confirming is PollingBot's).
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.inbox import Inbox

log = logging.getLogger(__name__)

INBOX_FILE = "inbox.sqlite3"


def open_inbox(state_dir: Any, stale_after: float) -> Inbox | None:
    """The inbox under BOT_STATE_DIR; None (and an error in the log) when it cannot be opened:
    the bot answers all the same, without the crash guarantee (health reports it)."""
    try:
        return Inbox(state_dir / INBOX_FILE, stale_after)
    except (OSError, sqlite3.Error) as exc:
        log.error("the inbox is off, updates in hand are lost on a crash: %s", exc)
        return None


class DoneMarks:
    """The FairUpdateProcessor's `finished` hook: an update whose handlers ran is done.

    The updates that finish in one turn of the event loop are marked in one commit, at the end
    of that turn (a commit per update cost more under load than the rest of the inbox's work).
    A crash can therefore answer again only the updates that were running or had finished in
    that same turn: the at-least-once bound stays what it was.
    """

    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox
        self._ids: list[int] = []
        self._scheduled = False

    def __call__(self, update: object) -> None:
        if not isinstance(update, Update):
            return
        self._ids.append(update.update_id)
        if not self._scheduled:
            self._scheduled = True
            asyncio.get_running_loop().call_soon(self.flush)

    def flush(self) -> None:
        """Write the marks collected so far (also called at shutdown)."""
        self._scheduled = False
        ids, self._ids = self._ids, []
        if not ids:
            return
        try:
            self.inbox.done_all(ids)
        except sqlite3.Error as exc:  # answered all the same; at worst answered again
            log.warning("could not mark %d update(s) done: %s", len(ids), exc)


async def replay(inbox: Inbox, application: Application[Any, Any, Any, Any, Any, Any]) -> int:
    """Queue the updates a crash or a stop left undone, before polling fetches new ones;
    returns how many. Stale ones are only counted (and logged)."""
    recovered = inbox.recover()
    if recovered.stale:
        log.warning(
            "%d update(s) from before the restart waited too long and were not answered",
            recovered.stale,
        )
    queued = 0
    for update_id, body in recovered.updates:
        try:
            update = Update.de_json(json.loads(body), application.bot)
        except Exception as exc:  # stored by an older version, or damaged: skip it
            log.warning("skipped stored update %d: %s", update_id, type(exc).__name__)
            inbox.done(update_id)
            continue
        await application.update_queue.put(update)
        queued += 1
    if queued:
        log.info("answering %d update(s) left undone before the restart", queued)
    return queued
