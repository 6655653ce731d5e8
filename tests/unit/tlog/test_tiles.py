"""C2SP tlog-tiles: path encoding, tile contents, entry bundles and checking fetched tiles."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from registry.tlog import (
    MemoryTree,
    MissingHashError,
    Tile,
    TileError,
    TileHashStore,
    consistency_proof,
    entry_bundle,
    hash_tile,
    inclusion_proof,
    parse_entry_bundle,
    parse_tile_path,
    root_from_leaves,
    tiles_for_size,
    verify_consistency,
)
from registry.tlog.tiles import encode_tile_index

SIZE = 70_000


@pytest.fixture(scope="module")
def tree() -> MemoryTree:
    return MemoryTree(f"tile entry {i}".encode() for i in range(SIZE))


def _tile_bytes(tree: MemoryTree, tile: Tile) -> bytes:
    return hash_tile(int(tile.level), tile.index, tile.width, tree.store)


@pytest.mark.parametrize(
    ("index", "encoded"),
    [(0, "000"), (7, "007"), (999, "999"), (1000, "x001/000"), (1234067, "x001/x234/067")],
)
def test_index_encoding(index: int, encoded: str) -> None:
    assert encode_tile_index(index) == encoded


def test_paths() -> None:
    assert Tile(0, 1234067).path == "tile/0/x001/x234/067"
    assert Tile(1, 5, 17).path == "tile/1/005.p/17"
    assert Tile("entries", 1234067, 1).path == "tile/entries/x001/x234/067.p/1"
    assert Tile(63, 0).path == "tile/63/000"


@given(
    level=st.one_of(st.just("entries"), st.integers(0, 63)),
    index=st.integers(0, 10**12),
    width=st.integers(1, 256),
)
def test_paths_round_trip(level: int | str, index: int, width: int) -> None:
    tile = Tile(level, index, width)  # type: ignore[arg-type]  # hypothesis draws str, not the literal
    assert parse_tile_path(tile.path) == tile


@pytest.mark.parametrize(
    "path",
    [
        "tile/00/000",
        "tile/64/000",
        "tile/-1/000",
        "tile/data/000",
        "tile/0/x000/001",
        "tile/0/x001",
        "tile/0/1",
        "tile/0/0001",
        "tile/0/x1/000",
        "tile/0/000.p/0",
        "tile/0/000.p/256",
        "tile/0/000.p/01",
        "tile/0/000.p/",
        "tile/0/000.p",
        "/tile/0/000",
        "tile/0/000/",
        "tile/0/000\n",
        "tile//000",
        "tile/0/٠٠٠",
        "tiles/0/000",
    ],
)
def test_bad_paths_are_refused(path: str) -> None:
    with pytest.raises(TileError):
        parse_tile_path(path)


def test_tiles_for_size_matches_the_spec_examples() -> None:
    tiles = tiles_for_size(SIZE)
    level0 = [t for t in tiles if t.level == 0]
    assert len([t for t in level0 if not t.is_partial]) == 273
    assert [t for t in level0 if t.is_partial] == [Tile(0, 273, 112)]
    assert [t for t in tiles if t.level == 1] == [Tile(1, 0), Tile(1, 1, 17)]
    assert [t for t in tiles if t.level == 2] == [Tile(2, 0, 1)]
    assert tiles_for_size(256) == [Tile(0, 0), Tile(1, 0, 1)]
    assert tiles_for_size(0) == []


def test_tile_bytes_equal_the_tree_hashes(tree: MemoryTree) -> None:
    leaves = tree.leaves
    assert _tile_bytes(tree, Tile(0, 5)) == b"".join(leaves[5 * 256 : 6 * 256])
    assert _tile_bytes(tree, Tile(0, 273, 112)) == b"".join(leaves[273 * 256 : 273 * 256 + 112])
    level1 = [root_from_leaves(leaves[i * 256 : (i + 1) * 256]) for i in range(256 + 17)]
    assert _tile_bytes(tree, Tile(1, 0)) == b"".join(level1[:256])
    assert _tile_bytes(tree, Tile(1, 1, 17)) == b"".join(level1[256:])
    assert _tile_bytes(tree, Tile(2, 0, 1)) == tree.root(65536)


def test_tiles_beyond_the_tree_are_missing(tree: MemoryTree) -> None:
    with pytest.raises(MissingHashError):
        hash_tile(0, 273, 113, tree.store)
    assert Tile(0, 273, 112).within(SIZE)
    assert Tile(0, 273, 5).within(SIZE)  # an earlier checkpoint's partial tile
    assert not Tile(0, 273, 113).within(SIZE)
    assert not Tile(0, 273).within(SIZE)
    assert Tile(2, 0, 1).within(SIZE)
    assert not Tile(2, 0, 2).within(SIZE)
    assert Tile("entries", 273, 112).within(SIZE)


def _fetch(tree: MemoryTree, tiles: list[Tile]) -> dict[Tile, bytes]:
    return {t: _tile_bytes(tree, t) for t in tiles}


MONITOR_TILES = [
    Tile(0, 1),
    Tile(0, 2),
    Tile(1, 0),
    Tile(0, 273, 112),
    Tile(1, 1, 17),
    Tile(2, 0, 1),
]


def test_fetched_tiles_check_entries_against_the_root(tree: MemoryTree) -> None:
    store = TileHashStore(SIZE, tree.root(), _fetch(tree, MONITOR_TILES))
    store.check_entries(300, tree.entries[300:700])
    store.check_entries(273 * 256, tree.entries[273 * 256 :])
    with pytest.raises(TileError, match="entry 301 does not match the log"):
        store.check_entries(300, [tree.entries[300], b"forged"])
    with pytest.raises(TileError, match="no checked tile covers entry 5"):
        store.check_entries(5, [tree.entries[5]])
    assert inclusion_proof(400, SIZE, store) == tree.prove(400)


def test_tampered_or_incomplete_tiles_are_refused(tree: MemoryTree) -> None:
    good = _fetch(tree, MONITOR_TILES)
    for tile in MONITOR_TILES:
        bad = dict(good)
        data = bytearray(bad[tile])
        data[-1] ^= 1
        bad[tile] = bytes(data)
        with pytest.raises(TileError):
            TileHashStore(SIZE, tree.root(), bad)
    without_parent = {t: d for t, d in good.items() if t != Tile(1, 0)}
    with pytest.raises(TileError, match="no parent tile"):
        TileHashStore(SIZE, tree.root(), without_parent)
    without_partial = {t: d for t, d in good.items() if t != Tile(1, 1, 17)}
    with pytest.raises(TileError, match=r"lack the partial tile tile/1/001\.p/17"):
        TileHashStore(SIZE, tree.root(), without_partial)
    with pytest.raises(TileError, match="not a tile of the tree"):
        TileHashStore(SIZE, tree.root(), {**good, Tile(0, 273, 5): good[Tile(0, 273, 112)][:160]})
    with pytest.raises(TileError, match="do not match the root hash"):
        TileHashStore(SIZE, tree.root(SIZE - 1), good)
    with pytest.raises(TileError, match="has 31 bytes"):
        TileHashStore(SIZE, tree.root(), {**good, Tile(2, 0, 1): good[Tile(2, 0, 1)][:31]})


@settings(max_examples=25, deadline=None)
@given(size=st.integers(1, 2000), data=st.data())
def test_all_tiles_of_a_size_give_its_proofs(
    tree: MemoryTree, size: int, data: st.DataObject
) -> None:
    store = TileHashStore(size, tree.root(size), _fetch(tree, tiles_for_size(size)))
    index = data.draw(st.integers(0, size - 1))
    assert inclusion_proof(index, size, store) == tree.prove(index, size)
    first = data.draw(st.integers(1, size))
    proof = consistency_proof(first, size, store)
    verify_consistency(first, size, tree.root(first), tree.root(size), proof)


def test_entry_bundles() -> None:
    entries = [b"", b"a", bytes(300), b"\xff" * 65535]
    bundle = entry_bundle(entries)
    assert bundle[:5] == b"\x00\x00\x00\x01a"
    assert parse_entry_bundle(bundle) == entries
    assert parse_entry_bundle(bundle, width=4) == entries
    with pytest.raises(TileError, match="wrong width: expected 3, got 4"):
        parse_entry_bundle(bundle, width=3)
    with pytest.raises(TileError):
        parse_entry_bundle(bundle[:-1])
    with pytest.raises(TileError):
        parse_entry_bundle(bundle + b"\x00")
    with pytest.raises(TileError):
        parse_entry_bundle(b"")
    with pytest.raises(TileError):
        entry_bundle([])
    with pytest.raises(TileError):
        entry_bundle([b""] * 257)
    with pytest.raises(TileError, match="more than 65535"):
        entry_bundle([bytes(65536)])
    assert len(parse_entry_bundle(entry_bundle([b"x"] * 256))) == 256
