"""Settings read once from the environment (and an optional .env); the only reader of os.environ.

Reading never fails: problems are collected in `Settings.problems`, so the terminal chat still
starts without a token and `bot.telegram.app.run` can print one clear line and exit with 2.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.catalog.model import LANGUAGES
from bot.logs import LEVELS, parse_level
from bot.paths import DEFAULT_DATA_DIR

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

TOKEN_PATTERN = re.compile(r"\d{3,20}:[A-Za-z0-9_-]{30,64}")
"""What BotFather hands out: the bot's numeric id, a colon, a 35-character secret."""


class Secret:
    """A value that never shows itself in repr, str or a log line."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True)
class Limits:
    """Abuse limits (bot.telegram.limits): one user or one group must not drown the bot for all.

    A count of 0 turns that limit off. Read from the LIMIT_* variables (see .env.example).
    """

    user_messages: int = 10  # typed questions and commands per user ...
    user_seconds: float = 10.0  # ... in any window this long; then one notice, then silence
    group_answers: int = 20  # answers per group chat ...
    group_seconds: float = 60.0  # ... in any window this long; then silence
    inline_queries: int = 20  # inline queries per user ...
    inline_seconds: float = 10.0  # ... in any window this long; then empty results
    message_chars: int = 1000  # a longer question gets "please ask in a sentence or two"
    user_taps: int = 30  # button taps per user in a user_seconds window (paging is quick)

    @classmethod
    def from_values(cls, values: Mapping[str, str], problems: list[str]) -> Limits:
        """The LIMIT_* values; a malformed one is added to `problems` and keeps its default."""

        def count(key: str, default: int) -> int:
            return _whole_number(
                values,
                key,
                default,
                problems,
                within=(0, 1_000_000),
                should="a whole number, 0 for no limit",
            )

        def seconds(key: str, default: float) -> float:
            return _number(
                values,
                key,
                default,
                problems,
                within=(0, 86400),
                above_lowest=True,
                should="a number of seconds above 0",
            )

        d = cls()
        return cls(
            user_messages=count("LIMIT_USER_MESSAGES", d.user_messages),
            user_seconds=seconds("LIMIT_USER_SECONDS", d.user_seconds),
            group_answers=count("LIMIT_GROUP_ANSWERS", d.group_answers),
            group_seconds=seconds("LIMIT_GROUP_SECONDS", d.group_seconds),
            inline_queries=count("LIMIT_INLINE_QUERIES", d.inline_queries),
            inline_seconds=seconds("LIMIT_INLINE_SECONDS", d.inline_seconds),
            message_chars=count("LIMIT_MESSAGE_CHARS", d.message_chars),
            user_taps=count("LIMIT_USER_TAPS", d.user_taps),
        )


@dataclass(frozen=True)
class NewsSettings:
    """Announcements of new events (bot.news): the channel, its language, reminders, pace."""

    channel: str | None = None  # ANNOUNCE_CHANNEL: @channelname or a numeric chat id
    channel_language: str = "ru"  # ANNOUNCE_CHANNEL_LANGUAGE
    reminders: bool = True  # NEWS_REMINDERS: a message the day before an upcoming event
    messages_per_second: float = 25.0  # NEWS_MESSAGES_PER_SECOND: Telegram allows about 30

    @classmethod
    def from_values(cls, values: Mapping[str, str], problems: list[str]) -> NewsSettings:
        """The ANNOUNCE_* and NEWS_* values; a malformed one goes to `problems`."""
        d = cls()
        channel = values.get("ANNOUNCE_CHANNEL", "").strip() or None
        if channel is not None and not re.fullmatch(
            r"@[A-Za-z][A-Za-z0-9_]{3,31}|-?\d{5,20}", channel
        ):
            problems.append(
                "ANNOUNCE_CHANNEL should be @channelname or the channel's numeric id such as "
                f"-1001234567890 (got {channel!r})"
            )
            channel = None
        language = (
            values.get("ANNOUNCE_CHANNEL_LANGUAGE", "").strip().lower() or d.channel_language
        )
        if language not in LANGUAGES:
            problems.append(
                f"ANNOUNCE_CHANNEL_LANGUAGE should be one of {', '.join(LANGUAGES)} "
                f"(got {language!r})"
            )
            language = d.channel_language
        raw_reminders = values.get("NEWS_REMINDERS", "").strip().lower() or "on"
        if raw_reminders not in ("on", "off", "1", "0", "true", "false", "yes", "no"):
            problems.append(f"NEWS_REMINDERS should be on or off (got {raw_reminders!r})")
            raw_reminders = "on"
        rate = _number(
            values,
            "NEWS_MESSAGES_PER_SECOND",
            d.messages_per_second,
            problems,
            within=(0, 30),
            above_lowest=True,
            should="above 0 and at most 30, Telegram's limit",
        )
        return cls(
            channel=channel,
            channel_language=language,
            reminders=raw_reminders in ("on", "1", "true", "yes"),
            messages_per_second=rate,
        )


@dataclass(frozen=True)
class Settings:
    """Everything the bot reads from its environment, typed, read once at start."""

    token: Secret | None = None
    api_base_url: str | None = None  # python-telegram-bot's base_url form: http://host:port/bot
    state_dir: Path = Path("state")
    data_dir: Path = DEFAULT_DATA_DIR
    admin_ids: frozenset[int] = frozenset()
    mode: str = "polling"  # polling | webhook
    webhook_url: str | None = None  # the public HTTPS address Telegram posts updates to
    webhook_secret: Secret | None = (
        None  # sent back by Telegram in X-Telegram-Bot-Api-Secret-Token
    )
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8443
    # WEBHOOK_TRUSTED_PROXIES: only a post from these may name its client in X-Forwarded-For
    webhook_trusted_proxies: tuple[IPNetwork, ...] = ()
    missed_retention_days: int = 180  # how long the missed-question log keeps a question
    conversation_minutes: float = 30.0  # silence after which follow-ups start afresh; 0: never
    quiz_open_seconds: int = 30  # how long each quiz-game poll stays open (Telegram: 5..600)
    limits: Limits = Limits()
    log_level: str = "INFO"  # LOG_LEVEL: DEBUG shows the libraries' requests too (redacted)
    inbox_stale_seconds: int = 900  # INBOX_STALE_SECONDS: older undone updates go unanswered
    news: NewsSettings = NewsSettings()
    problems: tuple[str, ...] = field(default=())

    @property
    def has_token(self) -> bool:
        return self.token is not None

    @classmethod
    def token_configured(
        cls, environ: Mapping[str, str] | None = None, env_file: Path | None = Path(".env")
    ) -> bool:
        """Whether a token is set at all (valid or not): then the user means to run Telegram."""
        return bool(_read_values(environ, env_file).get("TELEGRAM_BOT_TOKEN", "").strip())

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, env_file: Path | None = Path(".env")
    ) -> Settings:
        """Read TELEGRAM_BOT_TOKEN, TELEGRAM_API_BASE_URL, BOT_STATE_DIR, BOT_DATA_DIR, ADMIN_IDS,
        BOT_MODE, WEBHOOK_URL, WEBHOOK_SECRET, WEBHOOK_LISTEN, WEBHOOK_PORT,
        WEBHOOK_TRUSTED_PROXIES, MISSED_RETENTION_DAYS, CONVERSATION_MINUTES, QUIZ_OPEN_SECONDS,
        the LIMIT_* values,
        ANNOUNCE_CHANNEL, ANNOUNCE_CHANNEL_LANGUAGE, NEWS_REMINDERS, NEWS_MESSAGES_PER_SECOND,
        LOG_LEVEL and INBOX_STALE_SECONDS.

        Values already in the environment win over the .env file, as with docker and systemd.
        """
        values = _read_values(environ, env_file)
        problems: list[str] = []

        token: Secret | None = None
        raw_token = values.get("TELEGRAM_BOT_TOKEN", "").strip()
        if raw_token:
            if TOKEN_PATTERN.fullmatch(raw_token):
                token = Secret(raw_token)
            else:
                problems.append(
                    "TELEGRAM_BOT_TOKEN does not look like a bot token (expected "
                    "'<digits>:<secret>' as BotFather gives it)"
                )

        base_url = values.get("TELEGRAM_API_BASE_URL", "").strip() or None
        if base_url is not None:
            base_url = base_url.rstrip("/")
            if not re.fullmatch(r"https?://[^/\s]+(/\S*)?", base_url):
                problems.append(
                    "TELEGRAM_API_BASE_URL should look like http://host:port/bot (got "
                    f"{base_url!r})"
                )
                base_url = None

        admin_ids: set[int] = set()
        for part in re.split(r"[,\s]+", values.get("ADMIN_IDS", "").strip()):
            if not part:
                continue
            if re.fullmatch(r"-?\d+", part):
                admin_ids.add(int(part))
            else:
                problems.append(f"ADMIN_IDS should be numeric Telegram user ids (got {part!r})")

        mode = values.get("BOT_MODE", "").strip().lower() or "polling"
        if mode not in ("polling", "webhook"):
            problems.append(f"BOT_MODE should be polling or webhook (got {mode!r})")
            mode = "polling"
        webhook_url = values.get("WEBHOOK_URL", "").strip() or None
        if webhook_url is not None and not re.fullmatch(r"https?://[^/\s]+(/\S*)?", webhook_url):
            problems.append(f"WEBHOOK_URL should be a full https:// address (got {webhook_url!r})")
            webhook_url = None
        if mode == "webhook" and webhook_url is None:
            problems.append("BOT_MODE=webhook needs WEBHOOK_URL, the address Telegram posts to")
        raw_secret = values.get("WEBHOOK_SECRET", "").strip()
        webhook_secret = Secret(raw_secret) if raw_secret else None
        if raw_secret and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", raw_secret):
            problems.append(
                "WEBHOOK_SECRET may only use A-Z, a-z, 0-9, _ and - (1-256 characters)"
            )
        port = _whole_number(
            values,
            "WEBHOOK_PORT",
            8443,
            problems,
            within=(1, 65535),
            should="a port number",
        )
        retention = _whole_number(
            values,
            "MISSED_RETENTION_DAYS",
            180,
            problems,
            within=(1, 36500),
            should="a whole number of days, 1 or more",
        )
        minutes = _number(
            values,
            "CONVERSATION_MINUTES",
            30.0,
            problems,
            within=(0, 7 * 24 * 60),
            should="a number of minutes, 0 to turn follow-ups off",
        )
        quiz_open = _whole_number(
            values,
            "QUIZ_OPEN_SECONDS",
            30,
            problems,
            within=(5, 600),
            should="5 to 600 seconds, as Telegram allows",
        )

        trusted_proxies = _trusted_proxies(values.get("WEBHOOK_TRUSTED_PROXIES", ""), problems)
        limits = Limits.from_values(values, problems)
        log_level = _log_level(values.get("LOG_LEVEL", ""), problems)
        inbox_stale = _whole_number(
            values,
            "INBOX_STALE_SECONDS",
            900,
            problems,
            within=(60, 604_800),
            should="60 to 604800 seconds",
        )
        news = NewsSettings.from_values(values, problems)
        return cls(
            log_level=log_level,
            inbox_stale_seconds=inbox_stale,
            quiz_open_seconds=quiz_open,
            limits=limits,
            news=news,
            conversation_minutes=minutes,
            mode=mode,
            missed_retention_days=retention,
            webhook_url=webhook_url,
            webhook_secret=webhook_secret,
            webhook_listen=values.get("WEBHOOK_LISTEN", "").strip() or "0.0.0.0",
            webhook_port=port,
            webhook_trusted_proxies=trusted_proxies,
            token=token,
            api_base_url=base_url,
            state_dir=_state_dir(values),
            data_dir=_data_dir(values),
            admin_ids=frozenset(admin_ids),
            problems=tuple(problems),
        )


COMPILED_DIR = "compiled"
"""Under BOT_STATE_DIR: the built Answerer per version of data/ (bot/compiled.py)."""


@dataclass(frozen=True)
class Folders:
    """Where the data is read and the compiled data kept, for every command, with or without a
    token: `python -m bot ask`, `evaluate`, `check-data` read BOT_DATA_DIR as `run` does."""

    data_dir: Path
    state_dir: Path

    @property
    def compiled_dir(self) -> Path:
        return self.state_dir / COMPILED_DIR

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, env_file: Path | None = Path(".env")
    ) -> Folders:
        values = _read_values(environ, env_file)
        return cls(_data_dir(values), _state_dir(values))


def _state_dir(values: Mapping[str, str]) -> Path:
    return Path(values.get("BOT_STATE_DIR", "").strip() or "state")


def _data_dir(values: Mapping[str, str]) -> Path:
    return Path(values.get("BOT_DATA_DIR", "").strip() or DEFAULT_DATA_DIR)


def _log_level(raw: str, problems: list[str]) -> str:
    """LOG_LEVEL, INFO by default; a misspelt level is a problem, not a silent INFO."""
    level = parse_level(raw)
    if level is None:
        problems.append(f"LOG_LEVEL should be one of {', '.join(LEVELS)} (got {raw.strip()!r})")
        return "INFO"
    return level


def _whole_number(
    values: Mapping[str, str],
    key: str,
    default: int,
    problems: list[str],
    *,
    within: tuple[int, int],
    should: str,
) -> int:
    """_number for a whole number."""
    return int(_number(values, key, default, problems, within=within, should=should, whole=True))


def _number(
    values: Mapping[str, str],
    key: str,
    default: float,
    problems: list[str],
    *,
    within: tuple[float, float],
    should: str,
    whole: bool = False,
    above_lowest: bool = False,
) -> float:
    """A numeric setting within `within` (the lowest excluded when `above_lowest`); unset gives
    the default, and so does a malformed or out-of-range value, after adding "KEY should be
    <should> (got '...')" to `problems`."""
    raw = values.get(key, "").strip()
    if not raw:
        return default
    number: float | None
    try:
        number = int(raw) if whole else float(raw)
    except ValueError:
        number = None
    lowest, highest = within
    if (
        number is None
        or number != number  # NaN
        or number < lowest
        or (above_lowest and number == lowest)
        or number > highest
    ):
        problems.append(f"{key} should be {should} (got {raw!r})")
        return default
    return number


def _trusted_proxies(raw: str, problems: list[str]) -> tuple[IPNetwork, ...]:
    """WEBHOOK_TRUSTED_PROXIES: addresses or networks, separated by commas or spaces; none by
    default, so a forged X-Forwarded-For never names a client in the log."""
    networks: list[IPNetwork] = []
    for item in raw.replace(",", " ").split():
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            problems.append(
                "WEBHOOK_TRUSTED_PROXIES should list IP addresses or networks, e.g. "
                f"'127.0.0.1, 10.0.0.0/8' (got {item!r})"
            )
    return tuple(networks)


def _read_values(environ: Mapping[str, str] | None, env_file: Path | None) -> dict[str, str]:
    values: dict[str, str] = {}
    if env_file is not None and env_file.is_file():
        values.update(read_env_file(env_file))
    values.update(os.environ if environ is None else environ)
    return values


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=value lines; `#` comments, blank lines, `export ` and matching quotes are allowed."""
    values: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        values[key.strip()] = value
    return values
