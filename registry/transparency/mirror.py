"""A static copy of the log for any web server or CDN: ``registry log mirror DIR``.

It writes the signed checkpoint, every full tile and entry bundle, and the partial ones
of the current tree, as files in the C2SP tlog-tiles layout (``DIR/checkpoint``,
``DIR/tile/<L>/<N>[.p/<W>]``, ``DIR/tile/entries/<N>[.p/<W>]``), byte for byte what
the registry serves under ``/log/``. Full tiles never change, so a run writes only
the new ones; the checkpoint is written last and atomically, so a client never reads
a checkpoint whose tiles are not there yet. Partial tiles of older trees are removed
after it. ``--follow`` polls the checkpoint and mirrors again when it moves.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from registry.tlog.tiles import Tile, tiles_for_size
from registry.transparency.service import TransparencyService


@dataclass(frozen=True)
class Mirrored:
    size: int
    written: int  # files written this run (the checkpoint included)
    removed: int  # partial tiles of older trees removed


def mirror_once(log: TransparencyService, folder: Path) -> Mirrored:
    """Bring ``folder`` up to the log's latest checkpoint."""
    note = log.log_checkpoint()
    size = int(note.split("\n")[1])
    hashes = tiles_for_size(size)
    bundles = [Tile("entries", t.index, t.width) for t in hashes if t.level == 0]
    wanted = {t.path for t in (*hashes, *bundles)}
    written = 0
    for tile in (*hashes, *bundles):
        target = folder / tile.path
        if target.exists() and not tile.is_partial:
            continue  # a full tile never changes
        data, _full = log.log_tile(tile.path)
        if not target.exists() or target.read_bytes() != data:
            _write(target, data)
            written += 1
    checkpoint = folder / "checkpoint"
    if not checkpoint.exists() or checkpoint.read_text(encoding="utf-8") != note:
        _write(checkpoint, note.encode("utf-8"))
        written += 1
    removed = 0
    tiles_dir = folder / "tile"
    for partial in tiles_dir.rglob("*") if tiles_dir.exists() else ():
        stale = partial.relative_to(folder).as_posix() not in wanted
        if partial.is_file() and partial.parent.name.endswith(".p") and stale:
            partial.unlink()
            removed += 1
    return Mirrored(size, written, removed)


def follow(
    log: TransparencyService,
    folder: Path,
    interval: float,
    report: Callable[[Mirrored], None],
    rounds: int | None = None,
) -> None:
    """Mirror, then poll the checkpoint every ``interval`` seconds and mirror again
    when it moved (``rounds``: stop after that many polls; None: never)."""
    last = ""
    done = 0
    while rounds is None or done < rounds:
        note = log.log_checkpoint()
        if note != last:
            report(mirror_once(log, folder))
            last = note
        done += 1
        time.sleep(interval)


def _write(target: Path, data: bytes) -> None:
    """``data`` into ``target`` atomically (a reader sees the old file or the new one)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.chmod(temporary, 0o644)  # served by a web server running as another user
    os.replace(temporary, target)
