"""An in-memory hash store and tree, for tests and offline tools.

They run the very code a database-backed log runs (:func:`append_nodes`, :func:`root`,
the proofs), only with a dict as the store.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from registry.tlog.errors import ProofError
from registry.tlog.hashing import Hash, LeafHash, leaf_hash
from registry.tlog.merkle import (
    Coord,
    append_nodes,
    consistency_proof,
    inclusion_proof,
    root,
)


class MemoryHashStore:
    """A :class:`HashStore` in a dict; :meth:`append` keeps it complete for its size."""

    def __init__(self) -> None:
        self.hashes: dict[Coord, Hash] = {}
        self.size = 0

    def get_hashes(self, coords: Sequence[Coord]) -> Mapping[Coord, bytes]:
        """The stored hashes among ``coords``."""
        return {c: self.hashes[c] for c in coords if c in self.hashes}

    def append(self, leaf: LeafHash) -> int:
        """Append one leaf hash and the subtrees it completes; the leaf's index."""
        for level, index, value in append_nodes(self.size, leaf, self):
            self.hashes[(level, index)] = value
        self.size += 1
        return self.size - 1


class MemoryTree:
    """A log of entries held in memory, with RFC 9162 roots and proofs at any size."""

    def __init__(self, entries: Iterable[bytes] = ()) -> None:
        self.store = MemoryHashStore()
        self.entries: list[bytes] = []
        self.leaves: list[LeafHash] = []
        for entry in entries:
            self.append(entry)

    @property
    def size(self) -> int:
        return len(self.entries)

    def append(self, entry: bytes) -> int:
        """Append ``entry``; its index."""
        leaf = leaf_hash(entry)
        self.store.append(leaf)
        self.entries.append(entry)
        self.leaves.append(leaf)
        return len(self.entries) - 1

    def leaf(self, index: int) -> LeafHash:
        """The leaf hash of entry ``index``."""
        return self.leaves[index]

    def root(self, size: int | None = None) -> Hash:
        """The root at ``size`` (default: the whole tree)."""
        return root(self._size(size), self.store)

    def prove(self, index: int, size: int | None = None) -> list[Hash]:
        """The inclusion proof of entry ``index`` in the tree of ``size`` (default: all)."""
        return inclusion_proof(index, self._size(size), self.store)

    def prove_consistency(self, first: int, second: int | None = None) -> list[Hash]:
        """The consistency proof from size ``first`` to ``second`` (default: all)."""
        return consistency_proof(first, self._size(second), self.store)

    def _size(self, size: int | None) -> int:
        if size is None:
            return self.size
        if size > self.size:
            raise ProofError(f"tree size {size} is beyond the log's size {self.size}")
        return size
