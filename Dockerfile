# The bot in one container: Python 3.11 slim, a non-root user, dependencies from pyproject.toml
# pinned with hashes in requirements.lock (`make lock`). data/ is copied in so the image runs on
# its own, but docker-compose.yml mounts ./data over it read-only: curators edit the YAML on the
# host and the running bot reloads it, no rebuild. The mount must point at a real data folder:
# if ./data is missing on the host, Docker mounts an empty folder and the bot exits 1 saying so.
#
# The base image is pinned to an exact release and by digest (of the multi-architecture index,
# so amd64 and arm64 hosts both build). A new Python patch release: change both, with the digest
# from `docker buildx imagetools inspect python:3.11.X-slim-bookworm` ("Digest:"). This digest
# was not read from Docker Hub where this line was written (no registry access there): it is
# the one several public projects pin for this tag. A build that cannot find it fails at once.
FROM python:3.11.14-slim-bookworm@sha256:65a93d69fa75478d554f4ad27c85c1e69fa184956261b4301ebaf6dbb0a3543d

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first, exactly as locked (every file checked against its hash), in a layer that
# survives code edits; then the project itself from pyproject.toml, adding nothing else.
COPY requirements.lock ./
RUN pip install --require-hashes --no-deps -r requirements.lock

COPY pyproject.toml README.md ./
COPY bot ./bot
RUN pip install --no-deps . && rm -rf build *.egg-info
COPY data ./data

# The bot runs as an unprivileged user; only /app/state (the named volume) is writable by it.
# A named volume starts as a copy of this folder, ownership included.
RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home --shell /usr/sbin/nologin bot \
    && mkdir -p /app/state \
    && chown bot:bot /app/state
# The root filesystem is read-only under compose: matplotlib's cache goes to the tmpfs.
ENV BOT_DATA_DIR=/app/data \
    BOT_STATE_DIR=/app/state \
    MPLCONFIGDIR=/tmp/matplotlib
USER bot

# Webhook mode only (BOT_MODE=webhook); polling needs no open port.
EXPOSE 8443

# Alive, not merely installed: the running bot writes $BOT_STATE_DIR/heartbeat every 30 s.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "-m", "bot.health"]

CMD ["python", "-m", "bot", "run"]
