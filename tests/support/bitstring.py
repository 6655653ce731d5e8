"""The W3C Bitstring Status List v1.0 reading algorithm, written from the specification
(§3.2 Validate Algorithm, §4.1 Bitstring Generation), independent of the registry's code.

``encodedList`` is a Multibase string: the prefix ``u`` names base64url without padding
(Multibase, "base64url"); the bytes are a GZIP stream (RFC 1952); index 0 is the
left-most bit, so bit ``i`` is bit ``7 - i % 8`` of byte ``i // 8``.
"""

from __future__ import annotations

import base64
import gzip
import json
from typing import Any

MINIMUM_ENTRIES = 131_072  # §3.2 step 2: minimumNumberOfEntries


def expand(encoded_list: str) -> bytes:
    if not encoded_list.startswith("u"):
        raise ValueError(f"encodedList must be Multibase base64url ('u'), got {encoded_list[:1]!r}")
    text = encoded_list[1:]
    if "=" in text:
        raise ValueError("Multibase base64url has no padding")
    compressed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if compressed[:2] != b"\x1f\x8b":
        raise ValueError("encodedList is not a GZIP stream")
    bits = gzip.decompress(compressed)
    if len(bits) * 8 < MINIMUM_ENTRIES:
        raise ValueError(
            f"{len(bits) * 8} entries, fewer than {MINIMUM_ENTRIES} (STATUS_LIST_LENGTH_ERROR)"
        )
    return bits


def status_bit(bits: bytes, index: int) -> int:
    """The value at ``index`` (§3.2 step 12, with statusSize 1)."""
    if not 0 <= index < len(bits) * 8:
        raise IndexError(f"index {index} is outside the list (RANGE_ERROR)")
    return (bits[index // 8] >> (7 - index % 8)) & 1


def set_bits(bits: bytes) -> list[int]:
    return [i for i in range(len(bits) * 8) if status_bit(bits, i)]


def unverified_payload(token: str) -> dict[str, Any]:
    """The claims of a compact JWS (signatures are checked by the caller)."""
    part = token.split(".")[1]
    payload: dict[str, Any] = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return payload
