"""Go's own sumdb/note and sumdb/tlog agree with this package, byte for byte.

The Go program of :mod:`tests.support.go` (GOPATH mode, offline) opens our
signed checkpoints, checks our inclusion and consistency proofs, recomputes roots, proofs
and tiles from the same entries, and parses our tile paths. It needs Debian's
``golang-go`` and ``golang-golang-x-mod-dev``; without them the test is skipped, unless
REGISTRY_TEST_STRICT=1 makes their absence a failure.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from registry.tlog import (
    Checkpoint,
    Ed25519NoteSigner,
    Hash,
    MemoryTree,
    ProofError,
    Tile,
    hash_tile,
    sign_note,
    tiles_for_size,
    verify_consistency,
    verify_inclusion,
)
from registry.tlog.encoding import b64encode
from tests.support.go import go_env, run_go

ORIGIN = "registry.example/log/go1"
SIZE = 70_000  # enough for a full level-1 tile and a level-2 tile
OLD_SIZE = 1_234


@pytest.fixture(scope="module")
def go(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return go_env(tmp_path_factory.mktemp("go"))


def _b64(hashes: list[Hash]) -> list[str]:
    return [b64encode(h) for h in hashes]


@pytest.fixture(scope="module")
def tree() -> MemoryTree:
    return MemoryTree(f"go interop entry {i}".encode() for i in range(SIZE))


def test_go_agrees(go: dict[str, str], tree: MemoryTree, tmp_path: Path) -> None:
    private = Ed25519PrivateKey.generate()
    public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    signer = Ed25519NoteSigner(ORIGIN, public, private.sign)
    notes = [
        sign_note(Checkpoint(ORIGIN, size, tree.root(size)).to_text(), [signer]).decode()
        for size in (OLD_SIZE, SIZE)
    ]
    tampered = notes[1].replace(f"\n{SIZE}\n", f"\n{SIZE + 1}\n")

    inclusion_cases = [
        (0, 1),
        (5, 8),
        (1000, OLD_SIZE),
        (0, SIZE),
        (SIZE - 1, SIZE),
        (65_537, SIZE),
    ]
    inclusion = []
    for index, size in inclusion_cases:
        proof = tree.prove(index, size)
        verify_inclusion(tree.leaf(index), index, size, proof, tree.root(size))
        inclusion.append(
            {
                "index": index,
                "size": size,
                "leaf": b64encode(tree.leaf(index)),
                "proof": _b64(proof),
                "root": b64encode(tree.root(size)),
            }
        )
    bad_inclusion = dict(inclusion[-1], index=65_538)
    with pytest.raises(ProofError):
        verify_inclusion(
            tree.leaf(65_537),
            65_538,
            SIZE,
            tree.prove(65_537, SIZE),
            tree.root(),
        )

    consistency_cases = [(1, 2), (6, 8), (OLD_SIZE, SIZE), (65_536, SIZE), (SIZE, SIZE), (3, 70)]
    consistency = []
    for first, second in consistency_cases:
        proof = tree.prove_consistency(first, second)
        verify_consistency(first, second, tree.root(first), tree.root(second), proof)
        consistency.append(
            {
                "first": first,
                "second": second,
                "first_root": b64encode(tree.root(first)),
                "second_root": b64encode(tree.root(second)),
                "proof": _b64(proof),
            }
        )
    bad_consistency = dict(consistency[2], first_root=consistency[1]["first_root"])

    tiles = [t for t in tiles_for_size(SIZE) if t.level != 0 or t.index in (0, 1, 273)]
    paths = [t.path for t in tiles] + ["tile/0/x001/x234/067.p/9", "tile/0/x000/001"]

    result = run_go(
        go,
        tmp_path,
        {
            "vkey": signer.verifier.vkey(),
            "notes": [*notes, tampered],
            "entries": SIZE,
            "inclusion": [*inclusion, bad_inclusion],
            "consistency": [*consistency, bad_consistency],
            "sizes": [1, 2, 3, 255, 256, 257, OLD_SIZE, 65_536, SIZE],
            "tiles": [{"level": t.level, "index": t.index, "width": t.width} for t in tiles],
            "tile_paths": paths,
        },
    )

    kid = f"{ORIGIN}+{signer.key_id.hex()}"
    for size, got in zip((OLD_SIZE, SIZE), result["notes"][:2], strict=True):
        assert got["error"] == ""
        assert got["signers"] == [kid]
        assert (got["origin"], got["size"], got["root"]) == (
            ORIGIN,
            size,
            b64encode(tree.root(size)),
        )
    assert "invalid signature" in result["notes"][2]["error"]

    assert result["inclusion"][:-1] == [""] * len(inclusion)
    assert result["inclusion"][-1] != ""
    assert result["inclusion_proofs"][:-1] == [c["proof"] for c in inclusion]
    assert result["consistency"][:-1] == [""] * len(consistency)
    assert result["consistency"][-1] != ""
    assert result["consistency_proofs"][:-1] == [c["proof"] for c in consistency]
    for size, got_root in result["roots"].items():
        assert got_root == b64encode(tree.root(int(size)))

    assert result["tile_paths"] == [t.path for t in tiles]
    for tile, data in zip(tiles, result["tile_data"], strict=True):
        assert data == b64encode(hash_tile(int(tile.level), tile.index, tile.width, tree.store))
    assert result["parsed_paths"] == [
        *(f"{t.level}/{t.index}/{t.width}" for t in tiles),
        "0/1234067/9",
        "error",
    ]
    assert Tile(0, 1234067, 9).path == "tile/0/x001/x234/067.p/9"
