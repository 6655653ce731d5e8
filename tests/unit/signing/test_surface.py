"""The package's promises about itself: a pure layer with a curated surface."""

from __future__ import annotations

import subprocess
import sys

import registry.signing


def test_imports_no_web_framework_orm_or_template_engine() -> None:
    # A fresh interpreter, so modules imported by other tests do not count.
    code = (
        "import sys, registry.signing; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'litestar', 'sqlalchemy', 'sqlmodel', 'jinja2', 'alembic', 'msgspec'}))"
    )
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True)
    assert shown.stdout.decode().strip() == "[]"


def test_every_public_name_exists() -> None:
    assert registry.signing.__all__ == sorted(registry.signing.__all__)
    for name in registry.signing.__all__:
        assert hasattr(registry.signing, name), name
