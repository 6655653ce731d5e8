"""The bitstring of W3C Bitstring Status List v1.0, as pure functions.

§4.1 (Bitstring Generation): bits start all 0, index 0 is the left-most (most
significant) bit of the first byte, the list is GZIP-compressed and multibase-encoded as
base64url without padding behind the prefix ``u``. §4.3 sets the minimum of 131,072
entries (16 KB), which is also the herd a holder hides in.
"""

from __future__ import annotations

import base64
import gzip
from collections.abc import Iterable
from typing import Final

LIST_SIZE: Final = 131_072  # §4.3 minimumNumberOfEntries
MULTIBASE_BASE64URL: Final = "u"  # §2.1 encodedList: "Multibase-encoded base64url"


class BitstringError(ValueError):
    """An index outside the list, or an encodedList that is not one."""


def encode(set_bits: Iterable[int], size: int = LIST_SIZE) -> str:
    """The ``encodedList`` of a list of ``size`` bits with exactly ``set_bits`` set.

    GZIP with a fixed modification time, so one list always encodes to the same text.
    """
    if size <= 0 or size % 8:
        raise BitstringError(f"a bitstring has a positive multiple of 8 bits, got {size}")
    data = bytearray(size // 8)
    for index in set_bits:
        if not 0 <= index < size:
            raise BitstringError(f"index {index} is outside the list of {size} entries")
        data[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(data), compresslevel=9, mtime=0)
    return MULTIBASE_BASE64URL + base64.urlsafe_b64encode(compressed).decode("ascii").rstrip("=")
