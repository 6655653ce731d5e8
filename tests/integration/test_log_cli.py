"""`registry log verify`, `registry log monitor` and `registry verify --proof`, as people run them."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from registry.bootstrap import open_registry
from registry.cli import main
from registry.config import Settings
from registry.logcheck import (
    LogCheckError,
    MonitorState,
    check_entries,
    http_fetcher,
    monitor_once,
)
from registry.logcheck import errors as rules
from registry.signing import format_time
from registry.tlog import (
    Checkpoint,
    Ed25519NoteSigner,
    MemoryTree,
    ProofBundle,
    entry_bundle,
    hash_tile,
    parse_tile_path,
    sign_note,
    verifier_key,
)
from registry.tlog.encoding import b64encode


@contextmanager
def serving(env: dict[str, str]) -> Iterator[str]:
    """`registry serve` on a free port, in its own process; yields its base URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    process = subprocess.Popen(
        [sys.executable, "-m", "registry.cli", "serve", "--port", str(port), "--workers", "1"],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise AssertionError("registry serve did not answer /healthz") from None
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


def _other_vkey(origin: str) -> str:
    """A well-formed verifier key under the log's name, but not the log's key."""
    public = Ed25519PrivateKey.generate().public_key().public_bytes_raw()
    return verifier_key(origin, public)


def test_log_verify_and_offline_inclusion(
    env: dict[str, str], settings: Settings, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["demo"]) == 0
    capsys.readouterr()
    assert main(["log", "verify"]) == 0
    out = capsys.readouterr().out
    assert "signature valid" in out and "checkpoints match the entries" in out
    assert main(["log", "verify", "--batch", "5"]) == 0  # the same, streamed in small batches

    service = open_registry(settings)
    first, second = (
        c.code for c in service.certificates.certificates(status="valid", limit=2).items
    )
    credential = tmp_path / "credential.jwt"
    credential.write_text(service.certificates.credential(first))
    bundle = tmp_path / "proof.txt"
    bundle.write_bytes(service.transparency.certificate_proof(first))
    other = tmp_path / "other.txt"
    other.write_bytes(service.transparency.certificate_proof(second))
    vkey_file = settings.keys_dir / "log.vkey"
    assert vkey_file.read_text().strip() == service.transparency.log_vkey()
    capsys.readouterr()

    # With the keys folder's log.vkey, then with the key given as a string.
    assert main(["verify", str(credential), "--proof", str(bundle)]) == 0
    out = capsys.readouterr().out
    assert "log inclusion proven: entry" in out and "byte for byte" in out
    assert "signature valid" in out
    assert (
        main(
            [
                "verify",
                str(credential),
                "--proof",
                str(bundle),
                "--vkey",
                service.transparency.log_vkey(),
            ]
        )
        == 0
    )
    capsys.readouterr()

    # Another certificate's bundle proves another entry.
    assert main(["verify", str(credential), "--proof", str(other)]) == 1
    assert "is not this file's credential" in capsys.readouterr().err

    # An entry altered inside the bundle no longer hashes to a leaf of the log.
    parsed = ProofBundle.parse(bundle.read_bytes())
    assert parsed.extra is not None
    document = json.loads(parsed.extra)
    document["reason"] = "altered after the fact"
    tampered = tmp_path / "tampered.txt"
    tampered.write_bytes(
        ProofBundle(
            parsed.index, parsed.proof, parsed.checkpoint, json.dumps(document).encode()
        ).to_bytes()
    )
    assert main(["verify", str(credential), "--proof", str(tampered)]) == 1
    assert "log inclusion not proven" in capsys.readouterr().err

    # A checkpoint the given key did not sign.
    origin = service.transparency.log_vkey().split("+")[0]
    assert (
        main(["verify", str(credential), "--proof", str(bundle), "--vkey", _other_vkey(origin)])
        == 1
    )
    assert "no signature from a known key" in capsys.readouterr().err

    # A credential logged before its key was compromised still verifies with its proof.
    kid = json.loads((settings.keys_dir / "jwks.json").read_text())["keys"][0]["kid"]
    since = format_time(datetime.now(UTC))
    assert main(["keys", "compromised", f"--kid={kid}", "--since", since]) == 0
    capsys.readouterr()
    assert main(["verify", str(credential)]) == 1
    assert "compromised" in capsys.readouterr().err
    assert main(["verify", str(credential), "--proof", str(bundle)]) == 0
    assert "(compromised)" in capsys.readouterr().out
    assert main(["log", "verify"]) == 0


def test_monitor_follows_a_served_registry(
    env: dict[str, str], settings: Settings, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["init"]) == 0
    service = open_registry(settings)
    service.transparency.rotate_keys()
    state = tmp_path / "monitor.json"
    with serving(env) as url:
        capsys.readouterr()
        assert main(["log", "monitor", url, "--state", str(state), "--once"]) == 0
        captured = capsys.readouterr()
        assert "trust on first use" in captured.err
        assert "first run" in captured.out
        first = json.loads(state.read_text())
        assert first["vkey"] == service.transparency.log_vkey()
        assert first["size"] >= 2
        assert first["note"].startswith(first["origin"] + "\n")

        service.transparency.rotate_keys()  # new entries; the writer signs a checkpoint after commit
        assert main(["log", "monitor", url, "--state", str(state)]) == 0
        captured = capsys.readouterr()
        assert "trust on first use" not in captured.err
        assert f"consistent with the last checkpoint seen (size {first['size']})" in captured.out
        second = json.loads(state.read_text())
        assert second["size"] > first["size"]
        assert f"entries {first['size']} to {second['size'] - 1} match" in captured.out

        def refused(forged: dict[str, object], rule: str, *extra: str) -> str:
            state.write_text(json.dumps(forged))
            assert main(["log", "monitor", url, "--state", str(state), *extra]) == 1
            assert json.loads(state.read_text()) == forged  # nothing saved on failure
            message = capsys.readouterr().err
            with pytest.raises(LogCheckError) as caught:
                monitor_once(http_fetcher(url), MonitorState(**forged))  # type: ignore[arg-type]
            assert caught.value.rule == rule
            return message

        bigger = {**second, "size": second["size"] + 5}
        assert "rollback" in refused(bigger, rules.ROLLBACK)
        forked = {**second, "root": b64encode(bytes(32))}
        assert "fork" in refused(forked, rules.FORK)
        earlier = {**first, "root": b64encode(bytes(32))}
        assert "bad consistency proof" in refused(earlier, rules.BAD_PROOF)
        wrong_key = {**second, "vkey": _other_vkey(second["origin"])}
        assert "bad signature" in refused(wrong_key, rules.BAD_SIGNATURE)

        # A pinned key given on the command line: used, and checked against the state's.
        fresh = tmp_path / "fresh.json"
        vkey_file = settings.keys_dir / "log.vkey"
        assert main(["log", "monitor", url, "--state", str(fresh), "--vkey", str(vkey_file)]) == 0
        assert "trust on first use" not in capsys.readouterr().err
        other = _other_vkey(second["origin"])
        assert main(["log", "monitor", url, "--state", str(fresh), "--vkey", other]) == 1
        assert "not the one pinned" in capsys.readouterr().err
        fresh.unlink()
        assert main(["log", "monitor", url, "--state", str(fresh), "--vkey", other]) == 1
        assert "bad signature" in capsys.readouterr().err
        assert not fresh.exists()


# --- the monitor's tile walk, against a log held in memory -----------------------------


class FakeLog:
    """A log served from memory the way the registry serves it, with knobs to misbehave."""

    def __init__(self, entries: int, published: int) -> None:
        key = Ed25519PrivateKey.generate()
        self.origin = "log.example/test"
        public = key.public_key().public_bytes_raw()
        self.signer = Ed25519NoteSigner(self.origin, public, key.sign)
        self.tree = MemoryTree(b"entry %d" % i for i in range(entries))
        self.size = published
        self.bad_entries: dict[int, bytes] = {}
        self.bad_tiles: dict[str, bytes] = {}
        self.bad_proof = False

    @property
    def vkey(self) -> str:
        return self.signer.verifier.vkey()

    def fetch(self, path: str) -> bytes:
        if path == "log/checkpoint":
            text = Checkpoint(self.origin, self.size, self.tree.root(self.size)).to_text()
            return sign_note(text, [self.signer])
        if path == "log/vkey":
            return (self.vkey + "\n").encode()
        if path.startswith("api/v1/log/proof/consistency?"):
            query = urllib.parse.parse_qs(path.partition("?")[2])
            proof = self.tree.prove_consistency(int(query["first"][0]), int(query["second"][0]))
            if self.bad_proof:
                proof[-1] = bytes(32)  # type: ignore[call-overload]
            return json.dumps({"hashes": [b64encode(h) for h in proof]}).encode()
        tile_path = path.removeprefix("log/")
        if tile_path in self.bad_tiles:
            return self.bad_tiles[tile_path]
        tile = parse_tile_path(tile_path)
        assert tile.within(self.size), path
        if tile.level == "entries":
            span = range(tile.start, tile.start + tile.width)
            return entry_bundle([self.bad_entries.get(i, self.tree.entries[i]) for i in span])
        return hash_tile(tile.level, tile.index, tile.width, self.tree.store)


def test_monitor_walks_the_tiles_of_a_large_log() -> None:
    log = FakeLog(66_000, published=600)  # grows past one full level-1 tile (65,536 entries)
    first = monitor_once(log.fetch, None, log.vkey)
    assert first.current.size == 600 and first.checked_entries == 600
    seen = MonitorState(log.origin, log.vkey, 65_000, b64encode(log.tree.root(65_000)), "")
    log.size = 66_000
    second = monitor_once(log.fetch, seen)
    assert second.current.size == 66_000
    assert 1_000 <= second.checked_entries < 1_300  # only the tiles holding new entries
    root = log.tree.root()
    assert check_entries(log.fetch, 66_000, root, 60_000, chunk=7) == 66_000 - 59_904

    log.bad_entries[65_500] = b"entry rewritten"
    with pytest.raises(LogCheckError, match="entry 65500 does not match the log") as caught:
        monitor_once(log.fetch, seen)
    assert caught.value.rule == rules.BAD_ENTRY
    log.bad_entries.clear()

    full = hash_tile(0, 10, 256, log.tree.store)
    log.bad_tiles["tile/0/010"] = full[:32] + bytes(32) + full[64:]
    with pytest.raises(LogCheckError, match="root mismatch"):
        check_entries(log.fetch, 66_000, root, 2_600)
    log.bad_tiles.clear()
    partial = parse_tile_path("tile/0/257.p/208")
    data = hash_tile(0, partial.index, partial.width, log.tree.store)
    log.bad_tiles[partial.path] = bytes(32) + data[32:]
    with pytest.raises(LogCheckError, match="root mismatch"):
        check_entries(log.fetch, 66_000, root, 65_900)
    log.bad_tiles.clear()

    log.bad_proof = True
    with pytest.raises(LogCheckError, match="bad consistency proof") as caught:
        monitor_once(log.fetch, seen)
    assert caught.value.rule == rules.BAD_PROOF
