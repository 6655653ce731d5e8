"""A holder's domain binds the badge only once control is proved, and stops binding when
proof lapses; a domain another organisation has waits for staff. Real DNS (dnslib) and a
real HTTPS site answer the checks."""

from __future__ import annotations

import dataclasses
import time as wall
from typing import Any

from litestar.testing import TestClient

from registry.app import create_app
from registry.bootstrap import Services
from registry.certificates.domain_checks import DomainChecker
from registry.config import Settings
from tests.support.dns_server import Zone
from tests.support.env import FakeClock
from tests.support.loops import run_apart
from tests.support.people import own_token_of
from tests.support.tls_site import Site
from tests.support.world import World, bearer, build_world

OTHER = {"legal_name": "Racefietsen B.V.", "country": "NL", "registration_number": "87654321"}


def _holder(
    world: World, staff: str, number: str = "12345678", email: str = "henk@fietsen.example"
) -> str:
    person = world.post(
        f"/api/v1/organisations/NL/{number}/people", staff, {"name": "Henk Holder", "email": email}
    )
    assert person.status_code == 201, person.text
    return own_token_of(world.client)(person.json()["id"])


def _badge_status(world: World, code: str, site: str) -> str:
    svg = world.client.get(
        f"/badge/{code}.svg", params={"lang": "en"}, headers={"Referer": f"https://{site}/"}
    ).text
    return "Not verified for this site" if "Not verified for this site" in svg else "bound"


def _search_codes(world: World, domain: str) -> list[str]:
    found = world.client.app.state.services.search.find(domain)
    return [hit.code for hit in found.hits]


def _claim(world: World, token: str, code: str, domain: str) -> dict[str, Any]:
    made = world.post(f"/api/v1/certificates/{code}/domains", token, {"domain": domain})
    assert made.status_code == 201, made.text
    body: dict[str, Any] = made.json()
    return body


def _check(world: World, token: str, code: str, domain: str) -> dict[str, Any]:
    checked = world.post(f"/api/v1/certificates/{code}/domain-claims/{domain}/check", token, None)
    assert checked.status_code == 200, checked.text
    body: dict[str, Any] = checked.json()
    return body


def test_pending_and_failed_claims_bind_nothing_until_dns_or_https_proves_control(
    world: World, staff_token: str, zone: Zone, https_site: Site, clock: FakeClock
) -> None:
    code = world.certify()
    holder = _holder(world, staff_token)
    a = _claim(world, holder, code, "Shop-A.example")
    b = _claim(world, holder, code, "https://shop-b.example/cart")
    assert (a["state"], a["binds"], a["domain"]) == ("pending", False, "shop-a.example")
    assert a["instructions"]["dns_name"] == "_keurmerk.shop-a.example"
    token_a = a["instructions"]["dns_value"].removeprefix("keurmerk-verification=")
    assert len(token_a) == 22 and token_a != b["instructions"]["http_body"]

    for domain in ("shop-a.example", "shop-b.example"):
        assert _badge_status(world, code, domain) == "Not verified for this site"
        assert code not in _search_codes(world, domain)
    public = world.client.get(f"/api/v1/certificates/{code}").json()
    assert "shop-a.example" not in {d["domain"] for d in public["domains"]}

    # Nothing published yet: the check fails, with the reason shown to the holder.
    failed = _check(world, holder, code, "shop-a.example")
    assert failed["state"] == "failed" and "_keurmerk.shop-a.example" in failed["failure"]
    assert _badge_status(world, code, "shop-a.example") == "Not verified for this site"
    assert code not in _search_codes(world, "shop-a.example")
    # A record with another token proves nothing either.
    zone.txt["_keurmerk.shop-a.example"] = ["keurmerk-verification=" + "x" * 22]
    clock.advance(seconds=11)
    assert _check(world, holder, code, "shop-a.example")["state"] == "failed"

    zone.txt["_keurmerk.shop-a.example"] = [a["instructions"]["dns_value"]]
    https_site.put(
        "shop-b.example",
        "/.well-known/keurmerk/" + b["instructions"]["http_body"],
        b["instructions"]["http_body"].encode(),
    )
    clock.advance(minutes=16)  # past the second retry's wait (5, then 15 minutes)
    # The server's schedule checks both: neither waits for the holder to ask.
    assert world.client.app.state.services.domains.run_due() == 2
    claims = {
        c["domain"]: c
        for c in world.client.get(
            f"/api/v1/certificates/{code}/domain-claims", headers=bearer(holder)
        ).json()
    }
    assert (claims["shop-a.example"]["state"], claims["shop-a.example"]["method"]) == (
        "verified",
        "dns",
    )
    assert (claims["shop-b.example"]["state"], claims["shop-b.example"]["method"]) == (
        "verified",
        "http",
    )
    for domain in ("shop-a.example", "www.shop-b.example"):
        assert _badge_status(world, code, domain) == "bound"
        assert code in _search_codes(world, domain)
    history = [
        h["type"] for h in world.client.get(f"/api/v1/certificates/{code}").json()["history"]
    ]
    assert history == ["issued", "domain_verified", "domain_verified"]


def test_https_proof_follows_no_redirect_and_wants_the_token_itself(
    world: World, staff_token: str, https_site: Site, clock: FakeClock
) -> None:
    code = world.certify()
    holder = _holder(world, staff_token)
    b = _claim(world, holder, code, "shop-b.example")
    path = "/.well-known/keurmerk/" + b["instructions"]["http_body"]
    https_site.put(
        "shop-b.example", path, b"", status=302, location="https://shop-a.example" + path
    )
    https_site.put("shop-a.example", path, b["instructions"]["http_body"].encode())
    redirected = _check(world, holder, code, "shop-b.example")
    assert redirected["state"] == "failed" and "redirect" in redirected["failure"]
    assert ("shop-a.example", path) not in https_site.requests
    https_site.put("shop-b.example", path, b"something else")
    clock.advance(seconds=11)
    assert "not the token" in _check(world, holder, code, "shop-b.example")["failure"]


def test_a_lapsed_revalidation_unbinds_the_domain_and_tells_the_holder(
    world: World, staff_token: str, zone: Zone, clock: FakeClock, service: Services
) -> None:
    code = world.certify()
    holder = _holder(world, staff_token)
    a = _claim(world, holder, code, "shop-a.example")
    zone.txt["_keurmerk.shop-a.example"] = [a["instructions"]["dns_value"]]
    assert _check(world, holder, code, "shop-a.example")["state"] == "verified"
    assert _badge_status(world, code, "shop-a.example") == "bound"
    domains = world.client.app.state.services.domains
    clock.advance(days=89)
    assert domains.run_due() == 0  # not due before 90 days
    del zone.txt["_keurmerk.shop-a.example"]
    clock.advance(days=1, seconds=1)
    assert domains.run_due() == 1
    claims = world.client.get(
        f"/api/v1/certificates/{code}/domain-claims", headers=bearer(holder)
    ).json()
    assert (claims[0]["state"], claims[0]["binds"]) == ("pending", False)
    assert _badge_status(world, code, "shop-a.example") == "Not verified for this site"
    assert code not in _search_codes(world, "shop-a.example")
    history = world.client.get(f"/api/v1/certificates/{code}").json()["history"]
    assert [h["type"] for h in history][-1] == "domain_lapsed"
    mail = list((service.uow.settings.keys_dir.parent / "mail-outbox").glob("*.eml"))
    assert any(b"shop-a.example" in m.read_bytes() and b"no longer" in m.read_bytes() for m in mail)


def test_a_second_holder_of_a_covered_domain_waits_for_staff_and_binds_nothing_until_approved(
    world: World, staff_token: str, zone: Zone, clock: FakeClock
) -> None:
    first = world.certify()  # audited: www.fietsen.example and fietsen-outlet.example
    second = world.certify(organisation=OTHER, domains=["racefietsen.example"])
    holder = _holder(world, staff_token, "87654321", "rita@racefietsen.example")
    claimed = _claim(world, holder, second, "fietsen-outlet.example")
    zone.txt["_keurmerk.fietsen-outlet.example"] = [claimed["instructions"]["dns_value"]]
    waiting = _check(world, holder, second, "fietsen-outlet.example")
    assert (waiting["state"], waiting["review"], waiting["binds"]) == ("pending", "required", False)
    assert _search_codes(world, "fietsen-outlet.example") == [first]
    badge = world.client.get(
        f"/badge/{second}.svg",
        params={"lang": "en"},
        headers={"Referer": "https://fietsen-outlet.example/"},
    ).text
    assert "Not verified for this site" in badge

    queue = world.client.get("/api/v1/domain-reviews", headers=bearer(staff_token))
    assert [c["domain"] for c in queue.json()] == ["fietsen-outlet.example"]
    assert world.client.get("/api/v1/domain-reviews", headers=bearer(holder)).status_code == 403
    assert (
        world.post(f"/api/v1/domain-reviews/{claimed['id']}/approve", holder, None).status_code
        == 403
    )
    approved = world.post(f"/api/v1/domain-reviews/{claimed['id']}/approve", staff_token, None)
    assert approved.status_code == 200 and approved.json()["binds"] is True
    assert sorted(_search_codes(world, "fietsen-outlet.example")) == sorted([first, second])


def test_no_holder_reads_or_changes_another_holders_claims(
    world: World, staff_token: str, clock: FakeClock
) -> None:
    first = world.certify()
    second = world.certify(organisation=OTHER, domains=["racefietsen.example"])
    mine = _holder(world, staff_token)
    theirs = _holder(world, staff_token, "87654321", "rita@racefietsen.example")
    _claim(world, mine, first, "shop-a.example")
    assert (
        world.client.get(
            f"/api/v1/certificates/{first}/domain-claims", headers=bearer(theirs)
        ).status_code
        == 403
    )
    assert (
        world.post(
            f"/api/v1/certificates/{first}/domain-claims/shop-a.example/check", theirs, None
        ).status_code
        == 403
    )
    assert (
        world.post(
            f"/api/v1/certificates/{first}/domains", theirs, {"domain": "x.example"}
        ).status_code
        == 403
    )
    assert (
        world.client.delete(
            f"/api/v1/certificates/{first}/domains/shop-a.example", headers=bearer(theirs)
        ).status_code
        == 403
    )
    assert (
        world.client.get(
            f"/api/v1/certificates/{second}/domain-claims", headers=bearer(theirs)
        ).json()
        == []
    )
    removed = world.client.delete(
        f"/api/v1/certificates/{first}/domains/shop-a.example", headers=bearer(mine)
    )
    assert removed.status_code == 204
    assert (
        world.client.get(f"/api/v1/certificates/{first}/domain-claims", headers=bearer(mine)).json()
        == []
    )


def test_the_server_checks_due_claims_by_itself(
    settings: Settings, clock: FakeClock, service: Services, staff_token: str, zone: Zone
) -> None:
    """A server with a one-second schedule verifies a claim nobody asked it to check."""
    fast = dataclasses.replace(settings, domain_check_seconds=1)
    with TestClient(create_app(fast, clock=clock, keyring=service.uow.keyring)) as client:
        world = build_world(client, staff_token)
        code = world.certify()
        holder = _holder(world, staff_token)
        made = _claim(world, holder, code, "shop-a.example")
        zone.txt["_keurmerk.shop-a.example"] = [made["instructions"]["dns_value"]]
        deadline = wall.monotonic() + 30
        while wall.monotonic() < deadline:
            state = client.get(
                f"/api/v1/certificates/{code}/domain-claims", headers=bearer(holder)
            ).json()[0]["state"]
            if state == "verified":
                break
            wall.sleep(0.2)
        assert state == "verified"
        assert ("_keurmerk.shop-a.example", "TXT") in zone.asked


def test_claims_and_checks_are_bounded(world: World, staff_token: str, clock: FakeClock) -> None:
    code = world.certify()
    holder = _holder(world, staff_token)
    for n in range(20):
        _claim(world, holder, code, f"shop-{n}.example")
    too_many = world.post(f"/api/v1/certificates/{code}/domains", holder, {"domain": "x.example"})
    assert too_many.status_code == 422 and too_many.json()["type"].endswith(
        "/too-many-domain-claims"
    )
    again = world.post(f"/api/v1/certificates/{code}/domains", holder, {"domain": "shop-1.example"})
    assert again.status_code == 409
    _check(world, holder, code, "shop-1.example")
    soon = world.post(
        f"/api/v1/certificates/{code}/domain-claims/shop-1.example/check", holder, None
    )
    assert soon.status_code == 422 and "checked 0 s ago" in soon.json()["detail"]
    bad = world.post(f"/api/v1/certificates/{code}/domains", holder, {"domain": "127.0.0.1"})
    assert bad.status_code == 400


def test_the_https_check_keeps_to_public_addresses(
    settings: Settings, clock: FakeClock, service: Services, staff_token: str, https_site: Site
) -> None:
    """Without the test-only setting, a host that resolves to a loopback address is never
    fetched, whatever its DNS says (the webhooks' SSRF rule)."""
    strict = dataclasses.replace(settings, webhook_allow_private=False)
    with TestClient(create_app(strict, clock=clock, keyring=service.uow.keyring)) as client:
        world = build_world(client, staff_token)
        code = world.certify()
        holder = _holder(world, staff_token)
        made = _claim(world, holder, code, "shop-b.example")
        token = made["instructions"]["http_body"]
        https_site.put("shop-b.example", f"/.well-known/keurmerk/{token}", token.encode())
        checked = _check(world, holder, code, "shop-b.example")
        assert checked["state"] == "failed" and "loopback" in checked["failure"]
        assert https_site.requests == []


def test_a_refused_claim_binds_nothing_and_does_not_return_to_staff(
    world: World, staff_token: str, zone: Zone, clock: FakeClock
) -> None:
    first = world.certify()
    second = world.certify(organisation=OTHER, domains=["racefietsen.example"])
    holder = _holder(world, staff_token, "87654321", "rita@racefietsen.example")
    claimed = _claim(world, holder, second, "fietsen-outlet.example")
    zone.txt["_keurmerk.fietsen-outlet.example"] = [claimed["instructions"]["dns_value"]]
    _check(world, holder, second, "fietsen-outlet.example")
    refused = world.post(f"/api/v1/domain-reviews/{claimed['id']}/refuse", staff_token, None)
    assert refused.status_code == 200 and refused.json()["state"] == "failed"
    clock.advance(seconds=11)
    again = _check(world, holder, second, "fietsen-outlet.example")
    assert (again["state"], again["binds"]) == ("failed", False)
    assert world.client.get("/api/v1/domain-reviews", headers=bearer(staff_token)).json() == []
    assert _search_codes(world, "fietsen-outlet.example") == [first]


def test_a_check_asked_for_on_a_thread_that_runs_an_event_loop_still_runs(
    settings: Settings, https_site: Site
) -> None:
    """The HTTPS check is a coroutine of its own; a caller whose thread already runs an
    event loop (the server's, a browser driver's) gets its answer, not a RuntimeError."""
    token = "t" * 22
    https_site.put("shop-b.example", f"/.well-known/keurmerk/{token}", token.encode())
    checker = DomainChecker.from_settings(settings)

    async def from_inside_a_loop() -> str | None:
        return checker.check_http("shop-b.example", token)

    assert checker.check_http("shop-b.example", token) is None
    # The loops run on a thread of their own: the suite's main thread may hold a browser
    # driver's loop, under which the test itself could not start one.
    assert run_apart(from_inside_a_loop) is None
    assert run_apart(lambda: from_inside_a_loop_with("x" * 22, checker)) == "status 404"


async def from_inside_a_loop_with(token: str, checker: DomainChecker) -> str | None:
    return checker.check_http("shop-b.example", token)


def test_claims_of_an_ended_certificate_are_not_checked_again(
    world: World, staff_token: str, zone: Zone, clock: FakeClock
) -> None:
    """A withdrawn certificate binds nothing: its claims are not re-checked every 90
    days, so the registry asks no one's DNS or site about a certificate that ended."""
    code = world.certify()
    holder = _holder(world, staff_token)
    made = _claim(world, holder, code, "shop-a.example")
    zone.txt["_keurmerk.shop-a.example"] = [made["instructions"]["dns_value"]]
    assert _check(world, holder, code, "shop-a.example")["state"] == "verified"
    withdrawn = world.post(
        f"/api/v1/certificates/{code}/withdraw", world.admin, {"reason_nl": "bedrijf gestopt"}
    )
    assert withdrawn.status_code == 200, withdrawn.text
    zone.asked.clear()
    clock.advance(days=91)
    assert world.client.app.state.services.domains.run_due() == 0
    assert ("_keurmerk.shop-a.example", "TXT") not in zone.asked
