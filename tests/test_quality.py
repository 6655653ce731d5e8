"""The house rules that a machine can check: lint, types, and the layering of imports."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PURE = ("registry/domain", "registry/signing", "registry/tlog")
FEATURES = (
    "certification",
    "certificates",
    "schemes",
    "bodies",
    "identity",
    "transparency",
    "webhooks",
    "misuse",
    "organisations",
    "search",
    "opendata",
    "feeds",
    "wellknown",
    "status_lists",
    "discovery",
)
HTTP_SIDE = ("api.py", "pages.py", "badges.py", "verification.py")
FORBIDDEN_IN_PURE = (
    "litestar",
    "sqlalchemy",
    "sqlmodel",
    "jinja2",
    "alembic",
    "registry.db",
    "registry.edge",
    "registry.app",
    *(f"registry.{feature}" for feature in FEATURES),
)


def test_ruff_is_clean() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "registry", "tests"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_is_clean() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "registry"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package", PURE)
def test_pure_packages_import_no_framework(package: str) -> None:
    """domain, signing and tlog know nothing of the web, the ORM or templates."""
    offenders = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in (ROOT / package).rglob("*.py")
        for name in _imports(path)
        if name.startswith(FORBIDDEN_IN_PURE)
    }
    assert not offenders, sorted(offenders)


def test_services_do_not_speak_http() -> None:
    """A feature's use cases, queries and schemas know no HTTP: only its ``api.py``,
    ``pages.py`` (and the badge and verification pages) speak it."""
    offenders = {
        f"{path.relative_to(ROOT)}: {name}"
        for feature in FEATURES
        for path in (ROOT / "registry" / feature).rglob("*.py")
        if path.name not in HTTP_SIDE
        for name in _imports(path)
        if name.startswith(("litestar", "registry.app"))
        or name.endswith((".api", ".pages", ".badges", ".verification"))
    }
    assert not offenders, sorted(offenders)
