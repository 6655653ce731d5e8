"""/account/holder over HTTP, in process: an invited holder manages its own domains and
webhooks, and nothing of another holder's; every form needs the session's CSRF token."""

from __future__ import annotations

import email
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar.testing import TestClient

from registry.app import create_app
from registry.bootstrap import Services
from registry.config import Settings
from tests.support.dns_server import Zone
from tests.support.env import FakeClock
from tests.support.world import World

PUBLIC = "https://registry.test"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
PASSWORD = "a long enough passphrase"
OTHER = {"legal_name": "Racefietsen B.V.", "country": "NL", "registration_number": "87654321"}


def _link(outbox: Path, address: str) -> str:
    for path in sorted(outbox.glob("*.eml"), key=lambda p: p.stat().st_mtime, reverse=True):
        message = email.message_from_bytes(path.read_bytes())
        if message["To"] == address:
            body = message.get_payload(decode=True)
            assert isinstance(body, bytes)
            found = re.search(r"https://registry\.test(/account/invitation/[\w-]+)", body.decode())
            assert found
            return found[1]
    raise AssertionError(f"no invitation to {address}")


def _csrf(html: str) -> str:
    found = CSRF.search(html)
    assert found, html[:300]
    return found[1]


class Browser:
    """One person's browser: its own cookie jar over the shared in-process client."""

    def __init__(self, client: TestClient[Any]) -> None:
        self.client = client
        self.jar = httpx.Cookies()

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        self.client.cookies = self.jar
        try:
            return self.client.request(method, path, **kwargs)
        finally:
            self.jar = httpx.Cookies(self.client.cookies)
            self.client.cookies = httpx.Cookies()

    def get(self, path: str, **kwargs: Any) -> Any:
        return self._call("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Any:
        return self._call("POST", path, **kwargs)


@pytest.fixture
def browser_of(settings: Settings, clock: FakeClock, service: Services) -> Iterator[Any]:
    """Opens a fresh cookie jar (a person's browser) on one https application."""
    app = create_app(settings, clock=clock, keyring=service.uow.keyring)
    with TestClient(app, base_url=PUBLIC) as client:
        yield lambda: Browser(client)


def _invited_holder(
    world: World, staff: str, settings: Settings, browser: Browser, number: str, address: str
) -> Browser:
    made = world.post(
        f"/api/v1/organisations/NL/{number}/people",
        staff,
        {"name": "Henk Holder", "email": address},
    )
    assert made.status_code == 201, made.text
    path = _link(settings.keys_dir.parent / "mail-outbox", address)
    page = browser.get(path)
    accepted = browser.post(
        path,
        data={"csrf": _csrf(page.text), "password": PASSWORD, "password2": PASSWORD},
        follow_redirects=False,
    )
    assert accepted.status_code == 303, accepted.text
    return browser


def test_a_holder_manages_its_own_domains_and_webhooks_and_nothing_else(
    world: World,
    staff_token: str,
    settings: Settings,
    browser_of: Any,
    zone: Zone,
    clock: FakeClock,
) -> None:
    mine = world.certify()
    theirs = world.certify(organisation=OTHER, domains=["racefietsen.example"])
    henk = _invited_holder(
        world, staff_token, settings, browser_of(), "12345678", "henk@fietsen.example"
    )
    rita = _invited_holder(
        world, staff_token, settings, browser_of(), "87654321", "rita@racefietsen.example"
    )

    page = henk.get("/account/holder")
    assert page.status_code == 200 and mine in page.text and theirs not in page.text
    assert "Fietsen B.V." in page.text and "no-store" in page.headers["cache-control"]
    csrf = _csrf(page.text)
    # Without the form's token nothing happens.
    refused = henk.post("/account/holder/domains", data={"code": mine, "domain": "shop-a.example"})
    assert refused.status_code == 403
    added = henk.post(
        "/account/holder/domains",
        data={"csrf": csrf, "code": mine, "domain": "shop-a.example"},
        follow_redirects=False,
    )
    assert added.status_code == 303
    page = henk.get("/account/holder").text
    assert 'data-domain="shop-a.example" data-state="pending"' in page
    token = re.search(r"keurmerk-verification=([\w-]{22})", page)
    assert token is not None

    # Rita sees none of it, and cannot add to, check or remove Henk's certificate's domains.
    rita_page = rita.get("/account/holder")
    assert "shop-a.example" not in rita_page.text and mine not in rita_page.text
    rita_csrf = _csrf(rita_page.text)
    for action in ("domains", "domains/check", "domains/remove"):
        answer = rita.post(
            f"/account/holder/{action}",
            data={"csrf": rita_csrf, "code": mine, "domain": "shop-a.example"},
        )
        assert answer.status_code == 403, (action, answer.status_code)
    assert "shop-a.example" in henk.get("/account/holder").text

    zone.txt["_keurmerk.shop-a.example"] = [f"keurmerk-verification={token[1]}"]
    henk.post(
        "/account/holder/domains/check",
        data={"csrf": csrf, "code": mine, "domain": "shop-a.example"},
    )
    assert 'data-domain="shop-a.example" data-state="verified"' in henk.get("/account/holder").text

    registered = henk.post(
        "/account/holder/webhooks", data={"csrf": csrf, "url": "http://127.0.0.1:9/hook"}
    )
    assert registered.status_code == 200 and "whsec_" in registered.text
    endpoint = re.search(r'class="webhook" data-id="(\d+)"', registered.text)
    assert endpoint is not None
    for action in ("test", "rotate", "remove"):
        answer = rita.post(
            f"/account/holder/webhooks/{endpoint[1]}/{action}", data={"csrf": rita_csrf}
        )
        assert answer.status_code == 404, (action, answer.status_code)
    assert (
        henk.post(
            f"/account/holder/webhooks/{endpoint[1]}/test",
            data={"csrf": csrf},
            follow_redirects=False,
        ).status_code
        == 303
    )
    assert "webhook.test" in henk.get("/account/holder").text
    assert "webhook.test" not in rita.get("/account/holder").text


def test_the_portal_is_for_holders_and_signed_in_people(
    browser_of: Any, world: World, staff_token: str, settings: Settings
) -> None:
    anonymous = browser_of()
    assert anonymous.get("/account/holder", follow_redirects=False).status_code == 303


def test_the_body_that_certified_an_organisation_invites_its_holders_and_no_other_body_does(
    world: World, staff_token: str
) -> None:
    world.certify()
    invited = world.post(
        "/api/v1/organisations/NL/12345678/people",
        world.admin,
        {"name": "Henk Holder", "email": "henk@fietsen.example"},
    )
    assert invited.status_code == 201, invited.text
    # An organisation audited but not (yet) certified by this body: not its holders.
    submitted = world.post(
        "/api/v1/assessments",
        world.auditor,
        world.assessment(organisation=OTHER, domains=["racefietsen.example"]),
    )
    assert submitted.status_code == 201, submitted.text
    refused = world.post(
        "/api/v1/organisations/NL/87654321/people",
        world.admin,
        {"name": "Rita Holder", "email": "rita@racefietsen.example"},
    )
    assert refused.status_code == 403, refused.text
    assert (
        world.post(
            "/api/v1/organisations/NL/87654321/people",
            world.auditor,
            {"name": "Rita Holder", "email": "rita@racefietsen.example"},
        ).status_code
        == 403
    )


def test_a_holder_who_opts_in_gets_e_mail_at_a_status_change(
    world: World, staff_token: str, settings: Settings, browser_of: Any, service: Services
) -> None:
    code = world.certify()
    henk = _invited_holder(
        world, staff_token, settings, browser_of(), "12345678", "henk@fietsen.example"
    )
    page = henk.get("/account/holder").text
    assert 'id="status-mail" data-on="0"' in page
    henk.post("/account/holder/mail", data={"csrf": _csrf(page), "wanted": "1"})
    assert 'id="status-mail" data-on="1"' in henk.get("/account/holder").text
    suspended = world.post(
        f"/api/v1/certificates/{code}/suspend", world.admin, {"reason": "complaints not handled"}
    )
    assert suspended.status_code == 200, suspended.text
    service.webhooks.send_due_mail()
    outbox = settings.keys_dir.parent / "mail-outbox"
    notices = [
        email.message_from_bytes(p.read_bytes())
        for p in outbox.glob("*.eml")
        if b"Keurmerkenregister / trust label registry" in p.read_bytes()
    ]
    assert [m["To"] for m in notices] == ["henk@fietsen.example"]
    body = notices[0].get_payload(decode=True)
    assert isinstance(body, bytes) and b"is geschorst" in body and code.encode() in body
