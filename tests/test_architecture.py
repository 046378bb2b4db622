"""The layer rules. Imports are checked by import-linter's contracts in pyproject.toml (run by
`make test` as `lint-imports`); here: that those contracts cover every module, so a new core
module cannot slip past them, and that only bot/config.py reads the environment (a read, not an
import, which import-linter cannot see)."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOT = ROOT / "bot"
ADAPTERS = {"bot.telegram", "bot.__main__"}
"""May import telegram: the adapter, and the command line that starts it."""


def _contracts() -> dict[str, dict[str, list[str]]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    return {c["forbidden_modules"][0]: c for c in contracts if c["type"] == "forbidden"}


def _top_level_modules() -> set[str]:
    names = {f"bot.{path.stem}" for path in BOT.glob("*.py") if path.stem != "__init__"}
    names |= {f"bot.{path.parent.name}" for path in BOT.glob("*/__init__.py")}
    return names


def test_the_telegram_contract_covers_every_module_but_the_adapters() -> None:
    covered = set(_contracts()["telegram"]["source_modules"])
    assert covered == _top_level_modules() - ADAPTERS


def test_the_yaml_contract_covers_every_module_but_the_catalog() -> None:
    covered = set(_contracts()["yaml"]["source_modules"])
    assert covered == _top_level_modules() - {"bot.catalog"}


def _reads_environment(path: Path) -> bool:
    """os.environ, os.getenv or `from os import environ/getenv`, anywhere in the module."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr in {"environ", "getenv", "environb"}:
            return True
        if (
            isinstance(node, ast.ImportFrom)
            and node.module == "os"
            and any(alias.name in {"environ", "getenv", "environb"} for alias in node.names)
        ):
            return True
    return False


def test_only_config_reads_the_environment() -> None:
    readers = [
        str(path.relative_to(BOT))
        for path in sorted(BOT.rglob("*.py"))
        if _reads_environment(path)
    ]
    assert readers == ["config.py"]
