"""The bot's outgoing requests, a few at a time.

httpx's connection pool (httpcore) does work proportional to the open connections and the
requests waiting for one, on every request: it walks them all, and asks each idle connection's
socket whether it was closed (a poll(2) per connection). PTB's default pool of 256 lets every
update running at once open its own connection, so with 20 chats answered together a
sendMessage cost half again as much CPU as with a handful of connections (measured in
benchmarks/end_to_end.py, docs/benchmarks.md). Here the requests take turns on an asyncio
semaphore first, which costs the same however many wait, so httpcore only ever sees
`connections` of them, each with a connection ready; none waits in its pool, so none fails
with its pool timeout either. Long polls have their own request object and never wait here.
"""

from __future__ import annotations

import asyncio
from typing import Any

from telegram.request import HTTPXRequest

CONNECTIONS = 8
"""Requests on the wire at once. Sends to Telegram take 50-300 ms, so 8 carry 25-160 requests
a second, above the 30 messages a second Telegram accepts from a bot; a slow send (an upload,
a paced group) holds one turn, never the others (each chat has one update running at most)."""


class TakingTurns(HTTPXRequest):
    """HTTPXRequest letting at most `connections` requests reach httpx at once."""

    def __init__(self, connections: int = CONNECTIONS, **kwargs: Any) -> None:
        super().__init__(connection_pool_size=connections, **kwargs)
        self.connections = connections
        self._turns: tuple[asyncio.AbstractEventLoop, asyncio.Semaphore] | None = None

    def _semaphore(self) -> asyncio.Semaphore:
        """One semaphore per event loop (tests start several loops in one process)."""
        loop = asyncio.get_running_loop()
        if self._turns is None or self._turns[0] is not loop:
            self._turns = (loop, asyncio.Semaphore(self.connections))
        return self._turns[1]

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        async with self._semaphore():
            return await super().do_request(*args, **kwargs)
