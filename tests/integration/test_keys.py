"""Key rotation and compromise: what was signed stays verifiable, unless compromised."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import jwt
import pytest
from litestar.testing import TestClient

from registry.bootstrap import Services
from registry.signing import (
    CompromisedKeyError,
    Ed25519Signer,
    KeyRecord,
    UnknownKeyError,
    jwks_document,
    parse_jwks,
    public_jwk,
    verify_credential,
)
from tests.support.env import FakeClock
from tests.support.world import World


def _verify_with_pyjwt(token: str, jwks: dict[str, Any]) -> dict[str, Any]:
    kid = jwt.get_unverified_header(token)["kid"]
    entry = next(k for k in jwks["keys"] if k["kid"] == kid)
    claims: dict[str, Any] = jwt.decode(token, jwt.PyJWK(entry), algorithms=["EdDSA"])
    return claims


def test_rotation_keeps_old_credentials_verifiable(
    world: World, service: Services, clock: FakeClock
) -> None:
    client: TestClient[Any] = world.client
    old_code = world.certify()
    old_token = client.get(f"/api/v1/certificates/{old_code}/credential").text
    old_kid = jwt.get_unverified_header(old_token)["kid"]

    clock.advance(days=1)
    new_kid = service.transparency.rotate_keys()
    assert new_kid != old_kid
    new_code = world.certify(
        organisation={"legal_name": "Nieuw B.V.", "registration_number": "11112222"}
    )
    new_token = client.get(f"/api/v1/certificates/{new_code}/credential").text
    assert jwt.get_unverified_header(new_token)["kid"] == new_kid

    jwks = client.get("/.well-known/jwks.json").json()
    statuses = {k["kid"]: k["status"] for k in jwks["keys"]}
    assert statuses == {old_kid: "retired", new_kid: "active"}
    retired = next(k for k in jwks["keys"] if k["kid"] == old_kid)
    assert retired["retired_at"] == "2026-06-02T12:00:00Z" and "alg" not in retired
    assert _verify_with_pyjwt(old_token, jwks)["credentialSubject"]["certificate"] == old_code
    assert _verify_with_pyjwt(new_token, jwks)["credentialSubject"]["certificate"] == new_code
    records = parse_jwks(jwks)
    assert verify_credential(old_token, records).key_status == "retired"


def test_compromised_key_is_refused_by_the_registry_checks(
    world: World, service: Services, clock: FakeClock
) -> None:
    code = world.certify()
    token = world.client.get(f"/api/v1/certificates/{code}/credential").text
    kid = jwt.get_unverified_header(token)["kid"]
    issued_at = clock.now
    clock.advance(days=2)
    service.transparency.mark_compromised(kid, clock.now.replace(hour=0))

    jwks = world.client.get("/.well-known/jwks.json").json()
    entry = next(k for k in jwks["keys"] if k["kid"] == kid)
    assert entry["status"] == "compromised" and entry["compromised_at"] == "2026-06-03T00:00:00Z"
    assert sum(k["status"] == "active" for k in jwks["keys"]) == 1, (
        "a replacement key is active at once"
    )
    with pytest.raises(CompromisedKeyError, match="compromised"):
        verify_credential(token, parse_jwks(jwks))
    # logged before the compromise: still acceptable to the registry's own checks
    assert verify_credential(token, parse_jwks(jwks), logged_at=issued_at).kid == kid


def test_unknown_key_and_flipped_byte_are_refused(world: World) -> None:
    code = world.certify()
    token = world.client.get(f"/api/v1/certificates/{code}/credential").text
    jwks = world.client.get("/.well-known/jwks.json").json()
    header, payload, signature = token.split(".")
    flipped = payload[:10] + ("A" if payload[10] != "A" else "B") + payload[11:]
    with pytest.raises(jwt.InvalidSignatureError):
        _verify_with_pyjwt(f"{header}.{flipped}.{signature}", jwks)
    stranger = Ed25519Signer.generate()
    strangers_jwks = jwks_document(
        [
            KeyRecord(
                kid=stranger.kid,
                x=public_jwk(stranger.public_key())["x"],
                status="active",
                not_before=datetime(2026, 1, 1, tzinfo=UTC),
            )
        ]
    )
    with pytest.raises(UnknownKeyError, match="unknown key"):
        verify_credential(token, parse_jwks(strangers_jwks))
