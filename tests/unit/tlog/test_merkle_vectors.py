"""Known answers: the RFC 6962 test vectors used by Certificate Transparency implementations.

The eight leaves and the roots of sizes 1..8 are those of the CT merkle tree tests (and
transparency-dev/merkle); each root is also recomputed here by hand from the RFC 6962
§2.1 formulas, so a vector copied wrongly would fail too.
"""

from __future__ import annotations

import hashlib

import pytest

from registry.tlog import (
    EMPTY_ROOT,
    Hash,
    LeafHash,
    MemoryTree,
    ProofError,
    leaf_hash,
    node_hash,
    root_from_leaves,
    verify_consistency,
    verify_inclusion,
)

LEAVES = [
    b"",
    bytes.fromhex("00"),
    bytes.fromhex("10"),
    bytes.fromhex("2021"),
    bytes.fromhex("3031"),
    bytes.fromhex("40414243"),
    bytes.fromhex("5051525354555657"),
    bytes.fromhex("606162636465666768696a6b6c6d6e6f"),
]

ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]

# (leaf index from 0, tree size, audit path)
INCLUSION = [
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        1,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (0, 1, []),
]

CONSISTENCY = [
    (1, 1, []),
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (
        6,
        7,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
]

SOME_HASH = Hash(bytes.fromhex("abacaba000000000000000000000000000000000000000000060061e00123456"))


def _h(hexes: list[str]) -> list[Hash]:
    return [Hash(bytes.fromhex(x)) for x in hexes]


@pytest.fixture(scope="module")
def tree() -> MemoryTree:
    return MemoryTree(LEAVES)


def test_empty_root_is_sha256_of_nothing() -> None:
    assert EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert MemoryTree().root() == EMPTY_ROOT
    assert root_from_leaves([]) == EMPTY_ROOT


def test_hashing_is_domain_separated() -> None:
    assert leaf_hash(b"") == hashlib.sha256(b"\x00").digest()
    left, right = bytes(range(32)), bytes(range(32, 64))
    assert node_hash(left, right) == hashlib.sha256(b"\x01" + left + right).digest()


def test_roots_by_hand_match_the_published_vectors() -> None:
    h = [leaf_hash(x) for x in LEAVES]
    n = node_hash
    by_hand = [
        h[0],
        n(h[0], h[1]),
        n(n(h[0], h[1]), h[2]),
        n(n(h[0], h[1]), n(h[2], h[3])),
        n(n(n(h[0], h[1]), n(h[2], h[3])), h[4]),
        n(n(n(h[0], h[1]), n(h[2], h[3])), n(h[4], h[5])),
        n(n(n(h[0], h[1]), n(h[2], h[3])), n(n(h[4], h[5]), h[6])),
        n(n(n(h[0], h[1]), n(h[2], h[3])), n(n(h[4], h[5]), n(h[6], h[7]))),
    ]
    assert [x.hex() for x in by_hand] == ROOTS


@pytest.mark.parametrize("size", range(1, 9))
def test_roots(tree: MemoryTree, size: int) -> None:
    assert tree.root(size).hex() == ROOTS[size - 1]
    assert root_from_leaves(tree.leaves[:size]).hex() == ROOTS[size - 1]


@pytest.mark.parametrize(("index", "size", "path"), INCLUSION)
def test_inclusion_vectors(tree: MemoryTree, index: int, size: int, path: list[str]) -> None:
    assert tree.prove(index, size) == _h(path)
    verify_inclusion(tree.leaf(index), index, size, _h(path), Hash(bytes.fromhex(ROOTS[size - 1])))


@pytest.mark.parametrize(("first", "second", "path"), CONSISTENCY)
def test_consistency_vectors(tree: MemoryTree, first: int, second: int, path: list[str]) -> None:
    assert tree.prove_consistency(first, second) == _h(path)
    verify_consistency(first, second, tree.root(first), tree.root(second), _h(path))


def _inclusion_probes(
    index: int, size: int, proof: list[Hash], root: Hash, leaf: LeafHash
) -> list[tuple[str, int, int, list[Hash], Hash, LeafHash]]:
    """The corruptions that transparency-dev/merkle's verifier tests apply."""
    probes = [
        ("index - 1", index - 1, size, proof, root, leaf),
        ("index + 1", index + 1, size, proof, root, leaf),
        ("index ^ 2", index ^ 2, size, proof, root, leaf),
        ("size * 2", index, size * 2, proof, root, leaf),
        ("size // 2", index, size // 2, proof, root, leaf),
        ("wrong leaf", index, size, proof, root, leaf_hash(b"WrongLeaf")),
        ("empty root", index, size, proof, EMPTY_ROOT, leaf),
        ("random root", index, size, proof, SOME_HASH, leaf),
        ("trailing root", index, size, [*proof, root], root, leaf),
        ("preceding root", index, size, [root, *proof], root, leaf),
    ]
    for i in range(len(proof)):
        wrong = list(proof)
        wrong[i] = Hash(bytes([wrong[i][0] ^ 8]) + wrong[i][1:])
        probes.append((f"flipped bit in proof[{i}]", index, size, wrong, root, leaf))
    if proof:
        probes.append(("removed component", index, size, proof[:-1], root, leaf))
    if len(proof) > 1:
        probes.append(("inserted", index, size, [proof[0], SOME_HASH, *proof[1:]], root, leaf))
    return probes


@pytest.mark.parametrize(("index", "size", "path"), INCLUSION)
def test_corrupted_inclusion_proofs_fail(
    tree: MemoryTree, index: int, size: int, path: list[str]
) -> None:
    root = tree.root(size)
    for desc, i, n, proof, r, leaf in _inclusion_probes(
        index, size, _h(path), root, tree.leaf(index)
    ):
        with pytest.raises(ProofError):
            verify_inclusion(leaf, i, n, proof, r)
            pytest.fail(f"verified a corrupted proof: {desc}")


@pytest.mark.parametrize(("first", "second", "path"), [c for c in CONSISTENCY if c[2]])
def test_corrupted_consistency_proofs_fail(
    tree: MemoryTree, first: int, second: int, path: list[str]
) -> None:
    r1, r2, proof = tree.root(first), tree.root(second), _h(path)
    probes: list[tuple[str, int, int, Hash, Hash, list[Hash]]] = [
        ("first - 1", first - 1, second, r1, r2, proof),
        ("first + 1", first + 1, second, r1, r2, proof),
        ("first ^ 2", first ^ 2, second, r1, r2, proof),
        ("second * 2", first, second * 2, r1, r2, proof),
        ("second // 2", first, second // 2, r1, r2, proof),
        ("wrong first root", first, second, SOME_HASH, r2, proof),
        ("wrong second root", first, second, r1, SOME_HASH, proof),
        ("swapped roots", first, second, r2, r1, proof),
        ("empty proof", first, second, r1, r2, []),
        ("trailing root1", first, second, r1, r2, [*proof, r1]),
        ("trailing root2", first, second, r1, r2, [*proof, r2]),
        ("preceding root1", first, second, r1, r2, [r1, *proof]),
        ("preceding proof[0]", first, second, r1, r2, [proof[0], *proof]),
        ("truncated", first, second, r1, r2, proof[:-1]),
    ]
    for i in range(len(proof)):
        wrong = list(proof)
        wrong[i] = Hash(bytes([wrong[i][0] ^ 16]) + wrong[i][1:])
        probes.append((f"flipped bit in proof[{i}]", first, second, r1, r2, wrong))
    for desc, m, n, a, b, p in probes:
        with pytest.raises(ProofError):
            verify_consistency(m, n, a, b, p)
            pytest.fail(f"verified a corrupted proof: {desc}")


def test_precise_messages(tree: MemoryTree) -> None:
    proof = tree.prove(5, 8)
    with pytest.raises(ProofError, match="inclusion proof has wrong length: expected 3, got 2"):
        verify_inclusion(tree.leaf(5), 5, 8, proof[:2], tree.root(8))
    with pytest.raises(ProofError, match="leaf index 8 is outside a tree of size 8"):
        verify_inclusion(tree.leaf(5), 8, 8, proof, tree.root(8))
    with pytest.raises(ProofError, match="consistency proof has wrong length: expected 3, got 4"):
        verify_consistency(
            6, 8, tree.root(6), tree.root(8), [*tree.prove_consistency(6, 8), proof[0]]
        )
    with pytest.raises(ProofError, match="root hash must be 32 bytes, got 31"):
        verify_inclusion(tree.leaf(5), 5, 8, proof, Hash(tree.root(8)[:31]))
    with pytest.raises(ProofError, match="inclusion proof hash 1 must be 32 bytes, got 33"):
        verify_inclusion(
            tree.leaf(5), 5, 8, [proof[0], Hash(proof[1] + b"x"), proof[2]], tree.root(8)
        )
