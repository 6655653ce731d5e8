"""Golden files of the public contract: the OpenAPI document, a credential, the log's
entry bytes and the badge in every state, read over HTTP as a client reads them.

A change to any of them fails here with a diff; a deliberate change is written with
``REGISTRY_UPDATE_GOLDEN=1`` (tests/golden/README.md). The scenario runs on the test's
fixed clock, so times are compared as they are; what differs between runs (codes, ids,
keys, pseudonyms, digests over signed bytes) is replaced by placeholders first.
"""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from typing import Any

import rfc8785

from registry.bootstrap import Services
from tests.support.env import FakeClock
from tests.support.golden import Placeholders, match_golden, pretty_json
from tests.support.world import World

BADGE_QUERY = "size=small&theme=light&lang=en"


def _b64url(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def placeholders(world: World, codes: dict[str, str]) -> Placeholders:
    """The run's variable values, learnt from the public interface alone."""
    found = Placeholders()
    for role, code in codes.items():
        found.add(code, f"code {role}")
    for n, key in enumerate(world.client.get("/.well-known/jwks.json").json()["keys"]):
        found.add(key["kid"], f"kid {n}")
        found.add(key["x"], f"public key {n}")
    vkey = world.client.get("/log/vkey").text.strip()
    found.add(vkey.split("+", 2)[2], "log public key")
    found.add(vkey.split("+", 2)[1], "log key id")
    for role, code in codes.items():
        certificate = world.client.get(f"/api/v1/certificates/{code}").json()
        found.add(certificate["auditor"], "auditor pseudonym")
        for item in certificate["history"]:
            if item["assessment"]:
                found.add(item["assessment"], f"assessment {role}")
    return found


def scenario(world: World) -> dict[str, str]:
    """Certificates in each status a status change can give, and every change once."""
    codes = {role: world.certify() if role == "valid" else "" for role in ("valid",)}
    for role, number in (("suspended", "11112222"), ("withdrawn", "33334444")):
        codes[role] = world.certify(
            organisation={
                "legal_name": f"{role} B.V.",
                "country": "NL",
                "registration_number": number,
            },
            domains=[f"{role}.example"],
        )
    for code, action in [
        (codes["valid"], "suspend"),
        (codes["valid"], "reinstate"),
        (codes["suspended"], "suspend"),
        (codes["withdrawn"], "withdraw"),
    ]:
        answer = world.post(
            f"/api/v1/certificates/{code}/{action}", world.admin, {"reason": action}
        )
        assert answer.status_code == 200, answer.text
    return codes


def without_generated_examples(value: Any) -> Any:
    """The document with each generated example replaced by a placeholder: the framework
    draws example values at random (and times from the wall clock) in every process, so
    they are no part of the contract; the schemas they illustrate are."""
    if isinstance(value, dict):
        return {
            key: "<generated example>"
            if key in ("example", "examples")
            else without_generated_examples(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [without_generated_examples(item) for item in value]
    return value


def test_openapi_document_is_the_golden_one(world: World) -> None:
    response = world.client.get("/schema/openapi.json")
    assert response.status_code == 200
    match_golden("openapi.json", pretty_json(without_generated_examples(response.json())))


def test_credential_header_and_payload_are_the_golden_ones(world: World) -> None:
    codes = {"valid": world.certify()}
    response = world.client.get(f"/api/v1/certificates/{codes['valid']}/credential")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vc+jwt")
    header, payload, signature = response.text.split(".")
    assert len(_b64url(signature)) == 64  # Ed25519; checked against the key in tests/api
    names = placeholders(world, codes)
    decoded = {"header": json.loads(_b64url(header)), "payload": json.loads(_b64url(payload))}
    names.add(decoded["payload"]["jti"], "credential id (random UUID)")
    for entry in decoded["payload"]["credentialStatus"]:  # drawn at random, never reused
        names.add(entry["statusListIndex"], "status list index (random)")
    match_golden("credential.json", names.apply(pretty_json(decoded)))


def test_log_entry_bytes_of_each_event_type_are_the_golden_ones(world: World) -> None:
    codes = scenario(world)
    size = int(world.client.get("/log/checkpoint").text.splitlines()[1])
    entries = world.client.get(f"/api/v1/log/entries?start=0&end={size}").json()["items"]
    first_of_type: dict[str, str] = {}
    for item in entries:
        text: str = item["entry"]
        document: dict[str, Any] = json.loads(text)
        # The bytes are RFC 8785 canonical JSON: parsing and canonicalising gives them back.
        assert rfc8785.dumps(document) == text.encode("utf-8"), text
        first_of_type.setdefault(document["type"], text)
    names = placeholders(world, codes)
    for text in first_of_type.values():
        data = json.loads(text)["data"]
        # The issued credential is signed with the run's key: its exact text is in
        # credential.json's test; here only its place in the entry is fixed.
        names.add(data.get("credential", ""), "signed credential, compact JWS")
        names.add(data.get("kid", ""), "key id")
        names.add(data.get("x", ""), "public key")
    lines = [names.apply(first_of_type[type_]) for type_ in sorted(first_of_type)]
    match_golden("log-entries.txt", "\n".join(lines) + "\n")


def test_badge_in_every_state_is_the_golden_one(
    world: World, clock: FakeClock, service: Services
) -> None:
    codes = scenario(world)
    names = placeholders(world, codes)

    def badge(code: str, **headers: str) -> str:
        response = world.client.get(f"/badge/{code}.svg?{BADGE_QUERY}", headers=headers)
        assert response.headers["content-type"].startswith("image/svg+xml")
        return names.apply(response.text)

    shown = {
        "valid": badge(codes["valid"]),
        "suspended": badge(codes["suspended"]),
        "withdrawn": badge(codes["withdrawn"]),
        "not-found": badge("KM-0000-0000"),
        "foreign": badge(codes["valid"], Referer="https://elsewhere.example/shop"),
    }
    # A key compromise: the valid certificate's credential is being replaced.
    kid = world.client.get(f"/api/v1/certificates/{codes['valid']}").json()["credential_kid"]
    clock.advance(minutes=1)
    service.transparency.mark_compromised(kid, clock.now - timedelta(hours=1))
    shown["signature-being-replaced"] = badge(codes["valid"])
    valid_until = world.client.get(f"/api/v1/certificates/{codes['valid']}").json()["valid_until"]
    clock.advance(days=400)
    assert clock.now.isoformat() > valid_until
    shown["expired"] = badge(codes["valid"])
    for state, svg in shown.items():
        match_golden(f"badges/{state}-small-light-en.svg", svg)
