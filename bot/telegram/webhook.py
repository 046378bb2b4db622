"""Webhook mode (BOT_MODE=webhook): python-telegram-bot's own Application.run_webhook.

PTB serves the update path (its tornado server, from the `webhooks` extra), refuses a post whose
X-Telegram-Bot-Api-Secret-Token is not WEBHOOK_SECRET (403), tells Telegram the address and the
secret itself (setWebhook), and on SIGTERM or SIGINT stops taking updates, finishes the ones in
hand and shuts down. Health comes from the heartbeat file (bot/health.py), as in polling mode:
the container's health check reads it, so no HTTP health endpoint is served.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any
from urllib.parse import urlsplit

from telegram import Update
from telegram.ext import Application

from bot.config import Settings
from bot.logs import REDACTOR
from bot.telegram.webhook_edges import harden

log = logging.getLogger(__name__)


def webhook_path(url: str) -> str:
    """The path Telegram posts to, from WEBHOOK_URL: https://x.org/telegram -> telegram."""
    return urlsplit(url).path.strip("/")


def webhook_secret(settings: Settings) -> str:
    """WEBHOOK_SECRET, else a random one for this run: without a secret anyone who finds the
    address could post fake updates, and the bot tells Telegram the secret itself at start."""
    if settings.webhook_secret is not None:
        secret = settings.webhook_secret.reveal()
    else:
        log.warning("WEBHOOK_SECRET is not set: using a random secret for this run")
        secret = secrets.token_urlsafe(32)
    REDACTOR.add(secret)  # PTB's request log prints setWebhook's secret_token at DEBUG
    return secret


def run_webhook(
    application: Application[Any, Any, Any, Any, Any, Any],
    settings: Settings,
    bootstrap_retries: int,
) -> None:
    """Serve the webhook until SIGTERM or SIGINT; then stop gracefully.

    Raises what run_webhook raises (InvalidToken, NetworkError, OSError for a taken port):
    app.run() reports it in one line.
    """
    if settings.webhook_url is None:
        raise ValueError("BOT_MODE=webhook needs WEBHOOK_URL")
    path = webhook_path(settings.webhook_url)
    log.info(
        "listening for webhook updates on %s:%d/%s",
        settings.webhook_listen,
        settings.webhook_port,
        path,
    )
    # 400s, timeouts, the inbox, who a refused post came from: webhook_edges
    harden(getattr(application.bot, "inbox", None), settings.webhook_trusted_proxies)
    application.run_webhook(
        listen=settings.webhook_listen,
        port=settings.webhook_port,
        url_path=path,
        webhook_url=settings.webhook_url,
        secret_token=webhook_secret(settings),
        allowed_updates=Update.ALL_TYPES,
        bootstrap_retries=bootstrap_retries,
        close_loop=False,
    )
