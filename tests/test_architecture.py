"""The core stays pure: only the Telegram adapter imports `telegram`; only config reads the env."""

from __future__ import annotations

import ast
from pathlib import Path

BOT = Path(__file__).resolve().parent.parent / "bot"
ADAPTER = BOT / "telegram"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _modules() -> list[Path]:
    return sorted(BOT.rglob("*.py"))


def test_only_the_telegram_adapter_imports_telegram() -> None:
    offenders = [
        str(path.relative_to(BOT))
        for path in _modules()
        if ADAPTER not in path.parents
        and any(name == "telegram" or name.startswith("telegram.") for name in _imports(path))
    ]
    assert offenders == []


def test_only_catalog_imports_yaml() -> None:
    offenders = [
        str(path.relative_to(BOT))
        for path in _modules()
        if "yaml" in _imports(path) and BOT / "catalog" not in path.parents
    ]
    assert offenders == []


def test_only_config_reads_the_environment() -> None:
    offenders = [
        str(path.relative_to(BOT))
        for path in _modules()
        if (path.name != "config.py" and "os.environ" in path.read_text(encoding="utf-8"))
        or (path.name != "config.py" and "getenv(" in path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
