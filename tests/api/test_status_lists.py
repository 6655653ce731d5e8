"""W3C Bitstring Status List v1.0: the lists read by the specification's own algorithm
(tests/support/bitstring.py), on the specification's example and on the registry's
lists, with every suspension, reinstatement and withdrawal seen at the next request."""

from __future__ import annotations

import base64
import json
import random
from typing import Any

import jwt
import pytest
import sqlalchemy as sa

from registry.bootstrap import Services
from registry.domain.bitstring import LIST_SIZE, encode
from tests.support.bitstring import expand, set_bits, status_bit, unverified_payload
from tests.support.world import World

# The example of §2.2 (BitstringStatusListCredential), copied from the specification's
# source (github.com/w3c/vc-bitstring-status-list, index.html), with the index of its
# BitstringStatusListEntry example.
SPEC_ENCODED_LIST = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"
SPEC_INDEX = 94567
ISSUER = "https://registry.test"


def test_the_specification_example_reads_as_an_empty_list_of_131072() -> None:
    bits = expand(SPEC_ENCODED_LIST)
    assert len(bits) * 8 == 131_072
    assert status_bit(bits, SPEC_INDEX) == 0 and set_bits(bits) == []


def test_written_lists_read_back_by_the_specification_algorithm() -> None:
    chosen = [*random.Random(7).sample(range(LIST_SIZE), 300), 0, 7, 8, LIST_SIZE - 1]
    encoded = encode(chosen)
    assert encoded.startswith("u") and "=" not in encoded
    assert set_bits(expand(encoded)) == sorted(set(chosen))
    assert encode([]) == encode(()), "one list, one encoding"
    with pytest.raises(ValueError, match="outside"):
        encode([LIST_SIZE])


def _list(world: World, url: str) -> tuple[Any, dict[str, Any]]:
    path = url.removeprefix(ISSUER)
    response = world.client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/vc+jwt")
    jwks = world.client.get("/.well-known/jwks.json").json()
    claims = jwt.decode(response.text, jwt.PyJWK(jwks["keys"][0]), algorithms=["EdDSA"])
    return response, claims


def _bit(world: World, entry: dict[str, Any]) -> int:
    _, claims = _list(world, entry["statusListCredential"])
    subject = claims["credentialSubject"]
    assert subject["statusPurpose"] == entry["statusPurpose"]
    assert claims["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    return status_bit(expand(subject["encodedList"]), int(entry["statusListIndex"]))


def _entries(world: World, code: str) -> dict[str, dict[str, Any]]:
    token = world.client.get(f"/api/v1/certificates/{code}/credential").text
    status = unverified_payload(token)["credentialStatus"]
    return {entry["statusPurpose"]: entry for entry in status}


def test_suspension_reinstatement_and_withdrawal_flip_the_bits_at_the_next_request(
    world: World,
) -> None:
    code = world.certify()
    other = world.certify(
        organisation={
            "legal_name": "Boeken B.V.",
            "country": "NL",
            "registration_number": "87654321",
        },
        domains=["boeken.example"],
    )
    entries = _entries(world, code)
    assert set(entries) == {"revocation", "suspension"}
    for purpose, entry in entries.items():
        assert entry["type"] == "BitstringStatusListEntry"
        assert entry["statusListCredential"] == f"{ISSUER}/status/1/{purpose}"
        assert entry["id"] == f"{entry['statusListCredential']}#{entry['statusListIndex']}"
        assert _bit(world, entry) == 0
    assert entries["revocation"]["statusListIndex"] == entries["suspension"]["statusListIndex"]
    assert (
        _entries(world, other)["revocation"]["statusListIndex"]
        != entries["revocation"]["statusListIndex"]
    )

    first, _ = _list(world, entries["suspension"]["statusListCredential"])
    cached = world.client.get(
        "/status/1/suspension", headers={"if-none-match": first.headers["etag"]}
    )
    assert cached.status_code == 304 and first.headers["cache-control"] == "public, no-cache"

    def act(action: str, token: str) -> None:
        done = world.post(
            f"/api/v1/certificates/{code}/{action}",
            token,
            {"reason": "a reason the public may read"},
        )
        assert done.status_code == 200, done.text

    act("suspend", world.admin)
    assert (_bit(world, entries["suspension"]), _bit(world, entries["revocation"])) == (1, 0)
    changed = world.client.get(
        "/status/1/suspension", headers={"if-none-match": first.headers["etag"]}
    )
    assert changed.status_code == 200, "a changed list is never answered 304"
    act("reinstate", world.admin2)
    assert (_bit(world, entries["suspension"]), _bit(world, entries["revocation"])) == (0, 0)
    act("withdraw", world.admin)
    assert _bit(world, entries["revocation"]) == 1
    assert _bit(world, _entries(world, other)["revocation"]) == 0
    assert _entries(world, code) == entries, "withdrawal keeps the credential and its index"


def test_unknown_lists_are_404(world: World) -> None:
    world.certify()
    assert world.client.get("/status/2/revocation").status_code == 404
    missing = world.client.get("/status/1/expiry")
    assert missing.status_code == 404 and "revocation and suspension" in missing.text
    assert world.client.head("/status/1/revocation").status_code == 200


def test_reissue_keeps_id_validity_subject_and_index_and_the_proof_follows(
    world: World, service: Services
) -> None:
    code = world.certify()
    old_token = world.client.get(f"/api/v1/certificates/{code}/credential").text
    old = unverified_payload(old_token)
    engine = sa.create_engine(service.uow.settings.database_url)
    with engine.begin() as connection:  # a credential from before the lists
        connection.execute(sa.text("DELETE FROM status_entry"))
    engine.dispose()
    assert (
        world.post(
            f"/api/v1/certificates/{code}/withdraw",
            world.admin,
            {"reason": "certificate withdrawn by the body"},
        ).status_code
        == 200
    )

    assert service.certificates.reissue_without_status() == [code]
    assert service.certificates.reissue_without_status() == [], "reissued once"
    token = world.client.get(f"/api/v1/certificates/{code}/credential").text
    new = unverified_payload(token)
    assert token != old_token
    for claim in ("id", "jti", "validFrom", "validUntil", "credentialSubject", "issuer"):
        assert new[claim] == old[claim], claim
    (revocation,) = [e for e in new["credentialStatus"] if e["statusPurpose"] == "revocation"]
    assert _bit(world, revocation) == 1, "a withdrawn certificate's reissue is revoked"

    history = world.client.get(f"/api/v1/certificates/{code}").json()["history"]
    assert [h["type"] for h in history][-1] == "credential.reissued"
    proof = world.client.get(f"/api/v1/certificates/{code}/proof").text
    (extra,) = [line.split(" ", 1)[1] for line in proof.splitlines() if line.startswith("extra ")]
    entry = json.loads(base64.b64decode(extra))
    assert entry["type"] == "credential.reissued", "the proof is of the newest credential's entry"
    assert entry["data"]["credential"] == token
