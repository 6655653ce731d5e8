"""The demo's credentials as tools nobody here wrote read them: the status lists by the
specification's algorithm, the claims by two JSON-LD processors (pyld, and jsonld.js in
safe mode), the keys from the issuer metadata (pyjwt)."""

from __future__ import annotations

from typing import Any

import jwt
from litestar.testing import TestClient

from registry.app import create_app
from registry.cli import main
from registry.config import Settings
from tests.support.bitstring import expand, status_bit
from tests.support.jsonld import (
    ISSUER_DEPENDENT,
    jsonld_js_expand,
    node_types,
    offline_contexts,
    predicates,
    pyld_expand,
)

SUBJECT = "https://www.w3.org/2018/credentials#credentialSubject"


def test_every_demo_credential_for_generic_verifiers(
    env: dict[str, str], settings: Settings
) -> None:
    assert main(["demo"]) == 0
    with TestClient(create_app(settings)) as client:
        metadata = client.get("/.well-known/jwt-vc-issuer").json()
        issuer = metadata["issuer"]
        assert issuer == settings.public_url
        keys = client.get(metadata["jwks_uri"].removeprefix(issuer)).json()["keys"]
        context_response = client.get("/ns/v1")
        assert context_response.headers["content-type"] == "application/ld+json"
        contexts = offline_contexts({f"{issuer}/ns/v1": context_response.json()})
        lists: dict[str, bytes] = {}

        def bit(entry: dict[str, Any]) -> int:
            url = entry["statusListCredential"]
            if url not in lists:
                token = client.get(url.removeprefix(issuer)).text
                claims = jwt.decode(token, jwt.PyJWK(_key(keys, token)), algorithms=["EdDSA"])
                assert claims["credentialSubject"]["statusPurpose"] == entry["statusPurpose"]
                lists[url] = expand(claims["credentialSubject"]["encodedList"])
            return status_bit(lists[url], int(entry["statusListIndex"]))

        certificates = client.get("/api/v1/certificates?limit=200").json()["items"]
        assert len(certificates) == 38
        credentials = []
        seen_status: dict[str, set[tuple[int, int]]] = {}
        for certificate in certificates:
            code = certificate["code"]
            token = client.get(f"/api/v1/certificates/{code}/credential").text
            payload = jwt.decode(token, jwt.PyJWK(_key(keys, token)), algorithms=["EdDSA"])
            assert payload["@context"] == [
                "https://www.w3.org/ns/credentials/v2",
                f"{issuer}/ns/v1",
            ]
            bits = {e["statusPurpose"]: bit(e) for e in payload["credentialStatus"]}
            status = certificate["status"]
            assert bits["revocation"] == (status == "withdrawn"), (code, status, bits)
            if status in ("valid", "suspended"):
                assert bits["suspension"] == (status == "suspended"), (code, status, bits)
            seen_status.setdefault(status, set()).add((bits["revocation"], bits["suspension"]))
            credentials.append(payload)
    assert {"valid", "suspended", "withdrawn", "expired"} <= set(seen_status)

    namespace = f"{issuer}/ns/v1#"
    for payload in credentials:
        (expanded,) = pyld_expand(payload, contexts)
        assert not [p for p in predicates(expanded) if p.startswith(ISSUER_DEPENDENT)]
        assert not [t for t in node_types(expanded) if t.startswith(ISSUER_DEPENDENT)]
        claims = predicates(expanded[SUBJECT])
        assert len(claims) >= 20 and all(p.startswith(namespace) for p in claims), claims
        assert f"{namespace}TrustLabelCertificate" in expanded["@type"]
    for expanded in jsonld_js_expand(credentials, contexts):
        assert not [p for p in predicates(expanded) if p.startswith(ISSUER_DEPENDENT)]


def _key(keys: list[dict[str, Any]], token: str) -> dict[str, Any]:
    kid = jwt.get_unverified_header(token)["kid"]
    (found,) = [key for key in keys if key["kid"] == kid]
    return found


def test_the_context_defines_every_term_under_the_issuer_and_never_moves(
    env: dict[str, str], settings: Settings
) -> None:
    assert main(["init"]) == 0
    moved = Settings(**{**settings.__dict__, "public_url": "http://127.0.0.1:8765"})
    with TestClient(create_app(moved)) as client:
        response = client.get("/ns/v1")
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert response.headers["access-control-allow-origin"] == "*"
        document = response.json()
        assert document["@context"]["@protected"] is True
        from registry.discovery.context import defined_iris

        iris = defined_iris(document)
        assert iris and all(i.startswith("https://registry.test/ns/v1#") for i in iris)
        assert client.get("/.well-known/jwt-vc-issuer").json()["issuer"] == "https://registry.test"
        assert client.head("/ns/v1").status_code == 200
        assert client.head("/ns/v1").content == b""
