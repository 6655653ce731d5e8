"""Properties of roots and proofs against the plain recursive RFC 9162 definition."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from registry.tlog import (
    EMPTY_ROOT,
    Hash,
    LeafHash,
    MemoryHashStore,
    MemoryTree,
    MissingHashError,
    ProofError,
    append_nodes,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    root,
    root_from_leaves,
    verify_consistency,
    verify_inclusion,
)

SMALL = 64
LARGE = 3000


def _entries(n: int) -> list[bytes]:
    return [f"entry {i}".encode() for i in range(n)]


SMALL_TREE = MemoryTree(_entries(SMALL))
SMALL_ROOTS = [root_from_leaves(SMALL_TREE.leaves[:n]) for n in range(SMALL + 1)]
LARGE_TREE = MemoryTree(_entries(LARGE))


def _flip(h: Hash, bit: int) -> Hash:
    data = bytearray(h)
    data[bit // 8 % 32] ^= 1 << (bit % 8)
    return Hash(bytes(data))


def test_roots_match_the_reference_at_every_size() -> None:
    for n in range(SMALL + 1):
        assert SMALL_TREE.root(n) == SMALL_ROOTS[n]


def test_every_inclusion_proof_up_to_64_verifies() -> None:
    for size in range(1, SMALL + 1):
        for index in range(size):
            proof = SMALL_TREE.prove(index, size)
            verify_inclusion(SMALL_TREE.leaf(index), index, size, proof, SMALL_ROOTS[size])


def test_every_consistency_proof_up_to_64_verifies() -> None:
    for second in range(1, SMALL + 1):
        for first in range(1, second + 1):
            proof = SMALL_TREE.prove_consistency(first, second)
            verify_consistency(first, second, SMALL_ROOTS[first], SMALL_ROOTS[second], proof)


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_random_inclusion_in_large_trees(data: st.DataObject) -> None:
    size = data.draw(st.integers(1, LARGE), label="size")
    index = data.draw(st.integers(0, size - 1), label="index")
    want = root_from_leaves(LARGE_TREE.leaves[:size])
    assert LARGE_TREE.root(size) == want
    verify_inclusion(LARGE_TREE.leaf(index), index, size, LARGE_TREE.prove(index, size), want)


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_random_consistency_in_large_trees(data: st.DataObject) -> None:
    second = data.draw(st.integers(1, LARGE), label="second")
    first = data.draw(st.integers(1, second), label="first")
    proof = LARGE_TREE.prove_consistency(first, second)
    verify_consistency(
        first,
        second,
        root_from_leaves(LARGE_TREE.leaves[:first]),
        root_from_leaves(LARGE_TREE.leaves[:second]),
        proof,
    )


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_altered_inclusion_is_rejected(data: st.DataObject) -> None:
    size = data.draw(st.integers(1, SMALL), label="size")
    index = data.draw(st.integers(0, size - 1), label="index")
    leaf, proof, root_hash = (
        SMALL_TREE.leaf(index),
        SMALL_TREE.prove(index, size),
        SMALL_ROOTS[size],
    )
    what = data.draw(st.sampled_from(["proof", "leaf", "root", "index", "size", "length"]))
    with pytest.raises(ProofError):
        if what == "proof" and proof:
            i = data.draw(st.integers(0, len(proof) - 1))
            proof[i] = _flip(proof[i], data.draw(st.integers(0, 255)))
        elif what == "leaf":
            leaf = leaf_hash(b"not an entry")
        elif what == "root":
            root_hash = _flip(root_hash, data.draw(st.integers(0, 255)))
        elif what == "index":
            other = data.draw(st.integers(-1, SMALL).filter(lambda j: j != index))
            if data.draw(st.booleans()) and 0 <= other < SMALL:
                leaf = SMALL_TREE.leaf(other)  # the other entry, with this entry's proof
            index = other
        elif what == "size":
            # the honest root of another size: a proof for one size proves nothing for another
            others = [n for n in range(index + 1, SMALL + 1) if n != size]
            size = data.draw(st.sampled_from(others)) if others else index
            root_hash = SMALL_ROOTS[size]
        elif what == "length":
            proof = [*proof, root_hash] if data.draw(st.booleans()) or not proof else proof[1:]
        else:
            root_hash = EMPTY_ROOT
        verify_inclusion(leaf, index, size, proof, root_hash)


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_altered_consistency_is_rejected(data: st.DataObject) -> None:
    second = data.draw(st.integers(2, SMALL), label="second")
    first = data.draw(st.integers(1, second - 1), label="first")
    proof = SMALL_TREE.prove_consistency(first, second)
    r1, r2 = SMALL_ROOTS[first], SMALL_ROOTS[second]
    what = data.draw(st.sampled_from(["proof", "first root", "second root", "first", "second"]))
    with pytest.raises(ProofError):
        if what == "proof":
            i = data.draw(st.integers(0, len(proof) - 1))
            proof[i] = _flip(proof[i], data.draw(st.integers(0, 255)))
        elif what == "first root":
            r1 = _flip(r1, data.draw(st.integers(0, 255)))
        elif what == "second root":
            r2 = _flip(r2, data.draw(st.integers(0, 255)))
        elif what == "first":
            first = data.draw(st.integers(0, SMALL).filter(lambda m: m != first))
            r1 = SMALL_ROOTS[first]
        else:
            second = data.draw(st.integers(0, SMALL).filter(lambda n: n != second))
            r2 = SMALL_ROOTS[second]
        verify_consistency(first, second, r1, r2, proof)


def test_empty_and_out_of_range_input_is_invalid() -> None:
    tree, r = SMALL_TREE, SMALL_ROOTS
    with pytest.raises(ProofError, match="outside a tree of size 0"):
        verify_inclusion(tree.leaf(0), 0, 0, [], EMPTY_ROOT)
    with pytest.raises(ProofError, match="leaf index -1"):
        verify_inclusion(tree.leaf(0), -1, 1, [], r[1])
    with pytest.raises(ProofError, match="leaf index 1 is outside a tree of size 1"):
        verify_inclusion(tree.leaf(0), 1, 1, [], r[1])
    with pytest.raises(ProofError, match="first tree size must be at least 1, got 0"):
        verify_consistency(0, 5, EMPTY_ROOT, r[5], [])
    with pytest.raises(ProofError, match="first tree size 6 is larger than second tree size 5"):
        verify_consistency(6, 5, r[6], r[5], [])
    with pytest.raises(ProofError, match="wrong length: expected 0, got 1"):
        verify_consistency(5, 5, r[5], r[5], [r[5]])
    with pytest.raises(ProofError, match="two different root hashes for tree size 5"):
        verify_consistency(5, 5, r[5], r[4], [])
    verify_consistency(5, 5, r[5], r[5], [])
    store = tree.store
    with pytest.raises(ProofError, match="leaf index 3 is outside a tree of size 3"):
        inclusion_proof(3, 3, store)
    with pytest.raises(ProofError, match="outside a tree of size 0"):
        inclusion_proof(0, 0, store)
    with pytest.raises(ProofError, match="first tree size must be at least 1"):
        consistency_proof(0, 3, store)
    with pytest.raises(ProofError, match="larger than second"):
        consistency_proof(4, 3, store)
    with pytest.raises(ProofError, match="must not be negative"):
        root(-1, store)
    assert consistency_proof(7, 7, store) == []


def test_sizes_beyond_the_store_are_missing_hashes() -> None:
    with pytest.raises(MissingHashError, match="hash store has no hash"):
        root(SMALL + 1, SMALL_TREE.store)
    with pytest.raises(ProofError, match="beyond the log's size"):
        SMALL_TREE.prove(0, SMALL + 1)


@given(entries=st.lists(st.binary(max_size=8), min_size=1, max_size=40))
def test_append_nodes_stores_every_full_subtree(entries: list[bytes]) -> None:
    store = MemoryHashStore()
    leaves = [leaf_hash(e) for e in entries]
    for leaf in leaves:
        store.append(leaf)
    for (level, index), value in store.hashes.items():
        assert value == root_from_leaves(leaves[index << level : (index + 1) << level])
    expected = sum(len(leaves) >> level for level in range(len(leaves).bit_length()))
    assert len(store.hashes) == expected


def test_append_nodes_returns_leaf_and_completed_parents() -> None:
    store = MemoryHashStore()
    for i in range(7):
        store.append(leaf_hash(bytes([i])))
    nodes = append_nodes(7, leaf_hash(b"\x07"), store)
    assert [(level, index) for level, index, _ in nodes] == [(0, 7), (1, 3), (2, 1), (3, 0)]
    assert nodes[-1][2] == root_from_leaves([leaf_hash(bytes([i])) for i in range(8)])
    with pytest.raises(ProofError, match="leaf hash must be 32 bytes, got 3"):
        append_nodes(7, LeafHash(Hash(b"abc")), store)
