"""/account in Chromium, as a person uses it: an invited person sets a password, adds a
passkey through Chromium's virtual authenticator (CDP ``WebAuthn``), signs out, signs in
with the passkey (also while their password sign-in is locked), creates and revokes a
token; at 360 px, with axe-core finding no serious violation.

Served on ``http://localhost:PORT``: browsers refuse WebAuthn on an IP address, and
accept the Secure ``__Host-session`` cookie on localhost.
"""

from __future__ import annotations

import email
import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar.testing import TestClient

from registry.bootstrap import initialise
from registry.config import Settings
from tests.browser.conftest import PASSPHRASE, ROOT, _wait_until_up, free_port, screenshot
from tests.support.env import TEST_KDF_ROUNDS, FakeClock
from tests.support.world import build_world
from tests.web.conftest import app_with_pages

NARROW = {"width": 360, "height": 740}
PASSWORD = "correct horse battery staple 2"


@dataclass
class AccountSite:
    url: str
    database: Path
    mail: Path

    def link_to(self, address: str) -> str:
        for path in sorted(self.mail.glob("*.eml"), key=lambda p: p.stat().st_mtime, reverse=True):
            message = email.message_from_bytes(path.read_bytes())
            if message["To"] == address:
                body = message.get_payload(decode=True)
                assert isinstance(body, bytes)
                found = re.search(
                    r"http://localhost:\d+/account/invitation/[A-Za-z0-9_-]+", body.decode()
                )
                assert found
                return found[0]
        raise AssertionError(f"no invitation to {address}")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AccountSite]:
    folder = tmp_path_factory.mktemp("account")
    port = free_port()
    settings = Settings(
        database_url=f"sqlite:///{folder / 'registry.sqlite3'}",
        keys_dir=folder / "keys",
        public_url=f"http://localhost:{port}",
        key_passphrase=PASSPHRASE,
        key_kdf_rounds=TEST_KDF_ROUNDS,
    )
    clock = FakeClock(datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=10))
    service = initialise(settings, clock)
    with TestClient(app_with_pages(settings, clock, service)) as client:
        world = build_world(client, service.identity.create_staff_token("Sam Staff").token)
        for name, address, role in [
            ("Eva Auditor", "eva@keurcontrole.example", "auditor"),
            ("Axel Auditor", "axel@keurcontrole.example", "auditor"),
        ]:
            made = world.post(
                "/api/v1/bodies/keurcontrole/people",
                world.admin,
                {"name": name, "email": address, "role": role},
            )
            assert made.status_code == 201, made.text
    service.uow.db.dispose()
    env = {
        **os.environ,
        "REGISTRY_DATABASE_URL": settings.database_url,
        "REGISTRY_KEYS_DIR": str(settings.keys_dir),
        "REGISTRY_PUBLIC_URL": settings.public_url,
        "REGISTRY_KEY_PASSPHRASE": PASSPHRASE,
        "REGISTRY_KEY_KDF_ROUNDS": str(TEST_KDF_ROUNDS),
        "REGISTRY_WORKERS": "1",
        "PYTHONPATH": str(ROOT),
    }
    log = folder / "serve.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "registry.cli", "serve", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_up(settings.public_url, process, log)
        yield AccountSite(settings.public_url, folder / "registry.sqlite3", folder / "mail-outbox")
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def _virtual_authenticator(context: Any, tab: Any) -> None:
    cdp = context.new_cdp_session(tab)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )


def _narrow(tab: Any, name: str) -> None:
    width = tab.evaluate("document.documentElement.scrollWidth")
    assert width <= NARROW["width"], (name, width)
    screenshot(tab, f"account-360-{name}")


def _me(site: AccountSite, token: str) -> int:
    return httpx.get(
        f"{site.url}/api/v1/me", headers={"Authorization": f"Bearer {token}"}
    ).status_code


def test_invited_person_sets_a_password_adds_a_passkey_and_manages_tokens(
    browser: Any, site: AccountSite
) -> None:
    context = browser.new_context(viewport=NARROW, locale="nl-NL", is_mobile=True)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda e: errors.append(str(e)))
    _virtual_authenticator(context, tab)

    tab.goto(site.link_to("eva@keurcontrole.example"))
    _narrow(tab, "invitation")
    tab.fill("#password", PASSWORD)
    tab.fill("#password2", PASSWORD)
    tab.click("button[type=submit]")
    tab.wait_for_url(f"{site.url}/account")
    assert tab.inner_text("h1") == "Uw account"
    cookie = next(c for c in context.cookies() if c["name"] == "__Host-session")
    assert cookie["secure"] and cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    _narrow(tab, "overview")

    tab.fill("#passkey-name", "laptop")
    tab.click("#passkey-add")
    tab.wait_for_selector("#passkeys li:has-text('laptop')")

    tab.click("button:has-text('Uitloggen')")
    tab.wait_for_selector("#passkey-sign-in")
    _narrow(tab, "sign-in")
    tab.click("#passkey-sign-in")
    tab.wait_for_selector("#memberships-title")
    assert "Eva Auditor" in tab.inner_text("main")

    tab.fill("#label", "ci")
    tab.click("button:has-text('Token maken')")
    token = tab.inner_text("#new-token").strip()
    assert token.startswith("tlr_") and _me(site, token) == 200
    tab.goto(f"{site.url}/account")
    assert token not in tab.content()  # shown once
    tab.click("#tokens li:has-text('ci') button:has-text('Intrekken')")
    tab.wait_for_selector("#tokens li:has-text('ingetrokken')")
    assert _me(site, token) == 401

    # Locked out of password sign-in (as after repeated failures): the passkey still works.
    tab.click("button:has-text('Uitloggen')")
    with sqlite3.connect(site.database) as db:
        db.execute(
            "UPDATE sign_in_secret SET locked_until = ? WHERE person_id = "
            "(SELECT id FROM person WHERE email_key = 'eva@keurcontrole.example')",
            ((datetime.now(UTC) + timedelta(minutes=15)).replace(tzinfo=None).isoformat(" "),),
        )
    tab.fill("#email", "eva@keurcontrole.example")
    tab.fill("#password", PASSWORD)
    tab.click("form.account-form button[type=submit]")
    assert "geblokkeerd" in tab.inner_text(".account-error")
    tab.click("#passkey-sign-in")
    tab.wait_for_selector("#memberships-title")
    assert errors == []
    context.close()


@pytest.mark.parametrize("where", ["sign-in", "invitation", "overview"])
def test_axe_finds_no_serious_violation_on_the_account_pages(
    browser: Any, site: AccountSite, axe_source: str, where: str
) -> None:
    # axe is injected as an inline script, which the pages' CSP forbids: this context
    # alone bypasses it.
    context = browser.new_context(bypass_csp=True, locale="nl-NL")
    tab = context.new_page()
    if where == "invitation":
        tab.goto(site.link_to("axel@keurcontrole.example"))
    else:
        tab.goto(f"{site.url}/account")
    if where == "overview":
        tab.goto(site.link_to("axel@keurcontrole.example"))
        tab.fill("#password", PASSWORD)
        tab.fill("#password2", PASSWORD)
        tab.click("button[type=submit]")
        tab.wait_for_selector("#memberships-title")
    tab.add_script_tag(content=axe_source)
    violations = tab.evaluate(
        "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v => "
        "({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))})))"
    )
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == [], serious
    context.close()
