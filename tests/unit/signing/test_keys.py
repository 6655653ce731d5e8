"""Key ids, JWKs and signing against the RFC 8037 Appendix A vectors."""

from __future__ import annotations

import pickle

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from hypothesis import given
from hypothesis import strategies as st

from registry.signing import (
    Ed25519Signer,
    InvalidKeyError,
    Signer,
    kid_for,
    public_jwk,
    public_key_from_x,
)
from registry.signing.b64 import b64url_decode, b64url_encode

# RFC 8037 Appendix A.1 (key), A.3 (thumbprint) and A.4 (JWS).
RFC8037_D = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"
RFC8037_X = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
RFC8037_KID = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
RFC8037_SIGNING_INPUT = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc"
RFC8037_SIGNATURE = (
    "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"
)


def rfc8037_signer() -> Ed25519Signer:
    return Ed25519Signer(Ed25519PrivateKey.from_private_bytes(b64url_decode(RFC8037_D)))


def test_rfc8037_a1_public_jwk() -> None:
    jwk = public_jwk(rfc8037_signer().public_key())
    assert jwk == {"kty": "OKP", "crv": "Ed25519", "x": RFC8037_X}


def test_rfc8037_a3_thumbprint_is_the_kid() -> None:
    assert rfc8037_signer().kid == RFC8037_KID
    assert kid_for(public_key_from_x(RFC8037_X)) == RFC8037_KID


def test_rfc8037_a4_signature_byte_for_byte() -> None:
    header, body = RFC8037_SIGNING_INPUT.split(".")
    assert b64url_decode(header) == b'{"alg":"EdDSA"}'
    assert b64url_decode(body) == b"Example of Ed25519 signing"
    signature = rfc8037_signer().sign(RFC8037_SIGNING_INPUT.encode("ascii"))
    assert signature == b64url_decode(RFC8037_SIGNATURE)


def test_kid_depends_on_the_key(signer: Ed25519Signer) -> None:
    other = Ed25519Signer.generate()
    assert signer.kid != other.kid
    assert len(signer.kid) == 43 and "=" not in signer.kid


def test_signer_satisfies_the_protocol(signer: Ed25519Signer) -> None:
    assert isinstance(signer, Signer)
    signer.public_key().verify(signer.sign(b"data"), b"data")


def test_repr_and_pickle_carry_no_key_material() -> None:
    signer = rfc8037_signer()
    private = Ed25519PrivateKey.from_private_bytes(b64url_decode(RFC8037_D))
    raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    shown = repr(signer) + str(signer)
    assert RFC8037_KID in shown
    for secret in (RFC8037_D, raw.hex(), repr(raw)):
        assert secret not in shown
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(signer)


@pytest.mark.parametrize(
    ("x", "reason"),
    [
        (RFC8037_X + "=", "outside the alphabet or padding"),
        (RFC8037_X[:-1] + "+", "outside the alphabet"),
        (RFC8037_X[:-4], "has 29 bytes"),
        ("", "has 0 bytes"),
        (RFC8037_X[:-1] + "p", "trailing bits"),
    ],
)
def test_public_key_from_x_is_strict(x: str, reason: str) -> None:
    with pytest.raises(InvalidKeyError, match=reason):
        public_key_from_x(x)


@given(st.binary(max_size=100))
def test_b64url_round_trip(data: bytes) -> None:
    text = b64url_encode(data)
    assert "=" not in text
    assert b64url_decode(text) == data


@given(st.text(max_size=60))
def test_b64url_decode_accepts_only_canonical_text(text: str) -> None:
    try:
        data = b64url_decode(text)
    except ValueError:
        return
    assert b64url_encode(data) == text
