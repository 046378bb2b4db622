"""Secrets never reach the log, whatever shape the record has; LOG_LEVEL is read strictly."""

from __future__ import annotations

import io
import logging
from urllib.parse import quote

import pytest

from bot.config import Settings
from bot.logs import PLACEHOLDER, Redactor, install

TOKEN = "123456789:AAH-very-secret-token-value_0123456789ab"
SECRET = "webhook-secret-value-42"


def _logger_writing_to(stream: io.StringIO, redactor: Redactor) -> logging.Logger:
    logger = logging.getLogger(f"test.logs.{id(stream)}")
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger.addHandler(handler)
    install(redactor, logger)
    return logger


@pytest.fixture
def logged() -> tuple[logging.Logger, io.StringIO]:
    redactor = Redactor()
    redactor.add(TOKEN)
    redactor.add(SECRET)
    stream = io.StringIO()
    return _logger_writing_to(stream, redactor), stream


def test_secrets_in_the_message_its_arguments_and_url_encoded_are_replaced(
    logged: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = logged
    logger.debug("POST http://api/bot%s/getMe", TOKEN)
    logger.debug("Calling setWebhook with %s", {"secret_token": SECRET})
    logger.info("url %s", f"https://x/bot{quote(TOKEN, safe='')}/sendMessage")
    text = stream.getvalue()
    assert TOKEN not in text and SECRET not in text and quote(TOKEN, safe="") not in text
    assert text.count(PLACEHOLDER) == 3
    assert "getMe" in text and "setWebhook" in text  # the rest of the line stays readable


def test_an_error_that_quotes_the_token_is_one_redacted_line(
    logged: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = logged
    try:
        raise ConnectionError(f"cannot reach https://api.telegram.org/bot{TOKEN}/getUpdates")
    except ConnectionError:
        logger.exception("polling failed")
    text = stream.getvalue()
    assert TOKEN not in text
    assert "polling failed" in text and "cannot reach" in text
    assert "Traceback" not in text


def test_a_traceback_whose_error_holds_no_secret_stays_whole(
    logged: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = logged

    def fetch(url: str) -> None:
        raise TimeoutError("no answer")

    try:
        fetch(f"https://api.telegram.org/bot{TOKEN}/getUpdates")
    except TimeoutError:
        logger.exception("polling failed")
    text = stream.getvalue()
    assert "Traceback" in text and "TimeoutError: no answer" in text


def test_short_values_are_not_taken_as_secrets() -> None:
    redactor = Redactor()
    redactor.add("a")
    assert redactor.redact("a cat") == "a cat"


@pytest.mark.parametrize(
    ("raw", "level"),
    [("", "INFO"), ("debug", "DEBUG"), (" Warning ", "WARNING"), ("WARN", "WARNING")],
)
def test_log_level_is_read_case_insensitively(raw: str, level: str) -> None:
    settings = Settings.from_env({"LOG_LEVEL": raw}, env_file=None)
    assert settings.log_level == level and settings.problems == ()


def test_a_misspelt_log_level_is_a_problem_not_a_silent_default() -> None:
    settings = Settings.from_env({"LOG_LEVEL": "verbose"}, env_file=None)
    assert settings.log_level == "INFO"
    assert any("LOG_LEVEL" in problem for problem in settings.problems)
