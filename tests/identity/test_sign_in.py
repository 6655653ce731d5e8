"""Signing in at /account: invitations over real SMTP, passwords, TOTP, passkeys, CSRF,
session fixation, slowing and the lock (which never stops a passkey)."""

from __future__ import annotations

import json
import re
from typing import Any

import pyotp
import sqlalchemy as sa
from litestar.testing import TestClient

from registry.bootstrap import Services
from tests.identity.conftest import PASSWORD, PUBLIC_URL, accept, csrf_of, link_for, sign_in
from tests.support.authenticator import SoftAuthenticator
from tests.support.env import FakeClock
from tests.support.smtp import Inbox
from tests.support.world import World, bearer

COOKIE = "__Host-session"


def invite(world: World, email: str, role: str = "auditor", by: str | None = None) -> str:
    made = world.post(
        "/api/v1/bodies/keurcontrole/people",
        by or world.admin,
        {"name": "Eva Example", "email": email, "role": role},
    )
    assert made.status_code == 201, made.text
    person: str = made.json()["id"]
    return person


def session_cookie(response: Any) -> str:
    header = response.headers["set-cookie"]
    assert header.startswith(f"{COOKIE}=")
    for attribute in ("Path=/", "Secure", "HttpOnly", "SameSite=Strict"):
        assert attribute in header, header
    assert "Domain" not in header
    return header.split(";", 1)[0].split("=", 1)[1]


def test_an_invitation_arrives_by_smtp_sets_a_password_and_works_once(
    world: World, client: TestClient[Any], inbox: Inbox, clock: FakeClock
) -> None:
    invite(world, "Eva@Keurcontrole.example")
    message = inbox.messages[-1]
    assert message["To"] == "Eva@Keurcontrole.example"
    path = link_for(inbox, "eva@keurcontrole.example")

    page = client.get(path)
    assert page.status_code == 200 and "Eva@Keurcontrole.example" in page.text
    before = client.cookies.get(COOKIE)
    done = accept(client, path)
    assert done.status_code == 303 and done.headers["location"] == "/account"
    assert session_cookie(done) != before  # a new session at sign-in
    account = client.get("/account")
    assert "Eva Example" in account.text and 'id="memberships-title"' in account.text
    assert "no-store" in account.headers["cache-control"]

    # The link works once, and a second one expires after 72 hours.
    client.cookies.clear()
    used = client.get(path)
    assert (
        used.status_code == 400 and "already used" in used.text.lower()
    ) or "al gebruikt" in used.text
    invite(world, "late@keurcontrole.example")
    late = link_for(inbox, "late@keurcontrole.example")
    clock.advance(hours=72, seconds=1)
    assert client.get(late).status_code == 400


def test_csrf_is_refused_without_the_session_token(
    world: World, client: TestClient[Any], inbox: Inbox, service: Services
) -> None:
    invite(world, "eva@keurcontrole.example")
    path = link_for(inbox, "eva@keurcontrole.example")
    client.get(path)
    no_token = client.post(path, data={"password": PASSWORD, "password2": PASSWORD})
    assert no_token.status_code == 403
    assert accept(client, path).status_code == 303

    account = client.get("/account").text
    membership = re.search(r'<option value="(\d+)"', account)
    assert membership
    for data in ({}, {"csrf": "wrong"}, {"csrf": csrf_of(account) + "x"}):
        refused = client.post("/account/tokens", data={**data, "membership": membership[1]})
        assert refused.status_code == 403, refused.text
    refused = client.post(
        "/account/passkeys/options", content=b"{}", headers={"x-csrf-token": "wrong"}
    )
    assert refused.status_code == 403
    with service.uow.db.engine.connect() as connection:
        count = connection.execute(sa.text("SELECT count(*) FROM api_token WHERE label = ''"))
        assert count.scalar_one() == 0
    made = client.post(
        "/account/tokens",
        data={"csrf": csrf_of(account), "membership": membership[1], "label": "laptop"},
    )
    token = re.search(r'id="new-token">(tlr_[^<]+)<', made.text)
    assert made.status_code == 200 and token
    me = client.get("/api/v1/me", headers=bearer(token[1]))
    assert me.json()["role"] == "auditor"

    # Revoked from the page, it stops at once; and it is never shown again.
    listing = client.get("/account").text
    assert token[1] not in listing
    revoke = re.search(r'action="(/account/tokens/\d+/revoke)"', listing)
    assert revoke
    client.post(revoke[1], data={"csrf": csrf_of(listing)})
    assert client.get("/api/v1/me", headers=bearer(token[1])).status_code == 401


def test_a_session_id_fixed_before_sign_in_is_not_kept(
    world: World, client: TestClient[Any], inbox: Inbox, settings: Any, clock: FakeClock
) -> None:
    invite(world, "eva@keurcontrole.example")
    assert accept(client, link_for(inbox, "eva@keurcontrole.example")).status_code == 303
    client.post("/account/sign-out", data={"csrf": csrf_of(client.get("/account").text)})

    # An attacker gets an anonymous session and plants its id in the victim's browser.
    client.cookies.clear()
    planted = session_cookie(client.get("/account"))
    client.cookies.clear()
    client.cookies.set(COOKIE, planted, domain="registry.test")
    signed = sign_in(client, "eva@keurcontrole.example")
    assert signed.status_code == 303
    fresh = session_cookie(signed)
    assert fresh != planted
    assert 'id="memberships-title"' in client.get("/account").text
    # The planted id signs nobody in: the attacker holding it sees the sign-in form.
    client.cookies.clear()
    client.cookies.set(COOKIE, planted, domain="registry.test")
    page = client.get("/account").text
    assert 'id="memberships-title"' not in page and 'name="password"' in page


def _wrong(client: TestClient[Any], email: str) -> Any:
    return sign_in(client, email, "not the password at all")


def test_failures_slow_down_then_lock_for_15_minutes_and_the_lock_ends(
    world: World, client: TestClient[Any], inbox: Inbox, clock: FakeClock
) -> None:
    invite(world, "eva@keurcontrole.example")
    assert accept(client, link_for(inbox, "eva@keurcontrole.example")).status_code == 303
    client.cookies.clear()
    email = "eva@keurcontrole.example"
    for attempt in range(10):
        answer = _wrong(client, email)
        assert answer.status_code == 401, (attempt, answer.text)
        if attempt >= 2:  # from the third failure on, the next try must wait
            too_soon = _wrong(client, email)
            assert too_soon.status_code == 429, too_soon.text
        clock.advance(seconds=61)
    # The tenth failure locked the account 61 s ago: the right password is refused.
    locked = sign_in(client, email)
    assert locked.status_code == 403 and ("15" in locked.text)
    clock.advance(minutes=13)  # 14 min 1 s into the lock
    assert sign_in(client, email).status_code == 403
    clock.advance(minutes=1)  # 15 min 1 s: the lock has ended, and its failures with it
    assert sign_in(client, email).status_code == 303


def _passkey(client: TestClient[Any], authenticator: SoftAuthenticator, name: str) -> None:
    csrf = csrf_of(client.get("/account").text)
    options = client.post(
        "/account/passkeys/options", content=b"{}", headers={"x-csrf-token": csrf}
    )
    assert options.status_code == 200, options.text
    assert options.json()["rp"]["id"] == "registry.test"
    credential = authenticator.create(options.json())
    added = client.post(
        "/account/passkeys",
        content=json.dumps({"name": name, "credential": credential}).encode(),
        headers={"x-csrf-token": csrf},
    )
    assert added.status_code == 200, added.text


def _passkey_sign_in(client: TestClient[Any], authenticator: SoftAuthenticator, **kw: Any) -> Any:
    csrf = csrf_of(client.get("/account").text)
    options = client.post(
        "/account/sign-in/passkey/options", content=b"{}", headers={"x-csrf-token": csrf}
    )
    assert options.status_code == 200, options.text
    assertion = authenticator.get(options.json(), **kw)
    return client.post(
        "/account/sign-in/passkey",
        content=json.dumps({"credential": assertion}).encode(),
        headers={"x-csrf-token": csrf},
    )


def test_a_passkey_signs_in_during_a_lock(
    world: World, client: TestClient[Any], inbox: Inbox, clock: FakeClock
) -> None:
    email = "eva@keurcontrole.example"
    invite(world, email)
    assert accept(client, link_for(inbox, email)).status_code == 303
    authenticator = SoftAuthenticator(rp_id="registry.test", origin=PUBLIC_URL)
    _passkey(client, authenticator, "laptop")
    assert "laptop" in client.get("/account").text
    client.cookies.clear()
    for _ in range(10):
        _wrong(client, email)
        clock.advance(seconds=61)
    assert sign_in(client, email).status_code == 403  # locked

    # A passkey from another origin is refused; the right one signs in despite the lock.
    assert _passkey_sign_in(client, authenticator, origin="https://evil.example").status_code == 400
    signed = _passkey_sign_in(client, authenticator)
    assert signed.status_code == 200, signed.text
    session_cookie(signed)
    assert "Eva Example" in client.get("/account").text


def test_staff_and_body_admins_need_a_second_factor(
    world: World, client: TestClient[Any], inbox: Inbox, clock: FakeClock
) -> None:
    email = "erik@keurcontrole.example"
    invite(world, email, role="body_admin")
    assert accept(client, link_for(inbox, email)).status_code == 303
    account = client.get("/account").text
    assert 'role="alert"' in account
    membership = re.search(r'<option value="(\d+)"', account)
    assert membership
    refused = client.post(
        "/account/tokens", data={"csrf": csrf_of(account), "membership": membership[1]}
    )
    assert refused.status_code == 403

    setup = client.post("/account/totp/begin", data={"csrf": csrf_of(account)})
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', setup.text)
    assert setup.status_code == 200 and secret
    totp = pyotp.TOTP(secret[1])
    confirm = client.post(
        "/account/totp",
        data={"csrf": csrf_of(account), "code": totp.at(clock.now)},
        follow_redirects=False,
    )
    assert confirm.status_code == 303, confirm.text
    account = client.get("/account").text
    made = client.post(
        "/account/tokens", data={"csrf": csrf_of(account), "membership": membership[1]}
    )
    assert made.status_code == 200 and "tlr_" in made.text

    # Sign in again: the password alone leads to the code step, where a wrong or reused
    # code is refused.
    client.post("/account/sign-out", data={"csrf": csrf_of(account)})
    clock.advance(seconds=60)
    step = sign_in(client, email)
    assert step.status_code == 303 and step.headers["location"] == "/account/sign-in/totp"
    assert 'id="memberships-title"' not in client.get("/account").text
    form = client.get("/account/sign-in/totp").text
    wrong = client.post("/account/sign-in/totp", data={"csrf": csrf_of(form), "code": "000000"})
    assert wrong.status_code == 401
    right = client.post(
        "/account/sign-in/totp",
        data={"csrf": csrf_of(form), "code": totp.at(clock.now)},
        follow_redirects=False,
    )
    assert right.status_code == 303
    assert 'id="memberships-title"' in client.get("/account").text


def test_the_account_pages_speak_dutch_and_english_and_say_why_no_passkeys_on_an_ip(
    client: TestClient[Any], service: Services
) -> None:
    dutch = client.get("/account", headers={"accept-language": "nl"}).text
    english = client.get("/account?lang=en").text
    assert "Inloggen met een passkey" in dutch and "Wachtwoord" in dutch
    assert "Sign in with a passkey" in english and "Inloggen" not in english

    from registry.identity.signin import SignIn

    on_ip = SignIn(service.uow)
    assert on_ip.rp is not None and on_ip.rp.id == "registry.test"
    from registry.identity.passkeys import RelyingParty

    assert RelyingParty.of("http://127.0.0.1:8000") is None
    assert RelyingParty.of("http://[::1]:8000") is None
    assert RelyingParty.of("http://localhost:8000") == RelyingParty(
        "localhost", "http://localhost:8000"
    )


def test_on_an_ip_address_the_portal_offers_password_and_totp_and_says_why(
    settings: Any, clock: FakeClock, service: Services
) -> None:
    from dataclasses import replace

    from registry.app import create_app

    on_ip = replace(settings, public_url="http://127.0.0.1:8000")
    app = create_app(on_ip, clock=clock, keyring=service.uow.keyring)
    with TestClient(app, base_url="https://127.0.0.1:8000") as client:
        page = client.get("/account?lang=en")
        assert "served on an IP address" in page.text
        assert 'id="passkey-sign-in"' not in page.text and 'name="password"' in page.text
        refused = client.post(
            "/account/sign-in/passkey/options?lang=en",
            content=b"{}",
            headers={"x-csrf-token": csrf_of(page.text)},
        )
        assert refused.status_code == 400 and "IP address" in refused.json()["error"]
