"""C2SP tlog-tiles: tile paths, hash tiles, entry bundles, and checking fetched tiles.

A tile at level L, index N holds up to 256 consecutive hashes of subtrees at tree level
8*L, starting at subtree N*256 (c2sp.org/tlog-tiles, "Merkle Tree"); in the coordinates
of :mod:`registry.tlog.merkle` that is ``(8*L, N*256 + i)``. An entry bundle holds the
entries behind the matching level-0 tile, each as a big-endian uint16 length and the
bytes (c2sp.org/tlog-tiles, "Log entries").
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Literal

from registry.tlog.encoding import MAX_INT64
from registry.tlog.errors import TileError
from registry.tlog.hashing import HASH_SIZE, Hash, leaf_hash, node_hash
from registry.tlog.merkle import Coord, HashStore, read_hashes, root

TILE_HEIGHT: Final = 8
TILE_WIDTH: Final = 256
MAX_LEVEL: Final = 63
MAX_ENTRY_SIZE: Final = 0xFFFF
ENTRIES: Final = "entries"

_PATH = re.compile(
    r"tile/(entries|0|[1-9][0-9]?)/((?:x[0-9]{3}/)*[0-9]{3})(?:\.p/([1-9][0-9]{0,2}))?"
)


@dataclass(frozen=True, slots=True)
class Tile:
    """A hash tile (``level`` 0..63) or an entry bundle (``level == "entries"``).

    ``width`` is 256 for a full tile, 1..255 for a partial one. Raises TileError on
    values outside those bounds.
    """

    level: int | Literal["entries"]
    index: int
    width: int = TILE_WIDTH

    def __post_init__(self) -> None:
        if isinstance(self.level, str):
            if self.level != ENTRIES:
                raise TileError(f"tile level must be 0..{MAX_LEVEL} or entries, got {self.level}")
        elif not 0 <= self.level <= MAX_LEVEL:
            raise TileError(f"tile level must be 0..{MAX_LEVEL} or entries, got {self.level}")
        if not 0 <= self.index <= MAX_INT64:
            raise TileError(f"tile index out of range: {self.index}")
        if not 1 <= self.width <= TILE_WIDTH:
            raise TileError(f"tile width must be 1..{TILE_WIDTH}, got {self.width}")

    @property
    def is_partial(self) -> bool:
        return self.width < TILE_WIDTH

    @property
    def path(self) -> str:
        """``tile/<L>/<N>[.p/<W>]`` or ``tile/entries/<N>[.p/<W>]``."""
        suffix = f".p/{self.width}" if self.is_partial else ""
        return f"tile/{self.level}/{encode_tile_index(self.index)}{suffix}"

    @property
    def start(self) -> int:
        """Index, at this tile's tree level, of its first hash (or first entry)."""
        return self.index * TILE_WIDTH

    def within(self, size: int) -> bool:
        """Whether a tree of ``size`` entries (or an earlier checkpoint of it) has this tile."""
        shift = 0 if isinstance(self.level, str) else TILE_HEIGHT * self.level
        return self.start + self.width <= size >> shift


def encode_tile_index(index: int) -> str:
    """``index`` in 3-digit groups, ``x`` before all but the last: 1234067 -> x001/x234/067."""
    if index < 0:
        raise TileError(f"tile index must not be negative, got {index}")
    groups = [f"{index % 1000:03d}"]
    index //= 1000
    while index:
        groups.append(f"x{index % 1000:03d}")
        index //= 1000
    return "/".join(reversed(groups))


def parse_tile_path(path: str) -> Tile:
    """The tile that ``path`` (``tile/...``, no prefix) names, accepting only the canonical form.

    Rejects leading zeroes in the level or width, a level above 63, a width outside
    1..255 for ``.p/``, and index groups that are not the canonical encoding (such as a
    leading ``x000/``). Raises TileError.
    """
    match = _PATH.fullmatch(path)
    if match is None:
        raise TileError("malformed tile path")
    level_text, index_text, width_text = match.groups()
    level: int | Literal["entries"] = ENTRIES if level_text == ENTRIES else int(level_text)
    index = int(index_text.replace("x", "").replace("/", ""))
    width = TILE_WIDTH if width_text is None else int(width_text)
    if width_text is not None and width >= TILE_WIDTH:
        raise TileError(f"partial tile width must be 1..{TILE_WIDTH - 1}, got {width}")
    tile = Tile(level, index, width)
    if tile.path != path:
        raise TileError("tile path is not in canonical form")
    return tile


def tiles_for_size(size: int) -> list[Tile]:
    """Every hash tile of a tree of ``size`` entries, level by level, full tiles first.

    The entry bundles mirror the level-0 tiles. The empty tree has no tiles.
    """
    if size < 0:
        raise TileError(f"tree size must not be negative, got {size}")
    tiles: list[Tile] = []
    level = 0
    while size >> (TILE_HEIGHT * level):
        count = size >> (TILE_HEIGHT * level)
        full, rest = divmod(count, TILE_WIDTH)
        tiles.extend(Tile(level, n) for n in range(full))
        if rest:
            tiles.append(Tile(level, full, rest))
        level += 1
    return tiles


def hash_tile(level: int, index: int, width: int, store: HashStore) -> bytes:
    """The bytes of hash tile ``(level, index, width)``: ``width`` hashes in one read.

    Raises TileError on bad coordinates, MissingHashError if the store lacks a hash
    (the tile is beyond the tree).
    """
    tile = Tile(level, index, width)
    coords = [(TILE_HEIGHT * level, tile.start + i) for i in range(width)]
    hashes = read_hashes(store, coords)
    return b"".join(hashes[c] for c in coords)


def entry_bundle(entries: Sequence[bytes]) -> bytes:
    """Entries as an entry bundle: each a big-endian uint16 length, then its bytes.

    Raises TileError on no entries, more than 256, or an entry over 65,535 bytes.
    """
    if not 1 <= len(entries) <= TILE_WIDTH:
        raise TileError(f"an entry bundle holds 1..{TILE_WIDTH} entries, got {len(entries)}")
    out = bytearray()
    for i, entry in enumerate(entries):
        if len(entry) > MAX_ENTRY_SIZE:
            raise TileError(f"entry {i} is {len(entry)} bytes, more than {MAX_ENTRY_SIZE}")
        out += len(entry).to_bytes(2, "big") + entry
    return bytes(out)


def parse_entry_bundle(data: bytes, width: int | None = None) -> list[bytes]:
    """The entries of an entry bundle, which must be consumed exactly.

    With ``width``, the bundle must hold exactly that many entries. Raises TileError.
    """
    entries: list[bytes] = []
    pos = 0
    while pos < len(data):
        if pos + 2 > len(data):
            raise TileError("entry bundle ends inside a length prefix")
        length = int.from_bytes(data[pos : pos + 2], "big")
        if pos + 2 + length > len(data):
            raise TileError(f"entry bundle ends inside entry {len(entries)}")
        entries.append(data[pos + 2 : pos + 2 + length])
        pos += 2 + length
        if len(entries) > TILE_WIDTH:
            raise TileError(f"entry bundle holds more than {TILE_WIDTH} entries")
    if not entries:
        raise TileError("entry bundle is empty")
    if width is not None and len(entries) != width:
        raise TileError(f"entry bundle has wrong width: expected {width}, got {len(entries)}")
    return entries


class TileHashStore:
    """A :class:`HashStore` over tiles fetched from a log, checked against its tree head.

    On construction every tile must belong to the tree of ``size`` (full tiles, or the
    rightmost partial tile of its level at exactly that size), every full tile must hash
    to its entry in the supplied tile one level up, and the partial tiles must give
    ``root_hash``. So every hash the store then answers is authenticated by the root, and
    a monitor can check entries (:meth:`check_entries`) or compute proofs from it.
    Raises TileError.
    """

    def __init__(self, size: int, root_hash: Hash, tiles: Mapping[Tile, bytes]) -> None:
        self.size = size
        self._tiles: dict[tuple[int, int], tuple[int, bytes]] = {}
        for tile, data in tiles.items():
            if isinstance(tile.level, str):
                raise TileError(f"{tile.path} is an entry bundle, not a hash tile")
            if len(data) != tile.width * HASH_SIZE:
                raise TileError(f"{tile.path} has {len(data)} bytes, expected {tile.width * 32}")
            if not self._belongs(tile.level, tile.index, tile.width):
                raise TileError(f"{tile.path} is not a tile of the tree of size {size}")
            self._tiles[(tile.level, tile.index)] = (tile.width, bytes(data))
        for tile in tiles_for_size(size):
            if tile.is_partial and (tile.level, tile.index) not in self._tiles:
                raise TileError(f"tiles for size {size} lack the partial tile {tile.path}")
        for (level, index), (width, data) in self._tiles.items():
            if width == TILE_WIDTH:
                self._check_parent(level, index, data)
        if root(size, self) != root_hash:
            raise TileError(f"tiles do not match the root hash of size {size}")

    def get_hashes(self, coords: Sequence[Coord]) -> Mapping[Coord, bytes]:
        """The hashes among ``coords`` that the checked tiles hold or imply."""
        out: dict[Coord, bytes] = {}
        for level, index in coords:
            value = self._hash_at(level, index)
            if value is not None:
                out[(level, index)] = value
        return out

    def check_entries(self, start: int, entries: Sequence[bytes]) -> None:
        """Check that ``entries`` are the log's entries from index ``start`` on.

        Raises TileError on an entry that differs or that no supplied tile covers.
        """
        for offset, entry in enumerate(entries):
            stored = self._hash_at(0, start + offset)
            if stored is None:
                raise TileError(f"no checked tile covers entry {start + offset}")
            if stored != leaf_hash(entry):
                raise TileError(f"entry {start + offset} does not match the log")

    def _belongs(self, level: int, index: int, width: int) -> bool:
        count = self.size >> (TILE_HEIGHT * level)
        if width == TILE_WIDTH:
            return (index + 1) * TILE_WIDTH <= count
        return index == count // TILE_WIDTH and width == count % TILE_WIDTH

    def _check_parent(self, level: int, index: int, data: bytes) -> None:
        parent = self._tiles.get((level + 1, index // TILE_WIDTH))
        if parent is None:
            raise TileError(f"tile {level}/{index} has no parent tile to check it against")
        pos = index % TILE_WIDTH * HASH_SIZE
        if parent[1][pos : pos + HASH_SIZE] != _subtree(data):
            raise TileError(f"tile {level}/{index} does not match its parent tile")

    def _hash_at(self, level: int, index: int) -> bytes | None:
        tile_level, depth = divmod(level, TILE_HEIGHT)
        first, count = index << depth, 1 << depth
        found = self._tiles.get((tile_level, first // TILE_WIDTH))
        if found is None:
            return None
        width, data = found
        offset = first % TILE_WIDTH
        if offset + count > width:
            return None
        return _subtree(data[offset * HASH_SIZE : (offset + count) * HASH_SIZE])


def _subtree(data: bytes) -> bytes:
    """The hash of the perfect subtree over a power-of-two run of concatenated hashes."""
    if len(data) == HASH_SIZE:
        return data
    half = len(data) // 2
    return node_hash(_subtree(data[:half]), _subtree(data[half:]))
