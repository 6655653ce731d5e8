"""C2SP signed-note: the published examples of Go's sumdb/note, and refusals."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from registry.tlog import (
    Ed25519NoteSigner,
    InvalidSignatureError,
    NoteError,
    NoteVerifier,
    SignerError,
    UnverifiedNoteError,
    VerifierKeyError,
    key_id,
    open_note,
    parse_verifier_key,
    sign_note,
    verifier_key,
)

# The example of golang.org/x/mod/sumdb/note (its documentation and note_test.go).
PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
PETER_SIG = "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
ENOCH_SIG = "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n"
PETER_NOTE = (TEXT + "\n" + PETER_SIG).encode()

PETER = parse_verifier_key(PETER_VKEY)
ENOCH = parse_verifier_key(ENOCH_VKEY)


def _peter_signer() -> Ed25519NoteSigner:
    seed = base64.b64decode(PETER_SKEY.split("+", 4)[4])
    assert seed[0] == 0x01
    private = Ed25519PrivateKey.from_private_bytes(seed[1:])
    return Ed25519NoteSigner("PeterNeumann", PETER.public_key, private.sign)


def test_verifier_key_and_key_id() -> None:
    assert PETER.name == "PeterNeumann"
    assert PETER.key_id.hex() == "c74f20a3"
    assert key_id("PeterNeumann", PETER.public_key).hex() == "c74f20a3"
    assert verifier_key("PeterNeumann", PETER.public_key) == PETER_VKEY
    assert PETER.vkey() == PETER_VKEY
    assert ENOCH.key_id.hex() == "af0cfe78"


def test_signing_reproduces_the_published_note() -> None:
    signer = _peter_signer()
    assert signer.key_id.hex() == "c74f20a3"
    assert signer.verifier.vkey() == PETER_VKEY
    assert sign_note(TEXT, [signer]) == PETER_NOTE


def test_open_verifies_the_published_note() -> None:
    assert open_note(PETER_NOTE, [PETER]) == (TEXT, ("PeterNeumann",))


def test_unknown_signatures_are_ignored() -> None:
    both = (TEXT + "\n" + PETER_SIG + ENOCH_SIG).encode()
    assert open_note(both, [PETER]).signers == ("PeterNeumann",)
    assert open_note(both, [ENOCH]).signers == ("EnochRoot",)
    assert open_note(both, [PETER, ENOCH]).signers == ("PeterNeumann", "EnochRoot")
    with pytest.raises(UnverifiedNoteError, match="no signature from a known key"):
        open_note(both, [])
    repeated = (TEXT + "\n" + PETER_SIG * 3 + ENOCH_SIG * 2).encode()
    assert open_note(repeated, [PETER]).signers == ("PeterNeumann",)


def test_same_name_other_key_id_is_unknown() -> None:
    other = NoteVerifier("EnochRoot", ENOCH.key_id, ENOCH.public_key)
    impostor = (TEXT + "\n" + PETER_SIG.replace("PeterNeumann", "EnochRoot")).encode()
    with pytest.raises(UnverifiedNoteError):
        open_note(impostor, [other])


def test_any_flipped_bit_fails() -> None:
    for i in range(len(PETER_NOTE)):
        for bit in (0x01, 0x20):
            mangled = bytearray(PETER_NOTE)
            mangled[i] ^= bit
            with pytest.raises(NoteError):
                opened = open_note(bytes(mangled), [PETER])
                pytest.fail(f"accepted a note with byte {i} changed: {opened}")


def test_bad_signature_from_known_key_rejects_the_note() -> None:
    bad = PETER_SIG[:60] + "ABCD" + PETER_SIG[64:]
    with pytest.raises(
        InvalidSignatureError, match="invalid signature for key PeterNeumann\\+c74f20a3"
    ):
        open_note((TEXT + "\n" + bad).encode(), [PETER])
    with pytest.raises(InvalidSignatureError):
        open_note(
            (TEXT.replace("cryptography", "cryptograph!") + "\n" + PETER_SIG).encode(), [PETER]
        )


@pytest.mark.parametrize(
    "note",
    [
        TEXT,
        TEXT + "\n",
        TEXT + "\n" + PETER_SIG[:-1],
        "\x01" + TEXT + "\n" + PETER_SIG,
        TEXT
        + "\n"
        + "— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
        TEXT + "\n" + PETER_SIG + "Unexpected line.\n",
        TEXT + "\n" + PETER_SIG.replace("— ", "-- "),
        TEXT + "\n" + "— PeterNeumann\n",
        TEXT + "\n" + "— PeterNeumann AAAA\n",
        TEXT + "\n" + PETER_SIG * 101,
    ],
)
def test_malformed_notes_are_refused(note: str) -> None:
    with pytest.raises(NoteError):
        open_note(note.encode(), [PETER])


def test_invalid_utf8_is_refused() -> None:
    with pytest.raises(NoteError, match="not UTF-8"):
        open_note(b"\xff" + PETER_NOTE, [PETER])


def test_mangled_verifier_keys_are_refused() -> None:
    for i in range(len(PETER_VKEY)):
        for j in range(i + 1, len(PETER_VKEY) + 1):
            if (i, j) != (0, len(PETER_VKEY)):
                with pytest.raises(VerifierKeyError):
                    parse_verifier_key(PETER_VKEY[i:j])
    for i in range(len(PETER_VKEY)):
        mangled = PETER_VKEY[:i] + chr(ord(PETER_VKEY[i]) + 1) + PETER_VKEY[i + 1 :]
        with pytest.raises(VerifierKeyError):
            parse_verifier_key(mangled)
    with pytest.raises(VerifierKeyError):  # wrong key length, with a matching key id
        parse_verifier_key(
            "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=="
        )
    with pytest.raises(VerifierKeyError):  # unknown algorithm, with a matching key id
        parse_verifier_key("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")


def test_signer_wired_to_another_key_fails_loudly() -> None:
    other = Ed25519PrivateKey.generate()
    signer = Ed25519NoteSigner("PeterNeumann", PETER.public_key, other.sign)
    with pytest.raises(SignerError, match="does not verify"):
        sign_note(TEXT, [signer])


def test_sign_note_refuses_bad_input() -> None:
    signer = _peter_signer()
    with pytest.raises(NoteError, match="end with a newline"):
        sign_note(TEXT[:-1], [signer])
    with pytest.raises(NoteError, match="control character"):
        sign_note("a\tb\n", [signer])
    with pytest.raises(NoteError, match="at least one signer"):
        sign_note(TEXT, [])
    with pytest.raises(NoteError, match="appears twice"):
        sign_note(TEXT, [signer, signer])
    with pytest.raises(VerifierKeyError):
        Ed25519NoteSigner("Peter Neumann", PETER.public_key, lambda m: b"")
    with pytest.raises(VerifierKeyError):
        Ed25519NoteSigner("a+b", PETER.public_key, lambda m: b"")


def test_ambiguous_verifiers_are_refused() -> None:
    twin = NoteVerifier.__new__(NoteVerifier)  # same name and id, different key
    object.__setattr__(twin, "name", PETER.name)
    object.__setattr__(twin, "key_id", PETER.key_id)
    object.__setattr__(twin, "public_key", ENOCH.public_key)
    with pytest.raises(NoteError, match="ambiguous"):
        open_note(PETER_NOTE, [PETER, twin])
    assert open_note(PETER_NOTE, [PETER, PETER]).signers == ("PeterNeumann",)


@given(
    name=st.from_regex(r"[a-z0-9./-]{1,30}", fullmatch=True),
    key=st.binary(min_size=32, max_size=32),
)
def test_verifier_keys_round_trip(name: str, key: bytes) -> None:
    vkey = verifier_key(name, key)
    parsed = parse_verifier_key(vkey)
    assert (parsed.name, parsed.public_key, parsed.key_id) == (name, key, key_id(name, key))
    assert parsed.vkey() == vkey
