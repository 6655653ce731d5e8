"""Key discovery for generic verifiers: the issuer metadata never offers a compromised
key, and the JWKS is a cacheable, conditional ``application/jwk-set+json``."""

from __future__ import annotations

from registry.bootstrap import Services
from tests.support.env import FakeClock
from tests.support.world import World


def test_issuer_metadata_names_the_usable_keys_only(
    world: World, service: Services, clock: FakeClock
) -> None:
    client = world.client
    metadata = client.get("/.well-known/jwt-vc-issuer").json()
    assert metadata == {
        "issuer": "https://registry.test",
        "jwks_uri": "https://registry.test/jwks/usable.json",
    }
    (first,) = client.get("/jwks/usable.json").json()["keys"]
    second = service.transparency.rotate_keys()
    clock.advance(minutes=1)
    service.transparency.mark_compromised(first["kid"], clock())
    usable = {k["kid"] for k in client.get("/jwks/usable.json").json()["keys"]}
    assert usable == {second}, "a compromised key is never offered as usable"
    everything = client.get("/.well-known/jwks.json")
    statuses = {k["kid"]: k["status"] for k in everything.json()["keys"]}
    assert statuses == {first["kid"]: "compromised", second: "active"}
    assert everything.headers["content-type"] == "application/jwk-set+json"
    assert everything.headers["cache-control"] == "public, max-age=300"
    again = client.get(
        "/.well-known/jwks.json", headers={"if-none-match": everything.headers["etag"]}
    )
    assert again.status_code == 304
