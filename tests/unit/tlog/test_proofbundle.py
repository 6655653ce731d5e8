"""C2SP tlog-proof bundles: format, strict parsing and offline verification."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from registry.tlog import (
    Checkpoint,
    Ed25519NoteSigner,
    Hash,
    MemoryTree,
    NoteError,
    NoteVerifier,
    ProofBundle,
    ProofBundleError,
    ProofError,
    UnverifiedNoteError,
    sign_note,
    verify_proof_bundle,
)
from registry.tlog.encoding import b64encode

ORIGIN = "registry.example/log/q7x2"
ENTRIES = [f'{{"type":"certificate.issued","n":{i}}}'.encode() for i in range(11)]


def _signer(name: str = ORIGIN) -> Ed25519NoteSigner:
    private = Ed25519PrivateKey.generate()
    public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return Ed25519NoteSigner(name, public, private.sign)


@pytest.fixture(scope="module")
def log() -> tuple[MemoryTree, Ed25519NoteSigner, bytes]:
    tree = MemoryTree(ENTRIES)
    signer = _signer()
    note = sign_note(Checkpoint(ORIGIN, tree.size, tree.root()).to_text(), [signer])
    return tree, signer, note


def _bundle(log: tuple[MemoryTree, Ed25519NoteSigner, bytes], index: int) -> ProofBundle:
    tree, _, note = log
    return ProofBundle(index, tuple(tree.prove(index)), note, extra=tree.entries[index])


def test_format(log: tuple[MemoryTree, Ed25519NoteSigner, bytes]) -> None:
    tree, _, note = log
    text = _bundle(log, 6).to_bytes()
    lines = text.split(b"\n")
    assert lines[0] == b"c2sp.org/tlog-proof@v1"
    assert lines[1] == b"extra " + b64encode(ENTRIES[6]).encode()
    assert lines[2] == b"index 6"
    assert lines[3 : 3 + 4] == [b64encode(h).encode() for h in tree.prove(6)]
    assert lines[7] == b""
    assert text.endswith(b"\n\n" + note)
    without_extra = ProofBundle(6, tuple(tree.prove(6)), note).to_bytes()
    assert without_extra.split(b"\n")[1] == b"index 6"


def test_round_trip_and_verify(log: tuple[MemoryTree, Ed25519NoteSigner, bytes]) -> None:
    _, signer, _ = log
    for index in range(len(ENTRIES)):
        bundle = ProofBundle.parse(_bundle(log, index).to_bytes())
        assert bundle == _bundle(log, index)
        verified = verify_proof_bundle(bundle, [signer.verifier])
        assert verified.entry == ENTRIES[index]
        assert verified.index == index
        assert verified.checkpoint.size == len(ENTRIES)
        assert verified.signers == (ORIGIN,)
        verify_proof_bundle(bundle, [signer.verifier], entry=ENTRIES[index], origin=ORIGIN)


def test_single_entry_log_has_an_empty_proof() -> None:
    signer = _signer()
    tree = MemoryTree([b"only"])
    note = sign_note(Checkpoint(ORIGIN, 1, tree.root()).to_text(), [signer])
    bundle = ProofBundle.parse(ProofBundle(0, (), note, b"only").to_bytes())
    assert bundle.proof == ()
    verify_proof_bundle(bundle, [signer.verifier])


def test_wrong_entry_index_or_key_fails(log: tuple[MemoryTree, Ed25519NoteSigner, bytes]) -> None:
    _, signer, note = log
    bundle = _bundle(log, 3)
    with pytest.raises(ProofError):
        verify_proof_bundle(bundle, [signer.verifier], entry=ENTRIES[4])
    with pytest.raises(ProofError):
        verify_proof_bundle(ProofBundle(4, bundle.proof, note, ENTRIES[3]), [signer.verifier])
    with pytest.raises(ProofError):
        verify_proof_bundle(ProofBundle(3, bundle.proof, note, b"forged"), [signer.verifier])
    with pytest.raises(UnverifiedNoteError):
        verify_proof_bundle(bundle, [_signer().verifier])
    with pytest.raises(ProofBundleError, match="another log"):
        verify_proof_bundle(bundle, [signer.verifier], origin="other.example/log")
    with pytest.raises(ProofBundleError, match="no entry to check"):
        verify_proof_bundle(ProofBundle(3, bundle.proof, note), [signer.verifier])
    forged = note.replace(b"\n11\n", b"\n12\n")
    with pytest.raises(NoteError):
        verify_proof_bundle(ProofBundle(3, bundle.proof, forged, ENTRIES[3]), [signer.verifier])


def test_checkpoint_signed_under_another_name_needs_an_explicit_origin(
    log: tuple[MemoryTree, Ed25519NoteSigner, bytes],
) -> None:
    tree = log[0]
    witness = _signer("witness.example")
    note = sign_note(Checkpoint(ORIGIN, tree.size, tree.root()).to_text(), [witness])
    bundle = ProofBundle(2, tuple(tree.prove(2)), note, ENTRIES[2])
    verifiers: list[NoteVerifier] = [witness.verifier]
    with pytest.raises(ProofBundleError, match="not signed by a key named after its origin"):
        verify_proof_bundle(bundle, verifiers)
    verify_proof_bundle(bundle, verifiers, origin=ORIGIN)


def _replace_line(data: bytes, number: int, line: bytes) -> bytes:
    lines = data.split(b"\n")
    lines[number] = line
    return b"\n".join(lines)


def test_strict_parse(log: tuple[MemoryTree, Ed25519NoteSigner, bytes]) -> None:
    good = _bundle(log, 6).to_bytes()
    bad = [
        b"",
        good[:20],
        _replace_line(good, 0, b"c2sp.org/tlog-proof@v2"),
        _replace_line(good, 1, b"extra "),
        _replace_line(good, 1, b"extra eyJ0eQ"),  # unpadded
        _replace_line(good, 1, b"Extra eyJ0eXBl"),
        _replace_line(good, 2, b"index 06"),
        _replace_line(good, 2, b"index -6"),
        _replace_line(good, 2, b"index  6"),
        _replace_line(good, 2, b"idx 6"),
        _replace_line(good, 3, b"not base64!"),
        _replace_line(good, 3, b64encode(bytes(31)).encode()),
        good.split(b"\n\n")[0] + b"\n\n",  # no checkpoint
        good.split(b"\n\n")[0] + b"\n",  # no blank line
        b"c2sp.org/tlog-proof@v1\nindex 0\n" + b"\n".join([b64encode(bytes(32)).encode()] * 64),
    ]
    for data in bad:
        with pytest.raises(ProofBundleError):
            ProofBundle.parse(data)
            pytest.fail(f"parsed a bad bundle: {data[:80]!r}")


def test_constructor_refuses_bad_fields(log: tuple[MemoryTree, Ed25519NoteSigner, bytes]) -> None:
    note = log[2]
    with pytest.raises(ProofBundleError):
        ProofBundle(-1, (), note)
    with pytest.raises(ProofBundleError):
        ProofBundle(0, (Hash(bytes(31)),), note)
    with pytest.raises(ProofBundleError):
        ProofBundle(0, (), note, extra=b"")
    with pytest.raises(ProofBundleError):
        ProofBundle(0, (), note.rstrip(b"\n"))
