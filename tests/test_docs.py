"""The documentation that describes the code stays true to it.

The README's "Layout" section and the package table of ``docs/architecture.md`` must name
every folder under ``registry/`` and nothing that is not there, so that adding, renaming
or removing a package fails here until the documents say so too. Relative links in the
documentation must lead to files that exist.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE_ROOT = ROOT / "registry"
DOCUMENTS = (
    "README.md",
    "CONTRIBUTING.md",
    "SECURITY.md",
    *(str(p.relative_to(ROOT)) for p in sorted((ROOT / "docs").rglob("*.md"))),
)


def _folders() -> set[str]:
    """Every folder directly under registry/, Python package or not (static, i18n)."""
    return {
        p.name for p in PACKAGE_ROOT.iterdir() if p.is_dir() and not p.name.startswith((".", "__"))
    }


def _python_packages() -> set[str]:
    return {name for name in _folders() if (PACKAGE_ROOT / name / "__init__.py").is_file()}


def _section(text: str, heading: str) -> str:
    """The body of the ``## heading`` section, up to the next heading of that level."""
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, f"no '## {heading}' section"
    return match.group(1)


def _readme_layout() -> tuple[set[str], set[str], set[str]]:
    """Folders and modules named under ``registry/``, and top-level folders, in the
    README's layout block (6 and 4 spaces of indent)."""
    section = _section((ROOT / "README.md").read_text(encoding="utf-8"), "Layout")
    assert "    registry/\n" in section, "the layout block does not start at registry/"
    folders, modules, top = set(), set(), set()
    for line in section.splitlines():
        if found := re.match(r"^ {6}(\w+)/(?:\s|$)", line):
            folders.add(found.group(1))
        elif found := re.match(r"^ {6}(\w+\.py)(?:\s|$)", line):
            modules.add(found.group(1))
        elif found := re.match(r"^ {4}(\w+)/(?:\s|$)", line):
            top.add(found.group(1))
    return folders, modules, top


def _architecture_table() -> list[str]:
    """First-column names of the package table in docs/architecture.md, in order."""
    section = _section((ROOT / "docs" / "architecture.md").read_text(encoding="utf-8"), "Packages")
    return re.findall(r"^\| `(\w+)/` \|", section, re.M)


def test_readme_layout_names_every_folder_under_registry() -> None:
    named, _modules, _top = _readme_layout()
    actual = _folders()
    assert not named - actual, f"README names folders registry/ lacks: {sorted(named - actual)}"
    assert not actual - named, f"README's layout misses: {sorted(actual - named)}"


def test_readme_layout_names_only_modules_and_folders_that_exist() -> None:
    _named, modules, top = _readme_layout()
    missing = sorted(m for m in modules if not (PACKAGE_ROOT / m).is_file())
    assert not missing, f"README's layout names modules registry/ lacks: {missing}"
    missing = sorted(t for t in top if not (ROOT / t).is_dir())
    assert not missing, f"README's layout names top-level folders that do not exist: {missing}"


def test_architecture_table_names_every_package() -> None:
    table = _architecture_table()
    assert len(table) == len(set(table)), f"a package is listed twice: {table}"
    named, actual = set(table), _python_packages()
    assert not named - actual, (
        f"architecture.md names packages registry/ lacks: {sorted(named - actual)}"
    )
    assert not actual - named, f"architecture.md's package table misses: {sorted(actual - named)}"


def test_architecture_mentions_the_data_folders() -> None:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    unnamed = sorted(f for f in _folders() - _python_packages() if f"`{f}/`" not in text)
    assert not unnamed, f"architecture.md does not mention folders: {unnamed}"


@pytest.mark.parametrize("document", DOCUMENTS)
def test_relative_links_lead_somewhere(document: str) -> None:
    path = ROOT / document
    text = path.read_text(encoding="utf-8")
    broken = []
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
            continue  # a URL, or an anchor within the page
        file_part = target.split("#", 1)[0]
        if not (path.parent / file_part).exists():
            broken.append(target)
    assert not broken, f"{document} links to missing files: {broken}"


def test_the_readme_points_inside_the_repository() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "DESIGN.md" not in readme, "the design lives in docs/design.md"
    for target in ("docs/design.md", "docs/architecture.md", "CONTRIBUTING.md", "SECURITY.md"):
        assert f"]({target})" in readme, f"the README does not link {target}"
