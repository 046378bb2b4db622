"""Long polling that one bad update cannot wedge.

python-telegram-bot parses a whole getUpdates batch at once; one update it cannot parse makes
the batch fail, the offset never moves past it, and the Updater asks again at once, forever
(a CRITICAL log with the raw data each time). `PollingBot` looks at each update on its own,
skips one that does not parse (logged once, by id only: its text may be personal), and moves
the offset past it on the next call. A batch with nothing usable in it is followed by a pause
that doubles up to MAX_BACKOFF_SECONDS, so even data it cannot read never spins the loop.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
import time
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import JSONDict, ODVInput
from telegram.ext import ExtBot

from bot.inbox import Inbox

log = logging.getLogger(__name__)

FETCH_AHEAD = 1000
"""At most this many updates stored and not yet answered before the next getUpdates: memory
stays bounded and Telegram keeps the rest. Large, because a private question behind a
flooding group must be fetched to be answered first; a stop does not wait for the fetched
ones (they stay in the inbox: FairUpdateProcessor.leave_unstarted_when)."""
ROOM_CHECK_SECONDS = 0.05
FIRST_BACKOFF_SECONDS = 1.0
MAX_BACKOFF_SECONDS = 30.0
REMEMBERED_BAD_IDS = 1000

Sleep = Callable[[float], Awaitable[None]]


def read_update(raw: object, bot: ExtBot[Any]) -> Update:
    """The Update in `raw` (one decoded JSON update), or ValueError when it is not one the
    handlers can take: not an object, no integer update_id, fields of the wrong type, or a
    message without its chat (PTB accepts that, and every handler then fails on it)."""
    if not isinstance(raw, dict) or not isinstance(raw.get("update_id"), int):
        raise ValueError("not an update")
    try:
        update = Update.de_json(raw, bot)
    except Exception as exc:  # PTB raises whatever the wrong type makes it raise
        raise ValueError(f"does not parse: {type(exc).__name__}") from exc
    message = update.effective_message
    if message is not None and getattr(message, "chat", None) is None:
        raise ValueError("a message without a chat")
    return update


class PollingBot(ExtBot[int]):
    """ExtBot whose getUpdates hands PTB only updates that parse (see the module docstring)."""

    def __init__(
        self,
        *args: Any,
        sleep: Sleep = asyncio.sleep,
        inbox: Inbox | None = None,
        fetch_ahead: int = FETCH_AHEAD,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._sleep = sleep  # tests pass their own clock
        self._inbox = inbox
        self._fetch_ahead = fetch_ahead
        self._inbox_failed = False
        self._polling: Callable[[], bool] = lambda: True
        self._clock = time.monotonic
        self._last_poll: float | None = None
        self._offset_floor = 0
        self._reported: set[int] = set()
        self._backoff = 0.0
        self._skipped = 0
        self._parsed: dict[int, Update] = {}
        self._batch: tuple[Update, ...] = ()

    @property
    def skipped(self) -> int:
        """How many updates were dropped as unparsable since start (for /stats)."""
        return self._skipped

    async def _post(
        self,
        endpoint: str,
        data: JSONDict | None = None,
        *,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
        api_kwargs: JSONDict | None = None,
    ) -> Any:
        if endpoint == "getUpdates":
            await self._wait_for_room()
        if endpoint == "getUpdates" and data is not None and self._offset_floor:
            data["offset"] = max(int(data.get("offset") or 0), self._offset_floor)
        result = await super()._post(
            endpoint,
            data,
            read_timeout=read_timeout,
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
            api_kwargs=api_kwargs,
        )
        if endpoint != "getUpdates" or not isinstance(result, list):
            return result
        self._last_poll = self._clock()
        usable = await self.received(result)
        # Parsed once, in `received`: get_updates hands PTB these, and PTB's own parse of
        # the list returned here has nothing left to do.
        self._batch = tuple(self._parsed[raw["update_id"]] for raw in usable)
        self._parsed = {}
        return []  # PTB's de_list of nothing

    async def get_updates(self, *args: Any, **kwargs: Any) -> tuple[Update, ...]:
        """The updates of the batch that parse and are new, parsed once (see `_post`)."""
        self._batch = ()
        await super().get_updates(*args, **kwargs)
        batch: tuple[Update, ...] = self._batch
        self._batch = ()
        for item in batch:
            self.insert_callback_data(item)  # what ExtBot.get_updates does to each
        return batch

    @property
    def last_poll(self) -> float | None:
        """time.monotonic() of the last getUpdates that came back (None: none yet)."""
        return self._last_poll

    def watch_polling(self, polling: Callable[[], bool]) -> None:
        """Tell whether the Updater is polling: its last getUpdates at stop (which only
        confirms) must not wait for room."""
        self._polling = polling

    @property
    def inbox(self) -> Inbox | None:
        """Where updates are stored before they are confirmed (webhook mode uses it too)."""
        return None if self._inbox_failed else self._inbox

    @property
    def inbox_failed(self) -> bool:
        """True once the inbox could not store a batch: updates then run without it."""
        return self._inbox_failed

    async def _wait_for_room(self) -> None:
        """Fetch at most FETCH_AHEAD updates ahead of answering (only while polling)."""
        while (
            self._inbox is not None
            and not self._inbox_failed
            and self._inbox.pending >= self._fetch_ahead
            and self._polling()
        ):
            await self._sleep(ROOM_CHECK_SECONDS)

    async def received(self, batch: list[Any]) -> list[JSONDict]:
        """The updates of `batch` that parse, stored in the inbox (re-deliveries dropped)
        before PTB sees them, hence before the next getUpdates confirms them. The others are
        skipped once, with a pause when nothing in the batch was usable."""
        usable: list[JSONDict] = []
        parsed: dict[int, Update] = {}
        highest = 0
        for raw in batch:
            update_id = raw.get("update_id") if isinstance(raw, dict) else None
            if isinstance(update_id, int):
                highest = max(highest, update_id + 1)
            try:
                update = read_update(raw, self)
            except ValueError as exc:  # anything the handlers cannot take is skipped, once
                self._skip(update_id, exc)
                continue
            parsed[update.update_id] = update
            usable.append(raw)
        usable = self._store(usable)
        self._parsed = parsed  # for _post: the batch's Updates, parsed once
        self._offset_floor = max(self._offset_floor, highest)  # only now: all is stored
        if batch and not usable and self._skipped_in(batch):
            self._backoff = min(MAX_BACKOFF_SECONDS, self._backoff * 2 or FIRST_BACKOFF_SECONDS)
            await self._sleep(self._backoff)
        elif usable:
            self._backoff = 0.0
        return usable

    def _store(self, usable: list[JSONDict]) -> list[JSONDict]:
        """The updates that are new to the inbox, once stored; all of them without an inbox.
        A failing inbox (a full disk) is reported once and bypassed: answering without the
        crash guarantee beats not answering at all."""
        if self._inbox is None or self._inbox_failed or not usable:
            return usable
        try:
            new = set(self._inbox.add((int(raw["update_id"]), json.dumps(raw)) for raw in usable))
        except sqlite3.Error as exc:
            self._inbox_failed = True
            log.error("the inbox cannot store updates (%s): answering without it", exc)
            return usable
        duplicates = len(usable) - len(new)
        if duplicates:
            log.info("dropped %d re-delivered update(s) already in the inbox", duplicates)
        return [raw for raw in usable if raw["update_id"] in new]

    def _skipped_in(self, batch: list[Any]) -> bool:
        """Whether anything in `batch` was unreadable (not merely a re-delivery)."""
        return any(
            not isinstance(raw, dict)
            or raw.get("update_id") in self._reported
            or not isinstance(raw.get("update_id"), int)
            for raw in batch
        )

    def _skip(self, update_id: object, error: Exception) -> None:
        self._skipped += 1
        key = update_id if isinstance(update_id, int) else -1
        if key in self._reported:
            return
        if len(self._reported) >= REMEMBERED_BAD_IDS:
            self._reported.clear()
        self._reported.add(key)
        log.warning("skipped update %s: it does not parse (%s)", update_id, type(error).__name__)
