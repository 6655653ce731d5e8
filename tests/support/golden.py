"""Golden files: the public contract written down, so that every change to it is a diff.

``match_golden(name, text)`` compares ``text`` with ``tests/golden/<name>``; a mismatch
fails with a unified diff. ``REGISTRY_UPDATE_GOLDEN=1`` writes the files instead (see
tests/golden/README.md). What differs from run to run (certificate codes, assessment ids,
key ids, public keys, pseudonyms, digests over signed bytes) is replaced by named
placeholders by a ``Placeholders`` before comparing; times need no such step, since the
tests run on a fixed clock.
"""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path
from typing import Any

import pytest

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
UPDATE = os.environ.get("REGISTRY_UPDATE_GOLDEN") == "1"


def pretty_json(value: Any) -> str:
    """JSON with sorted keys and an indent: a stable text whose diffs read well."""
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def match_golden(name: str, text: str) -> None:
    """Fail with a unified diff unless ``text`` is the golden file ``name`` (or write it)."""
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    if not path.exists():
        pytest.fail(f"no golden file {name}; run with REGISTRY_UPDATE_GOLDEN=1 to write it")
    expected = path.read_text(encoding="utf-8")
    if text != expected:
        diff = difflib.unified_diff(
            expected.splitlines(keepends=True),
            text.splitlines(keepends=True),
            fromfile=f"golden/{name}",
            tofile=f"now/{name}",
        )
        pytest.fail(
            f"the public contract in golden/{name} changed; if that is meant, rewrite it with "
            "REGISTRY_UPDATE_GOLDEN=1 and commit the diff:\n" + "".join(diff),
            pytrace=False,
        )


class Placeholders:
    """Values that differ between runs, each replaced by ``<label>`` in a text."""

    def __init__(self) -> None:
        self._labels: dict[str, str] = {}

    def add(self, value: str, label: str) -> None:
        if value and value not in self._labels:
            self._labels[value] = f"<{label}>"

    def apply(self, text: str) -> str:
        # Longest first, so that a value containing another is replaced whole.
        for value in sorted(self._labels, key=len, reverse=True):
            text = text.replace(value, self._labels[value])
        return text
