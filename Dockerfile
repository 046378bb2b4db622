# The bot in one container: python:3.11-slim, a non-root user, dependencies from pyproject.toml.
# data/ is copied in so the image runs on its own, but docker-compose.yml mounts ./data over it
# read-only: curators edit the YAML on the host and the running bot reloads it, no rebuild.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first, from the project's own metadata, in a layer that survives code edits:
# a stub package lets `pip install .` resolve them before the real code is copied.
COPY pyproject.toml README.md ./
RUN mkdir bot && touch bot/__init__.py \
    && pip install . \
    && rm -rf bot build *.egg-info

COPY bot ./bot
RUN pip install --no-deps --force-reinstall . && rm -rf build *.egg-info
COPY data ./data

# The bot runs as an unprivileged user; only /app/state (the named volume) is writable by it.
# A named volume starts as a copy of this folder, ownership included.
RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home --shell /usr/sbin/nologin bot \
    && mkdir -p /app/state \
    && chown bot:bot /app/state
ENV BOT_DATA_DIR=/app/data \
    BOT_STATE_DIR=/app/state
USER bot

# Webhook mode only (BOT_MODE=webhook); polling needs no open port.
EXPOSE 8443

# Alive, not merely installed: the running bot writes $BOT_STATE_DIR/heartbeat every 30 s.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "-m", "bot.health"]

CMD ["python", "-m", "bot", "run"]
