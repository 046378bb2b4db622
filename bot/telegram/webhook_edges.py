"""The edges of PTB's webhook server: what a post that is not a good update gets, how long a
slow client may hold a connection, and storing an update before saying 200.

PTB's TelegramHandler answers a body that is not JSON (or nested 100,000 deep) with a 500, logs
an update of the wrong types as CRITICAL with the data and a traceback, accepts a message
without a chat (every handler then fails on it), and its tornado server never times out a slow
client. PTB has no hook for any of this, so `harden` swaps the handler class and the server's
connection parameters in PTB's webhook module before run_webhook builds them: a bad post gets
400 and one log line without its content; an update is in the inbox before the 200 (a 503 when
it cannot be stored, so Telegram sends it again); a re-delivered update gets 200 and is not
run twice; headers and body must arrive within CLIENT_TIMEOUT_SECONDS. Refusals are logged with
the client's address: the connection's peer, or what a trusted proxy says it forwarded.
"""

from __future__ import annotations

import functools
import ipaddress
import json
import logging
import sqlite3
from http import HTTPStatus
from typing import Any

import tornado.web
from telegram.ext import ExtBot
from telegram.ext._utils import webhookhandler
from tornado.httpserver import HTTPServer

from bot.config import IPNetwork
from bot.inbox import Inbox
from bot.telegram.polling import read_update

log = logging.getLogger(__name__)

CLIENT_TIMEOUT_SECONDS = 10.0
"""A client gets this long for its headers, and again for its body; Telegram needs far less."""
MAX_BODY_BYTES = 1 << 20
"""An update is a few kilobytes; a megabyte is anything but an update."""


class CheckedTelegramHandler(webhookhandler.TelegramHandler):
    """PTB's handler (secret and content type checked as before) with the edges above."""

    inbox: Inbox | None = None
    trusted_proxies: tuple[IPNetwork, ...] = ()

    async def post(self) -> None:
        try:
            self._validate_post()  # 403 for a wrong or missing secret, as before
        except tornado.web.HTTPError as refusal:
            log.warning("webhook: refused a post (%s) from %s", refusal.reason, self.client)
            raise
        try:
            raw = json.loads(self.request.body.decode("utf-8"))
            update = read_update(raw, self.bot)  # type: ignore[arg-type]
        except (ValueError, RecursionError, UnicodeDecodeError) as exc:
            log.warning(
                "webhook: refused a post that is not an update (%s) from %s",
                _why(exc),
                self.client,
            )
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST, reason="Bad Request") from None
        if self.inbox is not None:
            try:
                new = self.inbox.add([(update.update_id, json.dumps(raw))])
            except sqlite3.Error as exc:
                log.error("webhook: cannot store update %d: %s", update.update_id, exc)
                raise tornado.web.HTTPError(HTTPStatus.SERVICE_UNAVAILABLE) from None
            if not new:
                self.set_status(HTTPStatus.OK)  # a re-delivery: already in hand
                return
        self.set_status(HTTPStatus.OK)
        if isinstance(self.bot, ExtBot):
            self.bot.insert_callback_data(update)
        await self.update_queue.put(update)

    @property
    def client(self) -> str:
        headers = self.request.headers
        return client_address(
            self.request.remote_ip or "",
            headers.get("X-Forwarded-For", ""),
            headers.get("X-Real-Ip", ""),
            self.trusted_proxies,
        )


def client_address(
    peer: str, forwarded_for: str, real_ip: str, trusted: tuple[IPNetwork, ...]
) -> str:
    """Who sent a post: the connection's peer, unless the peer is a trusted proxy; then the
    nearest address in X-Forwarded-For that is not itself a trusted proxy (each proxy appends
    the address it saw), else X-Real-Ip. Anyone can write these headers, so without a trusted
    peer they are ignored, and an entry that is not an address ends the walk at the last hop
    that was one."""
    if not _is_trusted(peer, trusted):
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    if not hops and real_ip.strip():
        hops = [real_ip.strip()]
    client = peer
    for hop in reversed(hops):
        if not _is_address(hop):
            break
        client = hop
        if not _is_trusted(hop, trusted):
            break
    return client


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _is_trusted(address: str, trusted: tuple[IPNetwork, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)


def _why(error: BaseException) -> str:
    if isinstance(error, RecursionError):
        return "nested too deep"
    if isinstance(error, UnicodeDecodeError):
        return "not UTF-8"
    if isinstance(error, json.JSONDecodeError):
        return "not JSON"
    return str(error)


def harden(inbox: Inbox | None, trusted_proxies: tuple[IPNetwork, ...] = ()) -> None:
    """Install the checked handler and the client timeouts for the next run_webhook."""
    handler = type(
        "StoringTelegramHandler",
        (CheckedTelegramHandler,),
        {"inbox": inbox, "trusted_proxies": trusted_proxies},
    )
    module: Any = webhookhandler
    module.TelegramHandler = handler
    module.HTTPServer = functools.partial(
        HTTPServer,
        idle_connection_timeout=CLIENT_TIMEOUT_SECONDS,
        body_timeout=CLIENT_TIMEOUT_SECONDS,
        max_body_size=MAX_BODY_BYTES,
    )
