"""Signed credentials: exact bytes, independent verifiers, and every refusal."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
import rfc8785
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from joserfc import jws
from joserfc import jwt as jose_jwt
from joserfc.jwk import KeySet

from registry.signing import (
    BadSignatureError,
    CompromisedKeyError,
    CredentialError,
    Ed25519Signer,
    KeyRecord,
    UnknownKeyError,
    jwks_document,
    sign_credential,
    verify_credential,
)
from registry.signing.b64 import b64url_decode, b64url_encode
from registry.signing.keys import public_x

RETIRED_AT = datetime(2026, 6, 1, tzinfo=UTC)
COMPROMISED_AT = datetime(2026, 9, 1, tzinfo=UTC)
# joserfc warns that RFC 9864 deprecates "EdDSA"; the contract keeps it for pyjwt.
joserfc_deprecation = pytest.mark.filterwarnings("ignore::joserfc.errors.SecurityWarning")


def with_status(record: KeyRecord, status: str) -> KeyRecord:
    return KeyRecord(
        record.kid,
        record.x,
        status,  # type: ignore[arg-type]  # a test-only shortcut over the three statuses
        record.not_before,
        retired_at=RETIRED_AT,
        compromised_at=COMPROMISED_AT if status == "compromised" else None,
    )


def parts(token: str) -> list[str]:
    return token.split(".")


def test_header_and_payload_are_the_exact_bytes(
    signer: Ed25519Signer, payload: dict[str, Any]
) -> None:
    header, body, signature = parts(sign_credential(signer, payload))
    assert b64url_decode(header) == (
        b'{"alg":"EdDSA","typ":"vc+jwt","cty":"vc","kid":"' + signer.kid.encode() + b'"}'
    )
    assert b64url_decode(body) == rfc8785.dumps(payload)
    signer.public_key().verify(b64url_decode(signature), f"{header}.{body}".encode())


def test_round_trip(signer: Ed25519Signer, record: KeyRecord, payload: dict[str, Any]) -> None:
    verified = verify_credential(sign_credential(signer, payload), [record])
    assert verified.payload == payload
    assert verified.kid == signer.kid
    assert verified.key_status == "active"
    assert verified.header["cty"] == "vc"


def test_pyjwt_verifies_with_the_served_jwks_entry(
    signer: Ed25519Signer, record: KeyRecord, payload: dict[str, Any]
) -> None:
    token = sign_credential(signer, payload)
    served = json.loads(json.dumps(jwks_document([with_status(record, "retired")])))
    entry = served["keys"][0]
    assert {"status", "not_before", "retired_at"} <= entry.keys()
    assert jwt.decode(token, jwt.PyJWK(entry), algorithms=["EdDSA"]) == payload
    key_set = jwt.PyJWKSet.from_dict(served)
    kid = jwt.get_unverified_header(token)["kid"]
    assert jwt.decode(token, key_set[kid], algorithms=["EdDSA"]) == payload


@joserfc_deprecation
def test_joserfc_verifies_with_the_served_jwks(
    signer: Ed25519Signer, record: KeyRecord, payload: dict[str, Any]
) -> None:
    token = sign_credential(signer, payload)
    served = json.loads(json.dumps(jwks_document([record])))
    key_set = KeySet.import_key_set(served)
    decoded = jose_jwt.decode(token, key_set, algorithms=["EdDSA"])
    jose_jwt.JWTClaimsRegistry().validate(decoded.claims)
    assert decoded.claims == payload
    assert decoded.header["kid"] == signer.kid
    compact = jws.deserialize_compact(token, key_set, algorithms=["EdDSA"])
    assert compact.payload == rfc8785.dumps(payload)


def test_a_flipped_payload_byte_is_refused(
    signer: Ed25519Signer, record: KeyRecord, payload: dict[str, Any]
) -> None:
    header, body, signature = parts(sign_credential(signer, payload))
    raw = bytearray(b64url_decode(body))
    raw[len(raw) // 2] ^= 0x01
    with pytest.raises(BadSignatureError, match=f"does not verify under key {signer.kid}"):
        verify_credential(f"{header}.{b64url_encode(bytes(raw))}.{signature}", [record])


def test_a_flipped_signature_byte_is_refused(
    signer: Ed25519Signer, record: KeyRecord, payload: dict[str, Any]
) -> None:
    header, body, signature = parts(sign_credential(signer, payload))
    raw = bytearray(b64url_decode(signature))
    raw[0] ^= 0x80
    with pytest.raises(BadSignatureError):
        verify_credential(f"{header}.{body}.{b64url_encode(bytes(raw))}", [record])


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_single_character_change_is_refused(
    signer: Ed25519Signer, record: KeyRecord, payload: dict[str, Any], data: st.DataObject
) -> None:
    token = sign_credential(signer, payload)
    at = data.draw(st.integers(0, len(token) - 1))
    char = data.draw(st.characters(codec="ascii").filter(lambda c: c != token[at]))
    with pytest.raises(CredentialError):
        verify_credential(token[:at] + char + token[at + 1 :], [record])


def test_unknown_kid_is_refused(signer: Ed25519Signer, payload: dict[str, Any]) -> None:
    token = sign_credential(signer, payload)
    other = Ed25519Signer.generate()
    other_record = KeyRecord(other.kid, public_x(other.public_key()), "active", None)
    with pytest.raises(UnknownKeyError) as caught:
        verify_credential(token, [other_record])
    assert str(caught.value) == f"credential signed by unknown key id '{signer.kid}'"
    with pytest.raises(UnknownKeyError, match="no keys were given"):
        verify_credential(token, [])


def test_a_retired_key_still_verifies(
    signer: Ed25519Signer, record: KeyRecord, payload: dict[str, Any]
) -> None:
    token = sign_credential(signer, payload)
    verified = verify_credential(token, [with_status(record, "retired")])
    assert verified.key_status == "retired"


def test_a_compromised_key_is_refused_unless_logged_before(
    signer: Ed25519Signer, record: KeyRecord, payload: dict[str, Any]
) -> None:
    token = sign_credential(signer, payload)
    keys = [with_status(record, "compromised")]
    with pytest.raises(CompromisedKeyError, match="compromised at 2026-09-01T00:00:00Z"):
        verify_credential(token, keys)
    with pytest.raises(CompromisedKeyError, match="not before the compromise"):
        verify_credential(token, keys, logged_at=COMPROMISED_AT)
    with pytest.raises(CompromisedKeyError):
        verify_credential(token, keys, logged_at=COMPROMISED_AT + timedelta(days=1))
    before = COMPROMISED_AT - timedelta(microseconds=1)
    assert verify_credential(token, keys, logged_at=before).key_status == "compromised"


def test_a_compromised_key_with_a_bad_signature_is_a_bad_signature(
    signer: Ed25519Signer, record: KeyRecord, payload: dict[str, Any]
) -> None:
    header, body, _ = parts(sign_credential(signer, payload))
    forged = b64url_encode(Ed25519Signer.generate().sign(f"{header}.{body}".encode()))
    with pytest.raises(BadSignatureError):
        verify_credential(f"{header}.{body}.{forged}", [with_status(record, "compromised")])


def test_naive_logged_at_is_refused(
    signer: Ed25519Signer, record: KeyRecord, payload: dict[str, Any]
) -> None:
    with pytest.raises(CredentialError, match="logged_at has no time zone"):
        verify_credential(
            sign_credential(signer, payload), [record], logged_at=datetime(2026, 1, 1)
        )


def forge(
    signer: Ed25519Signer, header: dict[str, Any] | bytes, body: dict[str, Any] | bytes
) -> str:
    """A token signed correctly over arbitrary header and payload bytes."""
    raw = [
        part if isinstance(part, bytes) else json.dumps(part).encode() for part in (header, body)
    ]
    signing_input = f"{b64url_encode(raw[0])}.{b64url_encode(raw[1])}"
    return f"{signing_input}.{b64url_encode(signer.sign(signing_input.encode()))}"


def good_header(signer: Ed25519Signer, **changes: Any) -> dict[str, Any]:
    header = {"alg": "EdDSA", "typ": "vc+jwt", "cty": "vc", "kid": signer.kid, **changes}
    return {name: value for name, value in header.items() if value is not None}


@pytest.mark.parametrize(
    ("header_changes", "message"),
    [
        ({"alg": "none"}, "header alg is 'none'; expected 'EdDSA'"),
        ({"alg": "Ed25519"}, "header alg is 'Ed25519'"),
        ({"alg": None}, "header alg is None"),
        ({"typ": "JWT"}, "header typ is 'JWT'; expected 'vc+jwt'"),
        ({"kid": None}, "header has no key id"),
        ({"kid": 7}, "header has no key id"),
        ({"crit": ["b64"], "b64": False}, "'crit'"),
    ],
)
def test_headers_are_checked(
    signer: Ed25519Signer,
    record: KeyRecord,
    payload: dict[str, Any],
    header_changes: dict[str, Any],
    message: str,
) -> None:
    with pytest.raises(CredentialError, match=re.escape(message)):
        verify_credential(forge(signer, good_header(signer, **header_changes), payload), [record])


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"[1, 2]", "payload is not a JSON object"),
        (b"\xff\xfe", "payload is not UTF-8"),
        (b'{"a": NaN}', "payload is not JSON: NaN"),
        (b'{"iss": 1, "iss": 2}', "member 'iss' appears twice"),
        (b"[" * 100_000 + b"]" * 100_000, "payload is nested too deeply"),
        (b'{"issuer": "https://a", "iss": "https://b", "id": "x", "jti": "x"}', "iss is"),
        (b'{"issuer": "https://a", "iss": "https://a", "id": "x", "jti": "y"}', "jti is 'y'"),
        (b'{"iss": "https://a", "id": "x", "jti": "x"}', "payload has no 'issuer'"),
        (b'{"issuer": "https://a", "iss": "https://a"}', "payload has no 'id'"),
    ],
)
def test_payloads_are_checked(
    signer: Ed25519Signer, record: KeyRecord, body: bytes, message: str
) -> None:
    with pytest.raises(CredentialError, match=message):
        verify_credential(forge(signer, good_header(signer), body), [record])


def test_issuer_may_be_an_object_with_an_id(
    signer: Ed25519Signer, record: KeyRecord, payload: dict[str, Any]
) -> None:
    payload["issuer"] = {"id": payload["iss"], "name": "Registry"}
    assert verify_credential(sign_credential(signer, payload), [record]).payload == payload


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("", "1 part(s)"),
        ("a.b", "2 part(s)"),
        ("a.b.c.d.e", "5 part(s)"),
        ("e30=.e30.", "header is not base64url"),
        ("e30.e30.", "header alg is None"),
        ("!!.e30.", "header is not base64url"),
    ],
)
def test_malformed_tokens_are_credential_errors(
    record: KeyRecord, token: str, message: str
) -> None:
    with pytest.raises(CredentialError, match=re.escape(message)):
        verify_credential(token, [record])


def test_a_short_signature_is_named(
    signer: Ed25519Signer, record: KeyRecord, payload: dict[str, Any]
) -> None:
    header, body, signature = parts(sign_credential(signer, payload))
    with pytest.raises(BadSignatureError, match="has 63 bytes; Ed25519 signatures have 64"):
        verify_credential(
            f"{header}.{body}.{b64url_encode(b64url_decode(signature)[:63])}", [record]
        )


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text())
def test_arbitrary_text_raises_only_credential_errors(record: KeyRecord, token: str) -> None:
    with pytest.raises(CredentialError):
        verify_credential(token, [record])


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    header=st.one_of(
        json_values,
        st.fixed_dictionaries(
            {"alg": st.just("EdDSA"), "typ": st.just("vc+jwt"), "kid": st.text(max_size=5)}
        ),
    ),
    body=st.one_of(json_values, st.binary(max_size=40)),
    signature=st.binary(max_size=70),
)
def test_arbitrary_well_encoded_parts_raise_only_credential_errors(
    record: KeyRecord, header: object, body: object, signature: bytes
) -> None:
    encoded = [
        b64url_encode(part if isinstance(part, bytes) else json.dumps(part).encode())
        for part in (header, body, signature)
    ]
    with pytest.raises(CredentialError):
        verify_credential(".".join(encoded), [record])


def test_signing_refuses_what_verification_would(
    signer: Ed25519Signer, payload: dict[str, Any]
) -> None:
    for claim in ("exp", "nbf"):
        with pytest.raises(CredentialError, match=f"has '{claim}'"):
            sign_credential(signer, {**payload, claim: 1})
    with pytest.raises(CredentialError, match="iss is"):
        sign_credential(signer, {**payload, "iss": "https://elsewhere.example"})
    with pytest.raises(CredentialError, match="not canonical JSON"):
        sign_credential(signer, {**payload, "score": float("nan")})
    with pytest.raises(CredentialError, match="not canonical JSON"):
        sign_credential(signer, {**payload, "big": 2**60})


class LyingSigner:
    """A signer whose signatures do not match its public key, like a misconfigured HSM."""

    def __init__(self) -> None:
        self._real, self._other = Ed25519Signer.generate(), Ed25519Signer.generate()

    @property
    def kid(self) -> Any:
        return self._real.kid

    def sign(self, data: bytes) -> bytes:
        return self._other.sign(data)

    def public_key(self) -> Any:
        return self._real.public_key()


def test_a_faulty_signer_cannot_issue(payload: dict[str, Any]) -> None:
    with pytest.raises(BadSignatureError, match="its own public key does not verify"):
        sign_credential(LyingSigner(), payload)
