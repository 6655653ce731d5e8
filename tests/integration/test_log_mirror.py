"""``registry log mirror DIR`` writes the log as static files in the C2SP tlog-tiles
layout: byte for byte what the registry serves at the same paths under ``/log/``, kept
current as the log grows, and accepted by Go's sumdb/tlog (the reference client code)."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from registry.bootstrap import Services
from registry.cli import main
from registry.domain.reasons import Reason
from registry.domain.status import Transition
from registry.tlog import Checkpoint, open_note, parse_verifier_key
from registry.tlog.tiles import Tile, parse_entry_bundle, tiles_for_size
from tests.support.go import go_env, run_go
from tests.support.world import World


def _grow(service: Services, world: World, code: str, entries: int) -> None:
    """``entries`` more log entries: suspensions and reinstatements of ``code``."""
    admin = service.identity.authenticate(world.admin)
    for n in range(entries):
        move = Transition.SUSPEND if n % 2 == 0 else Transition.REINSTATE
        service.certificates.change_status(admin, code, move, Reason(nl=f"controle {n}"))


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def _same_as_served(world: World, files: dict[str, bytes]) -> None:
    for path, data in files.items():
        served = world.client.get(f"/log/{path}")
        assert served.status_code == 200, path
        assert served.content == data, path


def test_the_mirror_is_what_the_registry_serves_and_go_accepts_it(
    world: World, service: Services, env: dict[str, str], tmp_path: Path, capsys: Any
) -> None:
    code = world.certify()
    _grow(service, world, code, 260)  # past one full tile of 256
    folder = tmp_path / "mirror"
    assert main(["log", "mirror", str(folder)]) == 0
    assert "mirrored the log at size" in capsys.readouterr().out
    files = _files(folder)
    note = files["checkpoint"].decode()
    vkey = world.client.get("/log/vkey").text.removesuffix("\n")
    head = Checkpoint.parse(open_note(note.encode(), [parse_verifier_key(vkey)]).text)
    size = head.size
    assert size > 256
    hashes = tiles_for_size(size)
    bundles = [Tile("entries", t.index, t.width) for t in hashes if t.level == 0]
    assert set(files) == {"checkpoint", *(t.path for t in (*hashes, *bundles))}
    _same_as_served(world, files)

    entries = [e for t in bundles for e in parse_entry_bundle(files[t.path], t.width)]
    assert len(entries) == size
    go = go_env(tmp_path)
    result = run_go(
        go,
        tmp_path,
        {
            "vkey": vkey,
            "notes": [note],
            "entry_data": [base64.b64encode(e).decode() for e in entries],
            "sizes": [size],
            "tiles": [{"level": t.level, "index": t.index, "width": t.width} for t in hashes],
        },
    )
    assert result["notes"][0]["error"] == "" and result["notes"][0]["size"] == size
    assert result["roots"][str(size)] == base64.b64encode(head.root_hash).decode()
    assert result["tile_data"] == [base64.b64encode(files[t.path]).decode() for t in hashes]

    # The log grows: the next run writes the new tiles and checkpoint, keeps the full
    # tiles as they were and removes the partial tiles of the older tree.
    full_before = {p: d for p, d in files.items() if ".p/" not in p and p != "checkpoint"}
    _grow(service, world, code, 3)
    assert main(["log", "mirror", str(folder)]) == 0
    after = _files(folder)
    assert after["checkpoint"] != files["checkpoint"]
    assert all(after[p] == d for p, d in full_before.items())
    grown = Checkpoint.parse(open_note(after["checkpoint"], [parse_verifier_key(vkey)]).text).size
    now = tiles_for_size(grown)
    assert {p for p in after if ".p/" in p} == {
        t.path
        for t in (*now, *(Tile("entries", t.index, t.width) for t in now if t.level == 0))
        if t.is_partial
    }
    _same_as_served(world, after)
