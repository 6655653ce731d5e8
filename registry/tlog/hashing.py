"""RFC 6962 §2.1 / RFC 9162 §2.1.1 hashing with SHA-256 and domain separation.

Leaves and interior nodes are hashed with different one-byte prefixes so that a leaf can
never pass for a node (second-preimage resistance).
"""

from __future__ import annotations

import hashlib
from typing import Final, NewType

Hash = NewType("Hash", bytes)
"""A 32-byte Merkle Tree Hash: a root, a subtree, a proof element."""

LeafHash = NewType("LeafHash", Hash)
"""The hash of one log entry, ``SHA-256(0x00 || entry)``."""

NodeHash = NewType("NodeHash", Hash)
"""The hash of an interior node, ``SHA-256(0x01 || left || right)``."""

HASH_SIZE: Final = 32

_LEAF, _NODE = b"\x00", b"\x01"  # RFC 6962 §2.1 domain separation

EMPTY_ROOT: Final = Hash(hashlib.sha256(b"").digest())
"""MTH({}) = SHA-256() (RFC 6962 §2.1): the root of the empty tree."""


def leaf_hash(entry: bytes) -> LeafHash:
    """MTH({d(0)}) = SHA-256(0x00 || d(0)) (RFC 6962 §2.1)."""
    return LeafHash(Hash(hashlib.sha256(_LEAF + entry).digest()))


def node_hash(left: bytes, right: bytes) -> NodeHash:
    """SHA-256(0x01 || left || right) (RFC 6962 §2.1)."""
    return NodeHash(Hash(hashlib.sha256(_NODE + left + right).digest()))


def is_hash(value: bytes) -> bool:
    """Whether ``value`` has the length of a SHA-256 hash."""
    return len(value) == HASH_SIZE
