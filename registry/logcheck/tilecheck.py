"""Checking a range of a remote log's entries through its C2SP tiles.

For a tree head that is already trusted (a verified signature), the entries
``[start, size)`` are fetched as entry bundles and each is compared with its leaf hash in
the level-0 tiles; the tiles themselves are authenticated up to the signed root by
:class:`registry.tlog.TileHashStore` (every full tile against its parent, the partial
tiles against the root). Work goes a chunk of level-0 tiles at a time, so memory stays
bounded whatever the size of the log; upper-level tiles are fetched once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from registry.logcheck import errors
from registry.logcheck.errors import LogCheckError
from registry.tlog import (
    Hash,
    Tile,
    TileError,
    TileHashStore,
    parse_entry_bundle,
    tiles_for_size,
)
from registry.tlog.tiles import TILE_HEIGHT, TILE_WIDTH

Fetch = Callable[[str], bytes]
"""Fetches a path relative to the log's base URL (``log/tile/0/000``) and returns the body."""

CHUNK_TILES = 64


def tile_at(level: int, index: int, size: int) -> Tile:
    """Hash tile ``index`` at ``level`` of the tree of ``size`` entries, with its width."""
    count = size >> (TILE_HEIGHT * level)
    return Tile(level, index, min(TILE_WIDTH, count - index * TILE_WIDTH))


def tiles_to_check(level0: Iterable[Tile], size: int) -> set[Tile]:
    """``level0`` with what authenticates it: every partial tile and each full tile's parents."""
    wanted = set(level0) | {t for t in tiles_for_size(size) if t.is_partial}
    todo = list(wanted)
    while todo:
        tile = todo.pop()
        if tile.is_partial:
            continue
        assert isinstance(tile.level, int)
        parent = tile_at(tile.level + 1, tile.index // TILE_WIDTH, size)
        if parent not in wanted:
            wanted.add(parent)
            todo.append(parent)
    return wanted


def check_entries(
    fetch: Fetch, size: int, root_hash: Hash, start: int, *, chunk: int = CHUNK_TILES
) -> int:
    """Check entries ``[start, size)`` of the tree whose signed root is ``root_hash``.

    Returns how many entries were checked (whole bundles, so it may count a few entries
    before ``start``). Raises LogCheckError on a tile that does not lead to the root, or
    an entry that does not match its leaf hash.
    """
    if start >= size:
        return 0
    cache: dict[Tile, bytes] = {}

    def get(tile: Tile) -> bytes:
        if tile.level == 0 and not tile.is_partial:
            return fetch(f"log/{tile.path}")
        if tile not in cache:
            cache[tile] = fetch(f"log/{tile.path}")
        return cache[tile]

    checked = 0
    first, last = start // TILE_WIDTH, (size - 1) // TILE_WIDTH
    for low in range(first, last + 1, chunk):
        level0 = [tile_at(0, n, size) for n in range(low, min(last + 1, low + chunk))]
        tiles = {tile: get(tile) for tile in sorted(tiles_to_check(level0, size), key=_order)}
        try:
            store = TileHashStore(size, root_hash, tiles)
        except TileError as error:
            raise LogCheckError(
                f"root mismatch: the log's tiles do not lead to its signed root of size {size} "
                f"({error.detail})",
                rule=errors.BAD_NODE,
            ) from None
        for tile in level0:
            bundle = Tile("entries", tile.index, tile.width)
            try:
                entries = parse_entry_bundle(fetch(f"log/{bundle.path}"), tile.width)
                store.check_entries(tile.start, entries)
            except TileError as error:
                raise LogCheckError(
                    f"bad entry in {bundle.path}: {error.detail}", rule=errors.BAD_ENTRY
                ) from None
            checked += len(entries)
    return checked


def _order(tile: Tile) -> tuple[int, int]:
    assert isinstance(tile.level, int)
    return tile.level, tile.index
