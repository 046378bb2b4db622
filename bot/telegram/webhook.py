"""Webhook mode (BOT_MODE=webhook): a small tornado server in front of the Application.

PTB's own run_webhook serves only the update path; the container also wants GET /healthz.
So, as PTB's "custom webhook bot" examples do, the Application runs without an Updater and
this server feeds its update_queue:

    POST /<path of WEBHOOK_URL>  X-Telegram-Bot-Api-Secret-Token must equal WEBHOOK_SECRET,
                                 else 403; a body that is not an update is 400; else 200.
    GET  /healthz                200 "ok ..." with the data's reload status; 503 when stopping.

On SIGTERM (or SIGINT) the server first answers 503 to new updates (Telegram keeps them and
retries), stops listening, then lets the Application finish every update already accepted.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
import secrets
import signal
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import tornado.httpserver
import tornado.web
from telegram import Update

from bot.config import Settings

if TYPE_CHECKING:
    from bot.telegram.app import BotApp

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
HEALTH_PATH = "/healthz"
MAX_BODY_BYTES = 1 << 20
"""An update is a few kilobytes; anything near this is not from Telegram."""


def webhook_path(url: str) -> str:
    """The path Telegram posts to, from WEBHOOK_URL: https://x.org/telegram -> /telegram."""
    return "/" + urlsplit(url).path.strip("/")


class Gate:
    """Whether updates are still accepted: closed on the way out, so none is lost."""

    def __init__(self) -> None:
        self.open = True


class UpdateEndpoint(tornado.web.RequestHandler):
    """POST <webhook path>: check the secret, decode the update, queue it."""

    def initialize(self, bot_app: BotApp, secret: str, gate: Gate) -> None:
        self.bot_app = bot_app
        self.secret = secret
        self.gate = gate

    def check_xsrf_cookie(self) -> None:
        """Telegram sends no cookies; the secret header is the check."""

    async def post(self) -> None:
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            log.warning(
                "refused a webhook post from %s: %s secret",
                self.request.remote_ip,
                "wrong" if given else "no",
            )
            self.send_error(403)
            return
        if not self.gate.open:
            self.send_error(503)  # shutting down: Telegram delivers it again later
            return
        try:
            data = json.loads(self.request.body)
            update = Update.de_json(data, self.bot_app.bot) if isinstance(data, dict) else None
        except (ValueError, TypeError, KeyError):
            update = None
        if update is None:
            self.send_error(400)
            return
        await self.bot_app.update_queue.put(update)
        self.set_status(200)
        self.finish()

    def get(self) -> None:
        self.send_error(405)


class HealthEndpoint(tornado.web.RequestHandler):
    """GET /healthz: is the bot answering, and from which data."""

    def initialize(self, status: Callable[[], str], gate: Gate) -> None:
        self.status = status
        self.gate = gate

    def get(self) -> None:
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        if not self.gate.open:
            self.set_status(503)
            self.finish("stopping\n")
            return
        self.finish(f"ok {self.status()}\n")

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.finish(f"{status_code}\n")


def make_server(
    application: BotApp, path: str, secret: str, status: Callable[[], str], gate: Gate
) -> tornado.web.Application:
    """The tornado app: the update path and /healthz, nothing else (404)."""
    return tornado.web.Application(
        [
            (
                re.escape(path),
                UpdateEndpoint,
                {"bot_app": application, "secret": secret, "gate": gate},
            ),
            (HEALTH_PATH, HealthEndpoint, {"status": status, "gate": gate}),
        ],
    )


async def serve(application: BotApp, settings: Settings, status: Callable[[], str]) -> None:
    """Run the bot in webhook mode until SIGTERM or SIGINT; then stop gracefully.

    Raises what Application.initialize raises (InvalidToken, NetworkError): run() reports it.
    """
    if settings.webhook_url is None:
        raise ValueError("BOT_MODE=webhook needs WEBHOOK_URL")
    if settings.webhook_secret is not None:
        secret = settings.webhook_secret.reveal()
    else:
        # Without a secret anyone who finds the address could post fake updates; a random
        # one per run is as good, since the bot tells Telegram the secret itself at start.
        secret = secrets.token_urlsafe(32)
        log.warning("WEBHOOK_SECRET is not set: using a random secret for this run")
    path = webhook_path(settings.webhook_url)
    gate = Gate()
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopping.set)

    server: tornado.httpserver.HTTPServer | None = None
    await application.initialize()
    try:
        if application.post_init is not None:
            await application.post_init(application)
        server = tornado.httpserver.HTTPServer(
            make_server(application, path, secret, status, gate),
            max_body_size=MAX_BODY_BYTES,
            xheaders=True,
        )
        server.listen(settings.webhook_port, address=settings.webhook_listen)
        await application.start()
        await application.bot.set_webhook(
            settings.webhook_url, secret_token=secret, allowed_updates=Update.ALL_TYPES
        )
        log.info(
            "listening for webhook updates on %s:%d%s",
            settings.webhook_listen,
            settings.webhook_port,
            path,
        )
        await stopping.wait()
        log.info("stopping: finishing the updates in hand")
    finally:
        gate.open = False
        if server is not None:
            server.stop()
        if application.running:
            await application.stop()
            if application.post_stop is not None:
                await application.post_stop(application)
        if server is not None:
            await server.close_all_connections()
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
