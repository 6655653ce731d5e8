"""The JWKS: members as the contract lists them, and strict reading."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.signing import (
    Ed25519Signer,
    InvalidJwksError,
    KeyRecord,
    jwks_document,
    parse_jwks,
)
from registry.signing.keys import public_x

T0 = datetime(2026, 1, 1, tzinfo=UTC)
T1 = datetime(2026, 6, 1, 12, 30, tzinfo=UTC)
T2 = datetime(2026, 11, 28, 14, tzinfo=UTC)


def make(status: str = "active", **times: datetime | None) -> KeyRecord:
    signer = Ed25519Signer.generate()
    return KeyRecord(
        signer.kid,
        public_x(signer.public_key()),
        status,  # type: ignore[arg-type]  # statuses are checked at run time too
        times.pop("not_before", T0),
        **times,
    )


def test_entries_have_exactly_the_members_that_apply() -> None:
    active, retired = make(), make("retired", retired_at=T1)
    compromised = make("compromised", retired_at=T1, compromised_at=T2)
    keys = jwks_document([active, retired, compromised])["keys"]
    assert keys[0] == {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": active.x,
        "kid": active.kid,
        "use": "sig",
        "status": "active",
        "not_before": "2026-01-01T00:00:00Z",
    }
    assert keys[1]["status"] == "retired"
    assert keys[1]["retired_at"] == "2026-06-01T12:30:00Z"
    assert "compromised_at" not in keys[1]
    assert keys[2]["compromised_at"] == "2026-11-28T14:00:00Z"
    assert all("alg" not in key for key in keys)


def test_parse_round_trip() -> None:
    records = [
        make(),
        make("retired", retired_at=T1),
        make("compromised", compromised_at=T2),
        make("compromised", retired_at=T1, compromised_at=T2),
    ]
    assert parse_jwks(jwks_document(records)) == records


@given(
    status=st.sampled_from(["active", "retired", "compromised"]),
    times=st.lists(st.datetimes(timezones=st.just(UTC)), min_size=3, max_size=3),
)
def test_parse_round_trip_any_time(status: str, times: list[datetime]) -> None:
    not_before, retired_at, compromised_at = (t.replace(microsecond=0) for t in times)
    record = make(
        status,
        not_before=not_before,
        retired_at=retired_at if status == "retired" else None,
        compromised_at=compromised_at if status == "compromised" else None,
    )
    assert parse_jwks(jwks_document([record])) == [record]


def test_plain_jwks_is_read_as_active_keys() -> None:
    signer = Ed25519Signer.generate()
    x = public_x(signer.public_key())
    plain = {"keys": [{"kty": "OKP", "crv": "Ed25519", "x": x, "alg": "EdDSA"}]}
    assert parse_jwks(plain) == [KeyRecord(signer.kid, x, "active", None)]


def test_record_refuses_a_kid_that_is_not_the_thumbprint() -> None:
    a, b = make(), make()
    with pytest.raises(InvalidJwksError, match="not the RFC 7638 thumbprint"):
        KeyRecord(a.kid, b.x, "active", T0)


@pytest.mark.parametrize(
    ("status", "retired_at", "compromised_at", "message"),
    [
        ("active", T1, None, "retired_at is required when retired, allowed when compromised"),
        ("retired", None, None, "retired_at is required"),
        ("compromised", None, None, "compromised_at is required"),
        ("retired", T1, T2, "compromised_at is required when compromised and only then"),
        ("lost", None, None, "has status 'lost'"),
    ],
)
def test_record_times_must_fit_the_status(
    status: str, retired_at: datetime | None, compromised_at: datetime | None, message: str
) -> None:
    with pytest.raises(InvalidJwksError, match=message):
        make(status, retired_at=retired_at, compromised_at=compromised_at)


def test_record_refuses_naive_times() -> None:
    with pytest.raises(InvalidJwksError, match="naive not_before"):
        make(not_before=datetime(2026, 1, 1))


def entry(**changes: Any) -> dict[str, Any]:
    base = jwks_document([make("retired", retired_at=T1)])["keys"][0]
    merged: dict[str, Any] = {**base, **changes}
    return {name: value for name, value in merged.items() if value is not None}


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "not a JSON object"),
        ({}, "no 'keys' array"),
        ({"keys": []}, "has no keys"),
        ({"keys": ["x"]}, "JWKS key 0 is not a JSON object"),
        ({"keys": [entry(kty="RSA")]}, "kty 'RSA'"),
        ({"keys": [entry(crv="Ed448")]}, "crv 'Ed448'"),
        ({"keys": [entry(d="c2VjcmV0")]}, "private key member 'd'"),
        ({"keys": [entry(x=None)]}, "has no 'x'"),
        ({"keys": [entry(x=42)]}, "needs 'x' as a non-empty string"),
        ({"keys": [entry(kid="k1")]}, "not the RFC 7638 thumbprint"),
        ({"keys": [entry(use="enc")]}, "use 'enc'"),
        ({"keys": [entry(alg="RS256")]}, "alg 'RS256'"),
        ({"keys": [entry(status="revoked")]}, "status 'revoked'"),
        ({"keys": [entry(not_before=None)]}, "has no 'not_before'"),
        ({"keys": [entry(retired_at="2026-06-01T12:30:00+02:00")]}, "'retired_at': time"),
        ({"keys": [entry(status=None, not_before=None)]}, "has retired_at but no status"),
    ],
)
def test_parse_refuses_with_a_precise_message(document: object, message: str) -> None:
    with pytest.raises(InvalidJwksError, match=message):
        parse_jwks(document)


def test_parse_refuses_a_kid_listed_twice() -> None:
    twice = entry()
    with pytest.raises(InvalidJwksError, match="appears twice"):
        parse_jwks({"keys": [twice, dict(twice)]})


def test_private_member_values_never_reach_the_message() -> None:
    with pytest.raises(InvalidJwksError) as caught:
        parse_jwks({"keys": [entry(d="c2VjcmV0LWtleS1ieXRlcw")]})
    assert "c2VjcmV0" not in str(caught.value)
