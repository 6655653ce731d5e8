"""Dependencies are pinned in one lock file that CI, the README and the Dockerfile use,
and bandit finds nothing of high severity in the code."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]


def locked() -> dict[str, Version]:
    pins: dict[str, Version] = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)==([0-9][A-Za-z0-9.+!-]*)", line.strip())
        assert match, f"not a pin: {line!r}"
        pins[canonicalize_name(match.group(1))] = Version(match.group(2))
    return pins


def test_every_dependency_is_pinned_within_what_pyproject_allows() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = [*project["dependencies"], *project["optional-dependencies"]["test"]]
    pins = locked()
    for text in wanted:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is not in requirements.lock"
        assert requirement.specifier.contains(pins[name], prereleases=True), (text, pins[name])
    for name in (
        "uvloop",
        "psycopg-binary",
    ):  # what the extras granian[uvloop] and psycopg[binary] add
        assert name in pins, name


def test_ci_the_readme_and_the_dockerfile_install_from_the_lock() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    docker = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    assert 'pip install -c requirements.lock ".[test]" && pytest' in ci
    assert "pip install -c requirements.lock . && registry demo" in readme
    assert re.search(r"^COPY [^\n]*requirements\.lock", docker, re.M)
    installs = re.findall(r"pip install [^&\n]*?(?= &&|$)", docker, re.M)
    project_install = [i for i in installs if i.rstrip().endswith(" .")]
    assert project_install, installs
    assert all("-c requirements.lock" in i for i in project_install), project_install


def test_bandit_finds_nothing_of_high_severity() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    assert "bandit -q -r registry --severity-level high" in ci
    bandit = shutil.which("bandit") or str(Path(sys.executable).parent / "bandit")
    result = subprocess.run(
        [bandit, "-q", "-r", str(ROOT / "registry"), "--severity-level", "high"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
