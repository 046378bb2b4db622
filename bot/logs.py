"""Logging for the running bot: one level setting (LOG_LEVEL) and secrets kept out of every line.

The filter sits on the root handlers, so it sees every record that reaches the output,
whichever logger wrote it: ours, python-telegram-bot's request log (which prints setWebhook's
secret_token at DEBUG), httpx's (whose URLs hold the token). It rewrites the message, its
arguments and the formatted traceback; a record is never dropped, only redacted.
"""

from __future__ import annotations

import logging
import threading
import traceback
from urllib.parse import quote

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
LIBRARY_LOGGERS = ("httpx", "httpcore", "telegram", "apscheduler", "tornado.access")
"""Chatty at INFO; they follow LOG_LEVEL only when it is DEBUG (deliberately asked for)."""
PLACEHOLDER = "<redacted>"
MIN_SECRET_CHARS = 6
"""Shorter values would redact ordinary words; no token or webhook secret is this short."""


class Redactor(logging.Filter):
    """Replaces every registered secret (and its URL-encoded form) in a record."""

    def __init__(self) -> None:
        super().__init__()
        self._secrets: tuple[str, ...] = ()
        self._lock = threading.Lock()

    def add(self, secret: str) -> None:
        """Keep `secret` out of the log from now on (the token at start, a webhook secret)."""
        if len(secret) < MIN_SECRET_CHARS:
            return
        with self._lock:
            forms = {secret, quote(secret, safe=""), quote(secret)}
            # Longest first, so an encoded form is not half-replaced by a shorter one.
            self._secrets = tuple(sorted(set(self._secrets) | forms, key=len, reverse=True))

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, PLACEHOLDER)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: show what there is rather than lose it
            message = f"{record.msg!r} {record.args!r}"
        cleaned = self.redact(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            error = str(record.exc_info[1])
            text = record.exc_text or "".join(traceback.format_exception(*record.exc_info))
            if self.redact(error) != error:
                # PTB's InvalidToken quotes the token: the redacted error on the same line says
                # all there is to say, as the traceback would only repeat it.
                record.msg = f"{record.msg} ({self.redact(error)})"
                record.exc_info = None
                record.exc_text = None
            elif self.redact(text) != text:
                record.exc_text = self.redact(text).rstrip("\n")
                record.exc_info = None  # the handler prints exc_text, already redacted
        elif record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


REDACTOR = Redactor()
"""The one filter of the process: configure() installs it, webhook mode adds its secret."""


def parse_level(raw: str) -> str | None:
    """LOG_LEVEL's value as a level name, or None when it is none of LEVELS."""
    name = raw.strip().upper() or "INFO"
    if name == "WARN":
        name = "WARNING"
    return name if name in LEVELS else None


def configure(level: str = "INFO", secrets: tuple[str, ...] = ()) -> Redactor:
    """Root logging at `level`, libraries at WARNING unless `level` is DEBUG; every handler
    redacts `secrets` (and whatever is added to REDACTOR later)."""
    logging.basicConfig(level=level, format=FORMAT)
    logging.getLogger().setLevel(level)
    for name in LIBRARY_LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG if level == "DEBUG" else logging.WARNING)
    for secret in secrets:
        REDACTOR.add(secret)
    install(REDACTOR)
    return REDACTOR


def install(redactor: Redactor, logger: logging.Logger | None = None) -> None:
    """Put `redactor` on every handler of `logger` (the root by default), once."""
    for handler in (logger or logging.getLogger()).handlers:
        if redactor not in handler.filters:
            handler.addFilter(redactor)
