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
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import JSONDict, ODVInput
from telegram.ext import ExtBot

log = logging.getLogger(__name__)

FIRST_BACKOFF_SECONDS = 1.0
MAX_BACKOFF_SECONDS = 30.0
REMEMBERED_BAD_IDS = 1000

Sleep = Callable[[float], Awaitable[None]]


class PollingBot(ExtBot[int]):
    """ExtBot whose getUpdates hands PTB only updates that parse (see the module docstring)."""

    def __init__(self, *args: Any, sleep: Sleep = asyncio.sleep, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sleep = sleep  # tests pass their own clock
        self._offset_floor = 0
        self._reported: set[int] = set()
        self._backoff = 0.0
        self._skipped = 0

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
        usable = await self.received(result)
        return usable

    async def received(self, batch: list[Any]) -> list[JSONDict]:
        """The updates of `batch` that parse; the others are skipped once, with a pause when
        nothing in the batch was usable. Subclasses see the usable raw updates here."""
        usable: list[JSONDict] = []
        for raw in batch:
            update_id = raw.get("update_id") if isinstance(raw, dict) else None
            if isinstance(update_id, int):
                self._offset_floor = max(self._offset_floor, update_id + 1)
            try:
                Update.de_json(raw, self)
            except Exception as exc:  # anything PTB cannot read is skipped, never retried
                self._skip(update_id, exc)
                continue
            usable.append(raw)
        if batch and not usable:
            self._backoff = min(MAX_BACKOFF_SECONDS, self._backoff * 2 or FIRST_BACKOFF_SECONDS)
            await self._sleep(self._backoff)
        elif usable:
            self._backoff = 0.0
        return usable

    def _skip(self, update_id: object, error: Exception) -> None:
        self._skipped += 1
        key = update_id if isinstance(update_id, int) else -1
        if key in self._reported:
            return
        if len(self._reported) >= REMEMBERED_BAD_IDS:
            self._reported.clear()
        self._reported.add(key)
        log.warning("skipped update %s: it does not parse (%s)", update_id, type(error).__name__)
