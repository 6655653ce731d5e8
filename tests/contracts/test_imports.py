"""The import contracts of pyproject.toml ([tool.importlinter]) hold.

They say what may import what: the pure core (domain, tlog, signing) imports no
framework, the log library nothing of the registry, features use one another only through
their service and schemas, and controllers, pages and the edge reach data only through a
service. A broken contract fails here with import-linter's report, which
names each offending import and its line.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import registry

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = Path(registry.__file__).parent


def contracts() -> list[dict[str, object]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    found: list[dict[str, object]] = config["tool"]["importlinter"]["contracts"]
    return found


def top_level_modules() -> set[str]:
    """Every module and package directly under ``registry``."""
    names = {f"registry.{p.stem}" for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    names |= {f"registry.{p.parent.name}" for p in PACKAGE.glob("*/__init__.py")}
    return names


def test_import_contracts_are_kept() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from importlinter.cli import lint_imports_command; "
            "sys.exit(lint_imports_command())",
            str(ROOT / "pyproject.toml"),
            "--no-cache",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    kept = report.count(" KEPT")
    assert kept == len(contracts()), f"expected {len(contracts())} contracts kept:\n{report}"


def test_contracts_of_leaf_packages_name_every_other_module_of_the_registry() -> None:
    # tlog and the error family import nothing of the registry: their contracts must list
    # every other top-level module, or a new one would slip past them.
    for source in ("registry.tlog", "registry.errors"):
        (contract,) = [c for c in contracts() if c.get("source_modules") == [source]]
        forbidden = set(contract["forbidden_modules"])  # type: ignore[call-overload]
        missing = top_level_modules() - forbidden - {source}
        assert not missing, f"add to the {source} contract's forbidden_modules: {sorted(missing)}"


def feature_packages() -> set[str]:
    """Top-level packages that hold use cases: those with a ``service.py``."""
    return {f"registry.{p.parent.name}" for p in PACKAGE.glob("*/service.py")}


def test_independence_contract_names_every_feature() -> None:
    # A new feature package joins the contract that keeps features apart, or it could
    # reach into the others' internals unseen.
    (contract,) = [c for c in contracts() if c["type"] == "independence"]
    named = set(contract["modules"])  # type: ignore[call-overload]
    assert feature_packages(), "no feature package found"
    missing = feature_packages() - named
    assert not missing, f"add to the independence contract's modules: {sorted(missing)}"
