"""The end-to-end path of DESIGN.md through the API, on SQLite and PostgreSQL."""

from __future__ import annotations

import jwt
from joserfc import jws
from joserfc.jwk import KeySet

from tests.support.people import own_token_of
from tests.support.world import World, bearer


def test_issue_verify_suspend_reinstate_withdraw(world: World) -> None:
    code = world.certify()
    client = world.client

    certificate = client.get(f"/api/v1/certificates/{code}").json()
    assert certificate["status"] == "valid"
    assert certificate["holder"]["registration_number"] == "12345678"
    assert certificate["scheme"]["slug"] == "webwinkel" and certificate["scheme_version"] == 1
    assert [f["criterion"] for f in certificate["findings"]] == [
        "WS-1.1",
        "WS-2.1",
        "WS-3.1",
        "WS-4.1",
    ]
    assert {f["dimension"] for f in certificate["findings"]} == {
        "integrity",
        "competence",
        "reliability",
        "benevolence",
    }
    assert {d["domain"] for d in certificate["domains"]} == {
        "www.fietsen.example",
        "fietsen-outlet.example",
    }
    assert (
        certificate["valid_from"].endswith("Z")
        and certificate["valid_until"] == "2027-06-01T00:00:00Z"
    )
    assert [h["type"] for h in certificate["history"]] == ["issued"]

    credential = client.get(f"/api/v1/certificates/{code}/credential")
    assert credential.headers["content-type"].startswith("application/vc+jwt")
    token = credential.text
    jwks = client.get("/.well-known/jwks.json").json()
    (entry,) = jwks["keys"]
    assert "alg" not in entry and entry["status"] == "active"

    claims = jwt.decode(token, jwt.PyJWK(entry), algorithms=["EdDSA"])
    assert claims["credentialSubject"]["certificate"] == code
    assert claims["iss"] == claims["issuer"] == "https://registry.test"
    assert "exp" not in claims and "nbf" not in claims
    assert jwt.get_unverified_header(token) == {
        "alg": "EdDSA",
        "typ": "vc+jwt",
        "cty": "vc",
        "kid": entry["kid"],
    }
    verified = jws.deserialize_compact(token, KeySet.import_key_set(jwks), algorithms=["EdDSA"])
    assert verified.headers()["kid"] == entry["kid"]

    suspended = world.post(
        f"/api/v1/certificates/{code}/suspend", world.admin, {"reason": "complaints not handled"}
    )
    assert suspended.status_code == 200, suspended.text
    public = client.get(f"/api/v1/certificates/{code}").json()
    assert (public["status"], public["status_reason"]) == ("suspended", "complaints not handled")

    reinstated = world.post(
        f"/api/v1/certificates/{code}/reinstate", world.admin2, {"reason": "complaints resolved"}
    )
    assert reinstated.status_code == 200
    assert client.get(f"/api/v1/certificates/{code}").json()["status"] == "valid"

    withdrawn = world.post(
        f"/api/v1/certificates/{code}/withdraw", world.admin, {"reason": "fraud established"}
    )
    assert withdrawn.status_code == 200
    public = client.get(f"/api/v1/certificates/{code}").json()
    assert (public["status"], public["status_reason"]) == ("withdrawn", "fraud established")
    assert [h["type"] for h in public["history"]] == [
        "issued",
        "suspended",
        "reinstated",
        "withdrawn",
    ]

    again = world.post(
        f"/api/v1/certificates/{code}/reinstate", world.admin, {"reason": "try to undo"}
    )
    assert again.status_code == 409
    assert "withdrawn" in again.json()["detail"]


def test_lists_filter_and_page(world: World) -> None:
    first = world.certify()
    second = world.certify(
        organisation={"legal_name": "Boeken B.V.", "registration_number": "87654321"},
        domains=["boeken.example"],
    )
    world.post(f"/api/v1/certificates/{second}/suspend", world.admin, {"reason": "audit overdue"})
    client = world.client

    page = client.get("/api/v1/certificates", params={"limit": 1}).json()
    assert [c["code"] for c in page["items"]] == [first] and page["next"]
    rest = client.get("/api/v1/certificates", params={"limit": 1, "cursor": page["next"]}).json()
    assert [c["code"] for c in rest["items"]] == [second] and rest["next"] is None

    assert [
        c["code"] for c in client.get("/api/v1/certificates?status=suspended").json()["items"]
    ] == [second]
    assert [c["code"] for c in client.get("/api/v1/certificates?status=valid").json()["items"]] == [
        first
    ]
    assert [
        c["code"]
        for c in client.get("/api/v1/certificates?domain=WWW.Boeken.example").json()["items"]
    ] == [second]
    assert [
        c["code"]
        for c in client.get("/api/v1/certificates?domain=https://fietsen.example/x").json()["items"]
    ] == [first]
    assert [
        c["code"] for c in client.get("/api/v1/certificates?organisation=8765.4321").json()["items"]
    ] == [second]
    assert client.get("/api/v1/certificates?scheme=nope").json()["items"] == []
    assert len(client.get("/api/v1/certificates?scheme=webwinkel").json()["items"]) == 2

    schemes = client.get("/api/v1/schemes").json()
    assert schemes[0]["slug"] == "webwinkel" and schemes[0]["certificates_valid"] == 1
    assert len(schemes[0]["versions"][0]["criteria"]) == 4
    bodies = client.get("/api/v1/bodies").json()
    assert bodies[0]["accreditations"][0]["schemes"] == ["webwinkel"]


def test_expiry_follows_the_clock_and_the_sweep_records_it(world: World, clock, service) -> None:  # type: ignore[no-untyped-def]
    code = world.certify()
    valid_until = world.client.get(f"/api/v1/certificates/{code}").json()["valid_until"]
    assert valid_until == "2027-06-01T00:00:00Z"
    clock.advance(
        days=364, hours=11, minutes=59, seconds=59
    )  # one second before midnight, 1 June 2027
    assert world.client.get(f"/api/v1/certificates/{code}").json()["status"] == "valid"
    clock.advance(seconds=1)  # now == valid_until: expired, before any sweep ran
    public = world.client.get(f"/api/v1/certificates/{code}").json()
    assert public["status"] == "expired" and public["history"][-1]["type"] == "issued"
    assert service.certificates.expire_due() == [code]
    public = world.client.get(f"/api/v1/certificates/{code}").json()
    assert public["status"] == "expired" and public["history"][-1]["type"] == "expired"
    assert public["status_changed_at"] == valid_until
    assert service.certificates.expire_due() == []


def test_surveillance_adds_history_and_recertification_renews_same_code(
    world: World, clock
) -> None:  # type: ignore[no-untyped-def]
    code = world.certify()
    first_credential = world.client.get(f"/api/v1/certificates/{code}/credential").text
    clock.advance(days=180)
    world.today = clock.now.date()
    world.certify(type="surveillance", certificate=code)
    public = world.client.get(f"/api/v1/certificates/{code}").json()
    assert [h["type"] for h in public["history"]] == ["issued", "surveilled"]
    assert world.client.get(f"/api/v1/certificates/{code}/credential").text == first_credential

    clock.advance(days=170)
    world.today = clock.now.date()
    renewed_code = world.certify(type="recertification", certificate=code.lower().replace("-", " "))
    assert renewed_code == code
    public = world.client.get(f"/api/v1/certificates/{code}").json()
    assert [h["type"] for h in public["history"]] == ["issued", "surveilled", "renewed"]
    assert public["valid_until"] == "2028-05-17T00:00:00Z"
    assert world.client.get(f"/api/v1/certificates/{code}/credential").text != first_credential


def test_holder_declares_domains(world: World, service, staff_token: str) -> None:  # type: ignore[no-untyped-def]
    code = world.certify()
    holder = world.post(
        "/api/v1/organisations/NL/12345678/people",
        staff_token,
        {"name": "Henk Holder", "email": "henk@fietsen.example"},
    ).json()
    token = own_token_of(world.client)(holder["id"])
    added = world.post(
        f"/api/v1/certificates/{code}/domains", token, {"domain": "Fietsen-Winkel.example"}
    )
    # A declared domain is a claim: pending, binding nothing until control is proved.
    assert added.status_code == 201 and added.json()["state"] == "pending"
    domains = {
        d["domain"]: d["source"]
        for d in world.client.get(f"/api/v1/certificates/{code}").json()["domains"]
    }
    assert "fietsen-winkel.example" not in domains and domains["www.fietsen.example"] == "audited"
    removed = world.client.delete(
        f"/api/v1/certificates/{code}/domains/fietsen-outlet.example", headers=bearer(token)
    )
    assert removed.status_code == 204
    history = [
        h["type"] for h in world.client.get(f"/api/v1/certificates/{code}").json()["history"]
    ]
    assert history == ["issued", "domain_removed"]
    other = world.post(f"/api/v1/certificates/{code}/domains", world.admin, {"domain": "x.example"})
    assert other.status_code == 403


def test_certificate_json_is_conditional_and_never_outlives_a_change(world: World, clock) -> None:  # type: ignore[no-untyped-def]
    code = world.certify()
    first = world.client.get(f"/api/v1/certificates/{code}")
    etag = first.headers["etag"]
    assert first.headers["cache-control"] == "public, max-age=60"
    assert first.headers["content-type"] == "application/json"
    assert first.headers["content-length"] == str(len(first.content))
    assert first.headers["x-content-type-options"] == "nosniff"  # the app's security headers
    repeated = world.client.get(f"/api/v1/certificates/{code}")  # the kept answer, unchanged
    assert (repeated.content, repeated.headers) == (first.content, first.headers)
    again = world.client.get(f"/api/v1/certificates/{code}", headers={"if-none-match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag

    world.post(
        f"/api/v1/certificates/{code}/suspend", world.admin, {"reason": "complaints not handled"}
    )
    changed = world.client.get(f"/api/v1/certificates/{code}", headers={"if-none-match": etag})
    assert changed.status_code == 200 and changed.json()["status"] == "suspended"
    assert changed.headers["etag"] != etag

    world.post(
        f"/api/v1/certificates/{code}/reinstate", world.admin, {"reason": "complaints handled"}
    )
    clock.now = clock.now.replace(year=2027, month=5, day=31, hour=23, minute=59, second=30)
    near_expiry = world.client.get(f"/api/v1/certificates/{code}")
    assert near_expiry.headers["cache-control"] == "public, max-age=30"


def test_the_server_sweeps_expiries_by_itself(settings, clock, service, staff_token) -> None:  # type: ignore[no-untyped-def]
    """A server with a one-second sweep records an expiry without anyone asking."""
    import dataclasses
    import time as wall

    from litestar.testing import TestClient

    from registry.app import create_app
    from tests.support.world import build_world

    fast = dataclasses.replace(settings, sweep_interval_seconds=1)
    with TestClient(create_app(fast, clock=clock, keyring=service.uow.keyring)) as client:
        world = build_world(client, staff_token)
        code = world.certify()
        clock.advance(days=366)
        deadline = wall.monotonic() + 10
        while wall.monotonic() < deadline:
            history = client.get(f"/api/v1/certificates/{code}").json()["history"]
            if history[-1]["type"] == "expired":
                break
            wall.sleep(0.2)
        assert history[-1]["type"] == "expired"


def test_one_instant_has_one_rendering_in_the_api_and_the_credential(world: World, clock) -> None:  # type: ignore[no-untyped-def]
    import base64
    import json
    import re

    code = world.certify()
    clock.advance(days=350, microseconds=800_000)
    world.today = clock.now.date()
    world.certify(type="recertification", certificate=code)
    public = world.client.get(f"/api/v1/certificates/{code}").json()
    token = world.client.get(f"/api/v1/certificates/{code}/credential").text
    payload = token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    credential = claims.get("vc", claims)
    assert public["valid_from"] == credential["validFrom"]
    instants = re.findall(r'"(\d{4}-\d\d-\d\dT[^"]*)"', json.dumps(public))
    assert instants and all(
        re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", i) for i in instants
    ), instants
