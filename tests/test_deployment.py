"""The Dockerfile and docker-compose.yml agree with the code (no Docker engine needed to check).

A container that starts a command the bot does not have, reads a variable nobody documents or
writes where it cannot is found here, not on the embassy's server.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.__main__ import _parser
from bot.health import (
    DEGRADED,
    MAX_AGE_SECONDS,
    MUST_ACT,
    check,
    heartbeat_path,
    notices,
    write_heartbeat,
)
from bot.health import (
    main as health_main,
)

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "Dockerfile"
COMPOSE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
DOCKERIGNORE = ROOT / ".dockerignore"


def _instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined."""
    result: list[tuple[str, str]] = []
    pending = ""
    for raw in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line = pending + line
        pending = ""
        instruction, _, arguments = line.partition(" ")
        result.append((instruction.upper(), arguments.strip()))
    return result


def _one(instruction: str) -> str:
    found = [args for name, args in _instructions() if name == instruction]
    assert len(found) == 1, f"expected one {instruction} in the Dockerfile, found {len(found)}"
    return found[0]


def _exec_form(arguments: str) -> list[str]:
    """A JSON-array (exec form) command; the shell form would swallow SIGTERM."""
    value = json.loads(arguments)
    assert isinstance(value, list)
    return [str(part) for part in value]


def _service() -> dict[str, Any]:
    compose = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    service: dict[str, Any] = compose["services"]["bot"]
    return service


def _environment() -> dict[str, str]:
    env = _service().get("environment", {})
    if isinstance(env, list):
        return dict(item.split("=", 1) for item in env)
    return {str(key): str(value) for key, value in env.items()}


def _subcommands() -> set[str]:
    for action in _parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    raise AssertionError("python -m bot has no subcommands")


# -- Dockerfile ------------------------------------------------------------------------------


def test_the_image_is_an_exact_python_311_slim_release() -> None:
    """A moving tag (python:3.11-slim) would build a different image next month, and a tag can
    be pushed again: the digest names the very bytes."""
    assert re.fullmatch(r"python:3\.11\.\d+-slim(-[a-z]+)?@sha256:[0-9a-f]{64}", _one("FROM"))


def test_the_command_is_a_real_subcommand_of_python_m_bot() -> None:
    command = _exec_form(_one("CMD"))
    assert command[:3] == ["python", "-m", "bot"]
    assert command[3] in _subcommands()
    assert command == ["python", "-m", "bot", "run"]
    assert importlib.util.find_spec("bot.telegram.app") is not None


def test_the_bot_runs_as_a_user_that_is_not_root() -> None:
    names = [name for name, _ in _instructions()]
    user = _one("USER")
    assert user not in ("root", "0") and not user.startswith("0:")
    assert names.index("USER") < names.index("CMD")
    creates = " ".join(args for name, args in _instructions() if name == "RUN")
    assert re.search(rf"useradd\b.*\b{re.escape(user)}\b", creates)


LOCK = ROOT / "requirements.lock"


def _locked() -> dict[str, str]:
    """name (normalised) -> the line's hashes, from requirements.lock."""
    text = LOCK.read_text(encoding="utf-8").replace("\\\n", " ")
    entries: dict[str, str] = {}
    for line in text.splitlines():
        match = re.match(r"([A-Za-z0-9_.-]+)==(\S+)\s+(.*)", line)
        if match:
            entries[re.sub(r"[-_.]+", "-", match.group(1)).lower()] = match.group(3)
    return entries


def test_dependencies_are_installed_from_the_lock_with_hashes_then_the_project() -> None:
    runs = [args for name, args in _instructions() if name == "RUN"]
    assert any("--require-hashes" in run and "-r requirements.lock" in run for run in runs)
    assert any(re.search(r"pip install --no-deps \.(\s|$)", run) for run in runs)
    copies = " ".join(args for name, args in _instructions() if name == "COPY")
    for needed in ("requirements.lock", "pyproject.toml", "README.md", "bot", "data"):
        assert needed in copies.split(), needed


def test_the_lock_pins_every_dependency_of_pyproject_with_a_hash() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    locked = _locked()
    for requirement in project["dependencies"]:
        name = re.sub(r"[-_.]+", "-", re.split(r"[\[<>=!~; ]", requirement)[0]).lower()
        assert name in locked, f"{name} is in pyproject.toml but not in requirements.lock"
    assert all(re.search(r"--hash=sha256:[0-9a-f]{64}", hashes) for hashes in locked.values())


def test_compose_runs_the_container_hardened() -> None:
    """What the hardening needs, key by key (docker compose config, below, checks the schema)."""
    service = _service()
    assert service["read_only"] is True
    assert any(str(mount).startswith("/tmp") for mount in service["tmpfs"])
    assert service["cap_drop"] == ["ALL"]
    assert "no-new-privileges:true" in service["security_opt"]
    assert re.fullmatch(r"\d+[mg]", str(service["mem_limit"]))
    assert 0 < int(service["pids_limit"]) <= 1024
    assert service["stop_grace_period"] == "30s"  # tests/e2e/test_durable_intake.py's grace


def _compose_command() -> list[str]:
    """`docker compose` (the plugin) or `docker-compose`; skipped where neither is installed,
    failed in CI, whose .ci/run installs docker-compose."""
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    docker = shutil.which("docker")
    if (
        docker
        and subprocess.run([docker, "compose", "version"], capture_output=True).returncode == 0
    ):
        return [docker, "compose"]
    missing = "neither `docker compose` nor `docker-compose` is installed"
    if os.environ.get("CI"):
        pytest.fail(f"{missing}: .ci/run should have installed docker-compose")
    pytest.skip(f"{missing} (apt-get install docker-compose)")


def _compose_config(folder: Path, text: str) -> subprocess.CompletedProcess[str]:
    """`config --quiet`: compose's own schema check of the file, with no Docker engine needed."""
    (folder / "docker-compose.yml").write_text(text, encoding="utf-8")
    (folder / ".env").write_text("", encoding="utf-8")  # env_file: .env must exist
    return subprocess.run(
        [*_compose_command(), "config", "--quiet"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_docker_compose_accepts_the_file(tmp_path: Path) -> None:
    result = _compose_config(tmp_path, COMPOSE.read_text(encoding="utf-8"))
    assert result.returncode == 0, result.stderr


def test_docker_compose_would_refuse_a_misspelt_key(tmp_path: Path) -> None:
    """The check above is live: a key the key-by-key tests would never look at is refused."""
    text = COMPOSE.read_text(encoding="utf-8").replace("cap_drop:", "cap_dorp:", 1)
    result = _compose_config(tmp_path, text)
    assert result.returncode != 0 and "cap_dorp" in result.stderr + result.stdout


def test_the_state_folder_exists_and_belongs_to_the_bot_user() -> None:
    user = _one("USER")
    runs = " ".join(args for name, args in _instructions() if name == "RUN")
    state = _environment()["BOT_STATE_DIR"]
    assert f"mkdir -p {state}" in runs
    assert re.search(rf"chown {user}(:{user})? {re.escape(state)}", runs)


def test_the_health_check_runs_the_heartbeat_check() -> None:
    healthcheck = _one("HEALTHCHECK")
    assert "--start-period=" in healthcheck
    command = _exec_form(healthcheck.split("CMD", 1)[1].strip())
    assert command == ["python", "-m", "bot.health"]
    assert importlib.util.find_spec("bot.health") is not None


def test_the_image_defaults_match_compose() -> None:
    env_lines = " ".join(args for name, args in _instructions() if name == "ENV")
    for key, value in _environment().items():
        if key in ("BOT_STATE_DIR", "BOT_DATA_DIR"):
            assert f"{key}={value}" in env_lines


# -- docker-compose.yml ----------------------------------------------------------------------


def test_compose_builds_here_restarts_and_reads_dot_env() -> None:
    service = _service()
    assert service["build"] == "."
    assert service["restart"] == "unless-stopped"
    assert service["env_file"] in (".env", [".env"])


def test_data_is_mounted_read_only_where_the_bot_reads_it() -> None:
    volumes = _service()["volumes"]
    assert "./data:/app/data:ro" in volumes
    assert _environment().get("BOT_DATA_DIR", "/app/data") == "/app/data"
    assert _one("WORKDIR") == "/app"  # the bot's default data/ is /app/data too


def test_the_state_volume_is_named_and_mounted_at_bot_state_dir() -> None:
    compose = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    state_dir = _environment()["BOT_STATE_DIR"]
    assert state_dir == "/app/state"
    mounts = [v.split(":") for v in _service()["volumes"]]
    named = [m for m in mounts if m[1] == state_dir]
    assert len(named) == 1
    assert not named[0][0].startswith((".", "/"))  # a named volume, not a host folder
    assert named[0][0] in compose["volumes"]
    assert named[0][2:] != ["ro"]


def test_compose_health_check_is_the_images() -> None:
    test = _service()["healthcheck"]["test"]
    image = _exec_form(_one("HEALTHCHECK").split("CMD", 1)[1].strip())
    assert test == ["CMD", *image]


def _compose_variables() -> set[str]:
    """Every variable compose sets, including the commented webhook block meant to be enabled."""
    names = set(_environment())
    for line in COMPOSE.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\s*#\s*(?:-\s*)?([A-Z][A-Z0-9_]+)\s*[:=]", line)
        if match:
            names.add(match.group(1))
    return names


def test_the_webhook_settings_are_there_commented_out() -> None:
    text = COMPOSE.read_text(encoding="utf-8")
    for setting in (
        "BOT_MODE: webhook",
        "WEBHOOK_URL:",
        "WEBHOOK_SECRET:",
        "WEBHOOK_LISTEN: 0.0.0.0",
        'WEBHOOK_PORT: "8443"',
    ):
        assert re.search(rf"^\s*#\s*{re.escape(setting)}", text, re.MULTILINE), setting
        assert setting.split(":")[0] not in _environment()  # polling by default
    assert re.search(r'^\s*#\s*-\s*"8443:8443"', text, re.MULTILINE)


def test_every_compose_variable_is_documented_in_env_example() -> None:
    if not ENV_EXAMPLE.is_file():
        pytest.skip(".env.example is not written yet (owned by the Telegram adapter)")
    documented = set(
        re.findall(r"^\s*#?\s*([A-Z][A-Z0-9_]+)=", ENV_EXAMPLE.read_text("utf-8"), re.MULTILINE)
    )
    assert sorted(_compose_variables() - documented) == []


def test_the_variables_compose_sets_are_read_by_the_settings() -> None:
    config = (ROOT / "bot" / "config.py").read_text(encoding="utf-8")
    assert [name for name in _environment() if f'"{name}"' not in config] == []


def test_secrets_and_state_stay_out_of_the_image() -> None:
    lines = DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
    ignored = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    for pattern in (".env", "state/", ".git/", ".venv/"):
        assert pattern in ignored
    for needed in ("bot", "bot/", "data", "data/", "pyproject.toml", "README.md"):
        assert needed not in ignored


# -- the heartbeat ---------------------------------------------------------------------------


def test_a_fresh_heartbeat_is_healthy_and_a_stale_or_missing_one_is_not(tmp_path: Path) -> None:
    assert "no heartbeat" in check(tmp_path)
    write_heartbeat(tmp_path, now=1000.0)
    assert check(tmp_path, now=1000.0 + MAX_AGE_SECONDS - 1) == ""
    assert "old" in check(tmp_path, now=1000.0 + MAX_AGE_SECONDS + 1)
    assert heartbeat_path(tmp_path).read_text(encoding="ascii").startswith("1000 ")


def test_degraded_states_the_operator_must_act_on_fail_the_check_the_others_do_not(
    tmp_path: Path,
) -> None:
    for name in DEGRADED:
        write_heartbeat(tmp_path, now=1000.0, degraded=[name])
        problem = check(tmp_path, now=1001.0)
        assert bool(problem) == (name in MUST_ACT), name
        said = problem or " ".join(notices(tmp_path))
        assert said == DEGRADED[name]
    write_heartbeat(tmp_path, now=1000.0)
    assert check(tmp_path, now=1001.0) == "" and notices(tmp_path) == []


def test_every_degraded_state_stats_reports_is_one_the_health_check_knows() -> None:
    """The heartbeat lists /stats's states by name: each must have a wording and a verdict."""
    english = yaml.safe_load(
        (ROOT / "data" / "locales" / "telegram" / "en.yaml").read_text(encoding="utf-8")
    )
    reported = {key.removeprefix("tg_health_") for key in english if key.startswith("tg_health_")}
    assert reported - {"degraded"} == set(DEGRADED)


def _health(state_dir: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BOT_STATE_DIR": str(state_dir), "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "bot.health"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_health_check_says_what_is_degraded_and_fails_on_what_needs_acting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """What python -m bot.health prints (the same main, in this process)."""
    write_heartbeat(tmp_path, degraded=["missed_off"])
    assert health_main(["--state-dir", str(tmp_path)]) == 0
    assert capsys.readouterr().out.startswith(f"healthy; degraded: {DEGRADED['missed_off']}")
    write_heartbeat(tmp_path, degraded=["missed_off", "backlog"])
    assert health_main(["--state-dir", str(tmp_path)]) == 1
    assert DEGRADED["backlog"] in capsys.readouterr().err


def test_python_m_bot_health_reads_bot_state_dir_and_exits_by_freshness(tmp_path: Path) -> None:
    state = tmp_path / "state"
    missing = _health(state, tmp_path)
    assert missing.returncode == 1
    assert "no heartbeat" in missing.stderr

    write_heartbeat(state)
    assert _health(state, tmp_path).returncode == 0

    stale = time.time() - MAX_AGE_SECONDS - 30
    os.utime(heartbeat_path(state), (stale, stale))
    result = _health(state, tmp_path)
    assert result.returncode == 1
    assert "old" in result.stderr
