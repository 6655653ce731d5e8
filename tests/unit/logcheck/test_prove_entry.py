"""The one check of a proof bundle, shared by ``registry verify --proof`` and the
certificate page's server check: what it proves, and what it refuses."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from registry.errors import RegistryError
from registry.logcheck.inclusion import prove_entry
from registry.tlog import Checkpoint, Ed25519NoteSigner, MemoryTree, ProofBundle, sign_note

ORIGIN = "registry.example/log/p9k1"


def _signer() -> Ed25519NoteSigner:
    private = Ed25519PrivateKey.generate()
    public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return Ed25519NoteSigner(ORIGIN, public, private.sign)


def _entry(i: int) -> bytes:
    data = {"code": f"TL-CODE-{i}", "credential": f"jws.{i}.sig"}
    return json.dumps(
        {"type": "certificate.issued", "time": "2026-06-01T12:00:00Z", "data": data}
    ).encode()


ENTRIES = [_entry(i) for i in range(5)] + [b"not json"]
SIGNER = _signer()
TREE = MemoryTree(ENTRIES)
NOTE = sign_note(Checkpoint(ORIGIN, TREE.size, TREE.root()).to_text(), [SIGNER])


def _bundle(index: int, extra: bytes | None = None) -> bytes:
    entry = TREE.entries[index] if extra is None else extra
    return ProofBundle(index, tuple(TREE.prove(index)), NOTE, extra=entry).to_bytes()


def test_a_proven_entry_says_where_it_stands_and_what_it_carries() -> None:
    proven = prove_entry(_bundle(3), SIGNER.verifier.vkey())
    assert (proven.index, proven.tree_size, proven.origin) == (3, 6, ORIGIN)
    assert proven.signers == (ORIGIN,)
    assert proven.credential == "jws.3.sig"
    assert proven.data["code"] == "TL-CODE-3"


def test_an_entry_that_is_no_json_is_proven_but_carries_nothing() -> None:
    proven = prove_entry(_bundle(5), SIGNER.verifier.vkey())
    assert proven.entry is None
    assert proven.data == {}
    assert proven.credential is None


def test_another_log_key_is_refused() -> None:
    with pytest.raises(RegistryError):
        prove_entry(_bundle(3), _signer().verifier.vkey())


def test_an_entry_swapped_for_another_is_refused() -> None:
    with pytest.raises(RegistryError):
        prove_entry(_bundle(3, extra=_entry(4)), SIGNER.verifier.vkey())


def test_a_malformed_bundle_is_refused() -> None:
    with pytest.raises(RegistryError):
        prove_entry(b"c2sp.org/tlog-proof@v1\nindex x\n", SIGNER.verifier.vkey())
