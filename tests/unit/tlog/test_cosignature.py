"""C2SP tlog-cosignature v1.0.1 (Ed25519, 0x04) and v1.1.0-rc.1 (ML-DSA-44, 0x06)."""

from __future__ import annotations

import hashlib
import struct

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from registry.tlog import Checkpoint, Ed25519NoteSigner, Hash, InvalidSignatureError, sign_note
from registry.tlog.cosignature import (
    MLDSA44_COSIGNATURE,
    Cosigner,
    cosignatures,
    ed25519_message,
    mldsa_available,
    parse_cosigner_vkey,
)
from registry.tlog.errors import VerifierKeyError
from registry.tlog.note import open_note
from tests.support.env import need

# The checkpoint of the specification's own example (tlog-cosignature, "Signed message").
SPEC_TEXT = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"


def _cosigner(name: str = "witness.example.com/w1") -> tuple[Cosigner, Ed25519PrivateKey]:
    key = Ed25519PrivateKey.generate()
    return Cosigner(name, key.public_key().public_bytes_raw(), key.sign), key


def test_signed_message_is_the_spec_example() -> None:
    assert ed25519_message(SPEC_TEXT, 1679315147) == (
        b"cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\n"
        b"CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    )


def test_key_id_and_signature_follow_the_spec_by_hand() -> None:
    cosigner, key = _cosigner()
    public = key.public_key().public_bytes_raw()
    want_id = hashlib.sha256(b"witness.example.com/w1\n\x04" + public).digest()[:4]
    assert bytes(cosigner.verifier.key_id) == want_id
    line = cosigner.cosign(SPEC_TEXT, 1679315147)
    assert line.startswith("— witness.example.com/w1 ") and line.endswith("\n")
    import base64

    raw = base64.b64decode(line.split(" ")[2])
    assert raw[:4] == want_id and len(raw) == 4 + 72
    assert struct.unpack(">Q", raw[4:12])[0] == 1679315147
    # The signature is over the spec's message, checked with the bare public key.
    key.public_key().verify(raw[12:], ed25519_message(SPEC_TEXT, 1679315147))
    vkey = cosigner.verifier.vkey()
    assert vkey.startswith(f"witness.example.com/w1+{want_id.hex()}+")
    assert base64.b64decode(vkey.split("+", 2)[2])[0] == 0x04
    assert parse_cosigner_vkey(vkey) == cosigner.verifier


def test_a_cosigned_note_opens_and_names_its_timestamp() -> None:
    log_key = Ed25519PrivateKey.generate()
    log = Ed25519NoteSigner(
        "example.com/log", log_key.public_key().public_bytes_raw(), log_key.sign
    )
    text = Checkpoint("example.com/log", 3, Hash(bytes(32))).to_text()
    note = sign_note(text, [log])
    cosigner, _ = _cosigner()
    other, _ = _cosigner("witness.example.com/w2")
    cosigned = note + cosigner.cosign(text, 1700000000).encode() + other.cosign(text, 5).encode()
    assert cosignatures(cosigned, [cosigner.verifier]) == {cosigner.verifier: 1700000000}
    opened = open_note(cosigned, [log.verifier, cosigner.verifier])
    assert opened.signers == ("example.com/log", "witness.example.com/w1")
    # A cosignature on another checkpoint does not carry over.
    moved = sign_note(Checkpoint("example.com/log", 4, Hash(bytes(32))).to_text(), [log])
    with pytest.raises(InvalidSignatureError):
        cosignatures(moved + cosigner.cosign(text, 1).encode(), [cosigner.verifier])


def test_a_log_type_key_is_not_a_cosigner_key() -> None:
    log_key = Ed25519PrivateKey.generate()
    log = Ed25519NoteSigner(
        "example.com/log", log_key.public_key().public_bytes_raw(), log_key.sign
    )
    with pytest.raises(VerifierKeyError, match="0x04"):
        parse_cosigner_vkey(log.verifier.vkey())


def test_mldsa44_cosignature_commits_to_the_name() -> None:
    need(mldsa_available(), "the installed cryptography provides no ML-DSA-44")
    from cryptography.hazmat.primitives.asymmetric.mldsa import MLDSA44PrivateKey

    key = MLDSA44PrivateKey.generate()
    public = key.public_key().public_bytes_raw()
    cosigner = Cosigner("witness.example.com/w1", public, key.sign, MLDSA44_COSIGNATURE)
    line = cosigner.cosign(SPEC_TEXT, 1679315147)
    import base64

    raw = base64.b64decode(line.split(" ")[2])
    assert raw[:4] == hashlib.sha256(b"witness.example.com/w1\n\x06" + public).digest()[:4]
    message = (
        b"subtree/v1\n\x00"
        + bytes([22])
        + b"witness.example.com/w1"
        + struct.pack(">Q", 1679315147)
        + bytes([27])
        + b"example.com/behind-the-sofa"
        + struct.pack(">QQ", 0, 20852163)
        + base64.b64decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")
    )
    key.public_key().verify(raw[12:], message)
    assert parse_cosigner_vkey(cosigner.verifier.vkey()).verify(SPEC_TEXT.encode(), raw[4:])
