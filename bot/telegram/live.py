"""The data every update answers from: the reloader's latest, checked for edits before each
update, and pinned for the length of one update (BotContext takes it once), so an update never
sees half old and half new data."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from bot.answering import Answerer
from bot.reloading import DataReloader, ReloadResult
from bot.telegram.scheduling import FairUpdateProcessor

log = logging.getLogger(__name__)


class LiveData:
    """A DataReloader for live data (`python -m bot run`), or one fixed Answerer (tests)."""

    def __init__(self, source: Answerer | DataReloader) -> None:
        self.reloader = source if isinstance(source, DataReloader) else None
        self._fixed = source if isinstance(source, Answerer) else None

    def latest(self) -> Answerer:
        if self.reloader is not None:
            return self.reloader.current
        assert self._fixed is not None
        return self._fixed


class FreshDataUpdateProcessor(FairUpdateProcessor):
    """Before every update: look whether data/ changed and, if so, validate and switch, so the
    update that follows a curator's edit already answers from it. Updates of one chat keep
    their order, and a busy chat never starves the others (FairUpdateProcessor)."""

    def __init__(
        self,
        data: LiveData,
        on_reload: Callable[[ReloadResult], Awaitable[None]],
        finished: Callable[[object], None] | None = None,
    ) -> None:
        super().__init__(finished=finished)
        self.data = data
        self.on_reload = on_reload

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        reloader = self.data.reloader
        if reloader is not None and reloader.maybe_changed():
            try:
                result = await reloader.check_async(wait=True)
                if result.notify:
                    await self.on_reload(result)
            except Exception:  # never lose an update over the check: answer from what we have
                log.exception("checking data/ for changes failed")
        await super().do_process_update(update, coroutine)
