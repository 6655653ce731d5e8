"""Unpadded base64url (RFC 7515 §2), strict on input.

Decoding accepts only the canonical encoding: no padding, no characters outside the
alphabet and no stray bits in the last character, so that one byte string has exactly one
text form and a changed character always means changed bytes.
"""

from __future__ import annotations

import base64
import re

_ALPHABET = re.compile(r"[A-Za-z0-9_-]*")


def b64url_encode(data: bytes) -> str:
    """``data`` in base64url without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """The bytes of canonical unpadded base64url ``text``.

    Raises ValueError with a message that quotes nothing of the input.
    """
    if not _ALPHABET.fullmatch(text):
        raise ValueError("not base64url: characters outside the alphabet or padding")
    if len(text) % 4 == 1:
        raise ValueError("not base64url: impossible length")
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if b64url_encode(data) != text:
        raise ValueError("not base64url: non-zero trailing bits")
    return data
