"""The bot's outgoing requests, a few at a time, each on a connection of its own.

httpx's connection pool (httpcore) does work proportional to the connections it holds, on every
request: it walks them all, and asks each idle connection's socket whether it was closed (a
poll(2) and a fresh dict of socket attributes per connection). PTB's default pool of 256 lets
every update running at once open its own connection; one shared pool of 8 still walks 8 per
request, and twice (when the request starts and when its response is closed).

Here a request takes a free *lane* first: a PTB HTTPXRequest with a pool of one connection. A
lane serves one request at a time, so httpcore only ever sees one connection, ready, as in a
bot that sends one message at a time, however many lanes are busy. Free lanes are reused last
in, first out, so under a light load one lane (one warm connection) does all the work and the
others stay closed; a lane is only opened when all the open ones are busy, up to `CONNECTIONS`.
No request waits in httpcore's pool, so none fails with its pool timeout either. Long polls
have their own request object and never wait here.

A request without files goes as one JSON body (`JsonLane`), one of the three encodings the Bot
API takes: PTB's lanes send form-encoded bodies, and urllib's form encoding works through the
text byte by byte in Python (~0.1 ms for a reply of a list and its buttons, as much as the
bot's whole answer to the question) where json.dumps is C.
"""

from __future__ import annotations

import asyncio
import json
import ssl
from typing import Any

import httpx
from telegram._utils.defaultvalue import DefaultValue
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, HTTPXRequest, RequestData

CONNECTIONS = 8
"""Requests on the wire at once. Sends to Telegram take 50-300 ms, so 8 carry 25-160 requests
a second, above the 30 messages a second Telegram accepts from a bot; a slow send (an upload,
a paced group) holds one lane, never the others (each chat has one update running at most)."""


class TakingTurns(BaseRequest):
    """At most `connections` requests at once, each on its own single-connection HTTPXRequest.

    `lane_options` are HTTPXRequest's (read_timeout, ...), the same for every lane.
    """

    def __init__(self, connections: int = CONNECTIONS, **lane_options: Any) -> None:
        self.connections = connections
        # One TLS context for all lanes: each httpx client would load the CA bundle again.
        self._lane_options = {
            **lane_options,
            "connection_pool_size": 1,
            "httpx_kwargs": {"verify": _tls_context(), **lane_options.get("httpx_kwargs", {})},
        }
        self._free: list[HTTPXRequest] = [self._new_lane()]  # the last one is used next
        self._lanes = list(self._free)
        self._turns: tuple[asyncio.AbstractEventLoop, asyncio.Semaphore] | None = None

    def _new_lane(self) -> HTTPXRequest:
        return JsonLane(**self._lane_options)

    @property
    def read_timeout(self) -> float | None:
        return self._lanes[0].read_timeout

    @property
    def open_lanes(self) -> int:
        """Lanes opened so far (for tests and figures): at most `connections`."""
        return len(self._lanes)

    async def initialize(self) -> None:
        for lane in self._lanes:
            await lane.initialize()

    async def shutdown(self) -> None:
        for lane in self._lanes:
            await lane.shutdown()

    def _semaphore(self) -> asyncio.Semaphore:
        """One semaphore per event loop (tests start several loops in one process)."""
        loop = asyncio.get_running_loop()
        if self._turns is None or self._turns[0] is not loop:
            self._turns = (loop, asyncio.Semaphore(self.connections))
        return self._turns[1]

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        async with self._semaphore():
            if self._free:
                lane = self._free.pop()
            else:  # every open lane is busy, and the semaphore says there is room for one more
                lane = self._new_lane()
                self._lanes.append(lane)
            try:
                return await lane.do_request(
                    url,
                    method,
                    request_data,
                    read_timeout=read_timeout,
                    write_timeout=write_timeout,
                    connect_timeout=connect_timeout,
                    pool_timeout=pool_timeout,
                )
            finally:
                self._free.append(lane)


class JsonLane(HTTPXRequest):
    """PTB's HTTPXRequest, sending a request without files as an application/json body of its
    parameters (objects as JSON objects, not JSON texts inside a form); uploads go as PTB
    sends them (multipart). Timeouts and errors as in HTTPXRequest.do_request."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if request_data is None or request_data.contains_files:
            return await super().do_request(
                url,
                method,
                request_data,
                read_timeout=read_timeout,
                write_timeout=write_timeout,
                connect_timeout=connect_timeout,
                pool_timeout=pool_timeout,
            )
        client = self._client
        if client.is_closed:
            raise RuntimeError("This HTTPXRequest is not initialized!")
        defaults = client.timeout
        timeout = httpx.Timeout(
            connect=defaults.connect if _default(connect_timeout) else connect_timeout,
            read=defaults.read if _default(read_timeout) else read_timeout,
            write=defaults.write if _default(write_timeout) else write_timeout,
            pool=defaults.pool if _default(pool_timeout) else pool_timeout,
        )
        body = json.dumps(request_data.parameters, ensure_ascii=False).encode()
        try:
            response = await client.request(
                method=method,
                url=url,
                headers={"User-Agent": self.USER_AGENT, "Content-Type": "application/json"},
                timeout=timeout,
                content=body,
            )
        except httpx.PoolTimeout as err:  # as PTB words it (a lane serves one at a time)
            raise TimedOut("Pool timeout: the request was *not* sent to Telegram.") from err
        except httpx.TimeoutException as err:
            raise TimedOut from err
        except httpx.HTTPError as err:
            raise NetworkError(f"httpx.{err.__class__.__name__}: {err}") from err
        return response.status_code, response.content


def _default(timeout: Any) -> bool:
    """Whether a timeout argument is PTB's "not given" marker."""
    return isinstance(timeout, DefaultValue)


def _tls_context() -> ssl.SSLContext:
    """What httpx builds for `verify=True`, once."""
    return httpx.create_ssl_context()
