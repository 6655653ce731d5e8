"""Strict text encodings shared by the C2SP formats: padded base64 and plain decimals.

C2SP uses the standard base64 alphabet with padding (RFC 4648 §4) and decimals without
leading zeroes. Decoding accepts only the canonical form, so that one value has exactly
one text form and a changed character always means a changed value.
"""

from __future__ import annotations

import base64
import binascii
import re

_B64 = re.compile(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")
_DECIMAL = re.compile(r"0|[1-9][0-9]*")

MAX_INT64 = (1 << 63) - 1
"""The largest size or index the formats carry (Go's int64, as in sumdb/tlog)."""


def b64encode(data: bytes) -> str:
    """``data`` in standard padded base64 (RFC 4648 §4)."""
    return base64.b64encode(data).decode("ascii")


def b64decode(text: str) -> bytes:
    """The bytes of canonical padded base64 ``text``.

    Raises ValueError, quoting nothing of the input, on characters outside the alphabet,
    missing or extra padding, or non-zero trailing bits.
    """
    if not _B64.fullmatch(text):
        raise ValueError("not canonical base64")
    try:
        data = base64.b64decode(text, validate=True)
    except binascii.Error as exc:  # unreachable after the pattern; kept as a guard
        raise ValueError("not canonical base64") from exc
    if b64encode(data) != text:
        raise ValueError("not canonical base64: non-zero trailing bits")
    return data


def parse_decimal(text: str) -> int:
    """A non-negative ASCII decimal without leading zeroes, at most 2**63 - 1.

    Raises ValueError otherwise (signs, spaces, underscores and non-ASCII digits included).
    """
    if not _DECIMAL.fullmatch(text) or len(text) > 19:
        raise ValueError("not a canonical decimal")
    value = int(text)
    if value > MAX_INT64:
        raise ValueError("decimal out of range")
    return value
