"""What text the registry accepts: the one rule every field and path parameter follows.

Text that reaches the database or the transparency log must mean what it shows. Control
characters (NUL among them, which PostgreSQL cannot store at all), lone surrogates (no
valid UTF-8 holds them) and bidirectional controls (which make a name read differently
from how it is stored) are refused everywhere. Multi-line fields may hold tab, line
feed and carriage return; path segments and query values hold none of them.
"""

from __future__ import annotations

import unicodedata
from typing import Final

# Bidirectional formatting controls (Unicode TR9): embeddings, overrides, isolates, marks.
BIDI_CONTROLS: Final = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
LINE_BREAKS: Final = frozenset("\t\n\r")


def forbidden_character(text: str, *, multiline: bool = False) -> str | None:
    """A description of the first character the registry refuses in ``text`` (for
    instance ``"U+0000 (a control character) at position 3"``), or None when all is well.

    Pure and linear; fast enough to run on every request's path and query.
    """
    if text.isascii() and text.isprintable():
        return None  # the usual case, answered without looking at each character
    for position, char in enumerate(text):
        reason = _reason(char, multiline)
        if reason is not None:
            return f"U+{ord(char):04X} ({reason}) at position {position}"
    return None


def _reason(char: str, multiline: bool) -> str | None:
    code = ord(char)
    if code < 0x20 or 0x7F <= code <= 0x9F:
        if multiline and char in LINE_BREAKS:
            return None
        return "a control character"
    if 0xD800 <= code <= 0xDFFF:
        return "a lone surrogate"
    if char in BIDI_CONTROLS:
        return "a bidirectional control"
    if code < 0x80:
        return None
    category = unicodedata.category(char)
    if category == "Cn" and (code & 0xFFFE) == 0xFFFE:
        return "a noncharacter"
    if category in ("Zl", "Zp") and not multiline:
        return "a line separator"
    return None
