"""The text rule: which characters the registry refuses, and that it accepts the rest."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.domain.text import forbidden_character


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("a\x00b", "U+0000 (a control character) at position 1"),
        ("\x1b[31m", "U+001B (a control character)"),
        ("x\x7f", "U+007F"),
        ("x\x85", "U+0085"),
        ("\ud800", "a lone surrogate"),
        ("shop\u202etxt.exe", "U+202E (a bidirectional control)"),
        ("\u2066x", "a bidirectional control"),
        ("\ufffe", "a noncharacter"),
        ("line\u2028break", "a line separator"),
    ],
)
def test_refused_characters_are_named(text: str, reason: str) -> None:
    found = forbidden_character(text, multiline=False)
    assert found is not None and reason in found
    if "separator" not in reason:  # a multi-line field refuses all the same
        assert forbidden_character(text, multiline=True) == found


@pytest.mark.parametrize(
    "text", ["Fietsen B.V.", "Café Noël", "日本語のお店", "Zoë's “shop”", "emoji 🚲", ""]
)
def test_ordinary_text_passes(text: str) -> None:
    assert forbidden_character(text) is None


def test_line_breaks_only_in_multiline_fields() -> None:
    assert forbidden_character("two\nlines", multiline=True) is None
    assert forbidden_character("tab\there", multiline=True) is None
    assert "U+000A" in (forbidden_character("two\nlines") or "")


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Cf"))))
def test_printable_text_without_format_characters_passes(text: str) -> None:
    found = forbidden_character(text, multiline=False)
    assert found is None or "separator" in found or "noncharacter" in found
