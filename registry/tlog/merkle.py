"""The RFC 9162 Merkle tree over stored full-subtree hashes: append, root and proofs.

The tree is never held in memory. A :class:`HashStore` keeps the hash of every *full*
subtree, addressed by ``(level, index)``: the subtree over leaves
``[index * 2**level, (index + 1) * 2**level)``, level 0 being the leaf hashes. Any range
that RFC 9162 hashes is a short run of such subtrees, so a root or a proof costs one
batched read of O(log n) hashes, whatever the size of the log.

Proofs are exactly the RFC 9162 §2.1.3.1 PATH and §2.1.4.1 PROOF outputs: the same
hashes in the same order. :func:`root_from_leaves` is the plain recursive MTH definition
(RFC 9162 §2.1.1), kept as the reference the tests compare against.

One algorithm (RFC 9162 §2.1 hashing, append, inclusion and consistency proofs over one
hash store), kept whole so each proof reads beside the tree it walks; a little over 300
lines.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from registry.tlog.errors import MissingHashError, ProofError
from registry.tlog.hashing import EMPTY_ROOT, Hash, LeafHash, is_hash, node_hash

Coord = tuple[int, int]
"""``(level, index)`` of a full subtree: leaves ``[index * 2**level, (index + 1) * 2**level)``."""

Range = tuple[int, int]
"""A half-open range of leaf indexes ``[lo, hi)``."""


class HashStore(Protocol):
    """Where the hashes of full subtrees live (a table, a dict, fetched tiles)."""

    def get_hashes(self, coords: Sequence[Coord]) -> Mapping[Coord, bytes]:
        """The stored hashes of ``coords`` in one read; absent coordinates are left out."""
        ...


def append_nodes(size: int, leaf: LeafHash, store: HashStore) -> list[tuple[int, int, Hash]]:
    """The full-subtree hashes that appending leaf number ``size`` creates.

    That is ``(0, size, leaf)`` and one ``(level, index, hash)`` for each subtree the leaf
    completes, reading only the O(log n) left siblings. Store them all before appending
    the next leaf. Raises ProofError on a negative size or a leaf that is not a hash,
    MissingHashError if a sibling is not stored.
    """
    _check_size(size, "tree size")
    _check_hash(leaf, "leaf hash")
    completed = (~size & (size + 1)).bit_length() - 1  # trailing one bits of size
    coords = [(level, (size >> level) - 1) for level in range(completed)]
    siblings = read_hashes(store, coords)
    nodes: list[tuple[int, int, Hash]] = [(0, size, leaf)]
    current: Hash = leaf
    for level, coord in enumerate(coords):
        current = node_hash(siblings[coord], current)
        nodes.append((level + 1, size >> (level + 1), current))
    return nodes


def root(size: int, store: HashStore) -> Hash:
    """MTH(D[0:size]) (RFC 9162 §2.1.1) from at most log2(size) + 1 stored hashes.

    The empty tree's root is SHA-256() as the RFC defines it. Raises ProofError on a
    negative size, MissingHashError if the store lacks a needed hash.
    """
    _check_size(size, "tree size")
    if size == 0:
        return EMPTY_ROOT
    return _range_hashes([(0, size)], store)[0]


def inclusion_proof(index: int, size: int, store: HashStore) -> list[Hash]:
    """PATH(index, D[0:size]) (RFC 9162 §2.1.3.1), from the leaf's sibling upwards.

    Raises ProofError unless ``0 <= index < size``, MissingHashError if the store lacks
    a needed hash.
    """
    _check_index(index, size)
    ranges: list[Range] = []
    lo, hi = 0, size
    while hi - lo > 1:
        k = _split(hi - lo)
        if index < lo + k:
            ranges.append((lo + k, hi))
            hi = lo + k
        else:
            ranges.append((lo, lo + k))
            lo += k
    ranges.reverse()  # PATH lists the deepest sibling first
    return _range_hashes(ranges, store)


def consistency_proof(first: int, second: int, store: HashStore) -> list[Hash]:
    """PROOF(first, D[0:second]) (RFC 9162 §2.1.4.1).

    Equal sizes give the empty proof, as SUBPROOF(m, D[m], true) does. Raises ProofError
    unless ``1 <= first <= second`` (the RFC defines no proof from the empty tree),
    MissingHashError if the store lacks a needed hash.
    """
    _check_sizes(first, second)
    ranges: list[Range] = []
    lo, hi, m, known = 0, second, first, True
    while m != hi - lo:
        k = _split(hi - lo)
        if m <= k:
            ranges.append((lo + k, hi))
            hi = lo + k
        else:
            ranges.append((lo, lo + k))
            lo, m, known = lo + k, m - k, False
    if not known:
        ranges.append((lo, hi))  # SUBPROOF(m, D[m], false) = {MTH(D[m])}
    ranges.reverse()  # SUBPROOF lists the deepest hash first
    return _range_hashes(ranges, store)


def root_from_leaves(leaves: Sequence[LeafHash]) -> Hash:
    """MTH of the leaf hashes by the recursive definition of RFC 9162 §2.1.1 (reference)."""
    if not leaves:
        return EMPTY_ROOT
    if len(leaves) == 1:
        return leaves[0]
    k = _split(len(leaves))
    return node_hash(root_from_leaves(leaves[:k]), root_from_leaves(leaves[k:]))


def verify_inclusion(
    leaf: LeafHash, index: int, size: int, proof: Sequence[Hash], root_hash: Hash
) -> None:
    """Check an inclusion proof by RFC 9162 §2.1.3.2.

    Returns nothing on success and raises ProofError otherwise: an index outside the
    tree (``index >= size``, so the empty tree proves nothing), a proof of the wrong
    length, a malformed hash, or hashes that do not lead to ``root_hash``.
    """
    _check_hash(leaf, "leaf hash")
    _check_hash(root_hash, "root hash")
    _check_proof(proof, "inclusion proof")
    _check_index(index, size)
    want = _inclusion_length(index, size)
    if len(proof) != want:
        raise ProofError(f"inclusion proof has wrong length: expected {want}, got {len(proof)}")
    fn, sn = index, size - 1
    r: Hash = leaf
    for p in proof:
        if sn == 0:
            raise ProofError("inclusion proof is longer than the path to the root")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("inclusion proof is shorter than the path to the root")
    if r != root_hash:
        raise ProofError(f"inclusion proof for index {index} does not lead to the root hash")


def verify_consistency(
    first: int, second: int, first_root: Hash, second_root: Hash, proof: Sequence[Hash]
) -> None:
    """Check a consistency proof by RFC 9162 §2.1.4.2.

    Equal sizes need an empty proof and equal roots. Raises ProofError on sizes outside
    ``1 <= first <= second``, a proof of the wrong length, a malformed hash, or hashes
    that do not lead to both roots.
    """
    _check_hash(first_root, "first root hash")
    _check_hash(second_root, "second root hash")
    _check_proof(proof, "consistency proof")
    _check_sizes(first, second)
    if first == second:
        if proof:
            raise ProofError(f"consistency proof has wrong length: expected 0, got {len(proof)}")
        if first_root != second_root:
            raise ProofError(f"two different root hashes for tree size {first}")
        return
    want = _consistency_length(first, second)
    if len(proof) != want:
        raise ProofError(f"consistency proof has wrong length: expected {want}, got {len(proof)}")
    path = list(proof)
    if first & (first - 1) == 0:
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("consistency proof is longer than the path to the root")
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("consistency proof is shorter than the path to the root")
    if fr != first_root:
        raise ProofError(f"consistency proof does not lead to the root hash of size {first}")
    if sr != second_root:
        raise ProofError(f"consistency proof does not lead to the root hash of size {second}")


def full_subtrees(lo: int, hi: int) -> list[Coord]:
    """The maximal full subtrees that cover ``[lo, hi)``, largest (leftmost) first.

    RFC 9162 hashes such a range as the right fold of their hashes. ``lo`` must be a
    multiple of the largest power of two not above ``hi - lo``, which holds for every
    range that a root or proof touches.
    """
    coords: list[Coord] = []
    pos = lo
    for level in reversed(range((hi - lo).bit_length())):
        if (hi - lo) >> level & 1:
            if pos & ((1 << level) - 1):
                raise ValueError(f"range [{lo}, {hi}) is not aligned to full subtrees")
            coords.append((level, pos >> level))
            pos += 1 << level
    return coords


def _range_hashes(ranges: Sequence[Range], store: HashStore) -> list[Hash]:
    """MTH(D[lo:hi]) of each range, from one batched read of their full subtrees."""
    pieces = [full_subtrees(lo, hi) for lo, hi in ranges]
    wanted = list(dict.fromkeys(coord for coords in pieces for coord in coords))
    stored = read_hashes(store, wanted)
    out: list[Hash] = []
    for coords in pieces:
        acc = stored[coords[-1]]
        for coord in reversed(coords[:-1]):
            acc = node_hash(stored[coord], acc)
        out.append(acc)
    return out


def read_hashes(store: HashStore, coords: Sequence[Coord]) -> dict[Coord, Hash]:
    """The hashes of ``coords`` from one read of ``store``, all present and 32 bytes.

    Raises MissingHashError naming the first coordinate the store could not give.
    """
    if not coords:
        return {}
    got = store.get_hashes(coords)
    out: dict[Coord, Hash] = {}
    for level, index in coords:
        value = got.get((level, index))
        if value is None:
            raise MissingHashError(f"hash store has no hash at level {level}, index {index}")
        if not is_hash(value):
            raise MissingHashError(
                f"hash store holds {len(value)} bytes at level {level}, index {index}"
            )
        out[(level, index)] = Hash(bytes(value))
    return out


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n >= 2), as RFC 9162 §2.1.1 splits."""
    return 1 << ((n - 1).bit_length() - 1)


def _inclusion_length(index: int, size: int) -> int:
    inner = (index ^ (size - 1)).bit_length()
    return inner + (index >> inner).bit_count()


def _consistency_length(first: int, second: int) -> int:
    inner = ((first - 1) ^ (second - 1)).bit_length()
    border = ((first - 1) >> inner).bit_count()
    shift = (first & -first).bit_length() - 1
    seed = 0 if first == 1 << shift else 1
    return seed + inner - shift + border


def _check_size(size: int, what: str) -> None:
    if size < 0:
        raise ProofError(f"{what} must not be negative, got {size}")


def _check_index(index: int, size: int) -> None:
    _check_size(size, "tree size")
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is outside a tree of size {size}")


def _check_sizes(first: int, second: int) -> None:
    if first < 1:
        raise ProofError(f"first tree size must be at least 1, got {first}")
    if second < first:
        raise ProofError(f"first tree size {first} is larger than second tree size {second}")


def _check_hash(value: bytes, what: str) -> None:
    if not is_hash(value):
        raise ProofError(f"{what} must be 32 bytes, got {len(value)}")


def _check_proof(proof: Sequence[bytes], what: str) -> None:
    for i, value in enumerate(proof):
        if not is_hash(value):
            raise ProofError(f"{what} hash {i} must be 32 bytes, got {len(value)}")
