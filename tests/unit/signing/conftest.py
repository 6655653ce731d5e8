"""Fixtures: a fresh key per test and a credential payload shaped like the real one."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from registry.signing import Ed25519Signer, KeyRecord
from registry.signing.keys import public_x

ISSUER = "https://registry.example"


@pytest.fixture
def signer() -> Ed25519Signer:
    return Ed25519Signer.generate()


@pytest.fixture
def record(signer: Ed25519Signer) -> KeyRecord:
    """The signer's key as an active JWKS record."""
    not_before = datetime(2026, 1, 1, tzinfo=UTC)
    return KeyRecord(signer.kid, public_x(signer.public_key()), "active", not_before)


@pytest.fixture
def payload() -> dict[str, Any]:
    """A VC 2.0 payload as the registry issues it: iss = issuer, jti = id, no exp/nbf."""
    credential_id = f"{ISSUER}/c/TL-2026-0001"
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", "TrustLabelCertificate"],
        "id": credential_id,
        "issuer": ISSUER,
        "validFrom": "2026-02-01T00:00:00Z",
        "validUntil": "2029-02-01T00:00:00Z",
        "credentialSubject": {
            "holder": {"name": "Winkel B.V.", "domains": ["winkel.example"]},
            "criteria": [{"code": "C1", "dimension": "integrity", "result": "pass"}],
            "auditor": "aud_7f3k",
        },
        "iss": ISSUER,
        "jti": credential_id,
        # Fixed and in the past: pyjwt refuses an iat in the future by default.
        "iat": 1_769_904_000,
    }
