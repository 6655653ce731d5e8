"""/account/holder in Chromium, as a holder uses it: invited by e-mail (a real SMTP
server in process), they set a password, add two domains and see them pending, prove
one by DNS (a dnslib server the registry asks) and one by HTTPS (a local TLS site with
its own CA), preview and copy a badge snippet, register a webhook and receive a signed
test message, checked with the ``standardwebhooks`` library as a receiver would; at 360 px.

Served on ``http://localhost:PORT`` (a secure context: the clipboard works).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from litestar.testing import TestClient
from standardwebhooks import Webhook

from registry.bootstrap import initialise
from registry.config import Settings
from tests.browser.conftest import PASSPHRASE, ROOT, _wait_until_up, free_port, screenshot
from tests.support.dns_server import Zone, dns_server
from tests.support.env import TEST_KDF_ROUNDS, FakeClock
from tests.support.smtp import Inbox, smtp_server
from tests.support.tls_site import Site, tls_site
from tests.support.world import build_world
from tests.web.conftest import app_with_pages

NARROW = {"width": 360, "height": 740}
PASSWORD = "correct horse battery staple 3"
HOSTS = ["shop-a.example", "shop-b.example"]


@dataclass
class Receiver:
    """A webhook receiver on 127.0.0.1 that keeps what it is sent."""

    url: str = ""
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    arrived: threading.Event = field(default_factory=threading.Event)


@dataclass
class HolderSite:
    url: str
    code: str
    staff: str
    inbox: Inbox
    zone: Zone
    https: Site
    receiver: Receiver


@pytest.fixture(scope="module")
def holder_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HolderSite]:
    folder = tmp_path_factory.mktemp("holder")
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
    staff = service.identity.create_staff_token("Sam Staff").token
    with TestClient(app_with_pages(settings, clock, service)) as client:
        world = build_world(client, staff)
        world.today = clock.now.date()
        code = world.certify()
    service.uow.db.dispose()

    receiver = Receiver()

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
            receiver.arrived.set()
            self.send_response(204)
            self.end_headers()

        def log_message(self, *_args: Any) -> None:
            pass

    hook = ThreadingHTTPServer(("127.0.0.1", free_port()), Hook)
    receiver.url = f"http://127.0.0.1:{hook.server_address[1]}/hook"
    threading.Thread(target=hook.serve_forever, daemon=True).start()
    tls_folder = folder / "tls"
    tls_folder.mkdir()
    with (
        smtp_server() as (inbox, smtp_port),
        dns_server() as (zone, resolver),
        tls_site(tls_folder, HOSTS) as https,
    ):
        for host in HOSTS:
            zone.a[host] = ["127.0.0.1"]
        env = {
            **os.environ,
            "REGISTRY_DATABASE_URL": settings.database_url,
            "REGISTRY_KEYS_DIR": str(settings.keys_dir),
            "REGISTRY_PUBLIC_URL": settings.public_url,
            "REGISTRY_KEY_PASSPHRASE": PASSPHRASE,
            "REGISTRY_KEY_KDF_ROUNDS": str(TEST_KDF_ROUNDS),
            "REGISTRY_WORKERS": "1",
            "REGISTRY_SMTP_HOST": "127.0.0.1",
            "REGISTRY_SMTP_PORT": str(smtp_port),
            "REGISTRY_DNS_RESOLVER": resolver,
            "REGISTRY_WEBHOOK_ALLOW_PRIVATE": "1",
            "REGISTRY_WEBHOOK_POLL": "0.2",
            "REGISTRY_DOMAIN_CHECK_HTTPS_PORT": str(https.port),
            "REGISTRY_DOMAIN_CHECK_CA_BUNDLE": str(https.ca),
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
            yield HolderSite(settings.public_url, code, staff, inbox, zone, https, receiver)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
            hook.shutdown()
            hook.server_close()


def _invitation_link(site: HolderSite, address: str) -> str:
    for message in reversed(site.inbox.messages):
        if message["To"] == address:
            body = message.get_payload(decode=True)
            assert isinstance(body, bytes)
            found = re.search(r"http://localhost:\d+/account/invitation/[\w-]+", body.decode())
            assert found
            return found[0]
    raise AssertionError(f"no invitation to {address}")


def _narrow(tab: Any, name: str) -> None:
    width = tab.evaluate("document.documentElement.scrollWidth")
    assert width <= NARROW["width"], (name, width)
    screenshot(tab, f"holder-360-{name}")


def _claim(tab: Any, domain: str) -> Any:
    return tab.locator(f"li.claim[data-domain='{domain}']")


def test_an_invited_holder_proves_two_domains_copies_a_snippet_and_gets_a_signed_test_event(
    browser: Any, holder_site: HolderSite
) -> None:
    site = holder_site
    invited = httpx.post(
        f"{site.url}/api/v1/organisations/NL/12345678/people",
        json={"name": "Henk Holder", "email": "henk@fietsen.example"},
        headers={"Authorization": f"Bearer {site.staff}"},
    )
    assert invited.status_code == 201, invited.text
    context = browser.new_context(viewport=NARROW, locale="nl-NL", is_mobile=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.url)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda e: errors.append(str(e)))

    tab.goto(_invitation_link(site, "henk@fietsen.example"))
    tab.fill("#password", PASSWORD)
    tab.fill("#password2", PASSWORD)
    tab.click("button[type=submit]")
    tab.wait_for_url(f"{site.url}/account")
    tab.goto(f"{site.url}/account/holder")
    assert "Fietsen B.V." in tab.inner_text("h1")

    for domain in HOSTS:
        tab.fill("#claim-domain", domain)
        tab.click("button:has-text('Domein toevoegen')")
        tab.wait_for_selector(f"li.claim[data-domain='{domain}']")
    for domain in HOSTS:
        assert _claim(tab, domain).get_attribute("data-state") == "pending"
        assert "in afwachting" in _claim(tab, domain).inner_text()
    _narrow(tab, "pending")

    claim_a = _claim(tab, "shop-a.example")
    site.zone.txt["_keurmerk.shop-a.example"] = [
        claim_a.locator("code[id^='dns-value-']").inner_text().strip()
    ]
    claim_b = _claim(tab, "shop-b.example")
    token_b = claim_b.locator("code[id^='http-body-']").inner_text().strip()
    site.https.put("shop-b.example", f"/.well-known/keurmerk/{token_b}", token_b.encode())

    for domain, method in (("shop-a.example", "DNS"), ("shop-b.example", "HTTPS")):
        _claim(tab, domain).locator("button:has-text('Nu controleren')").click()
        tab.wait_for_selector(f"li.claim[data-domain='{domain}'][data-state='verified']")
        assert f"({method})" in _claim(tab, domain).inner_text()
    assert ("shop-b.example", f"/.well-known/keurmerk/{token_b}") in site.https.requests

    # Every variant's preview loads, in both languages; a snippet copies as shown.
    previews = tab.locator(".badge-preview img")
    assert previews.count() == 8
    tab.wait_for_function(
        "[...document.querySelectorAll('.badge-preview img')].every(i => i.complete && i.naturalWidth > 0)"
    )
    snippet_id = f"snippet-{site.code}-large-dark"
    shown = tab.inner_text(f"#{snippet_id}")
    tab.click(f"button[data-copy='{snippet_id}']")
    tab.wait_for_selector("#copy-status:has-text('Gekopieerd')")
    copied = tab.evaluate("navigator.clipboard.readText()")
    assert copied == shown and f"/badge/{site.code}.svg?size=large&amp;theme=dark" in copied

    tab.fill("#webhook-url", site.receiver.url)
    tab.click("button:has-text('Webhook toevoegen')")
    secret = tab.inner_text("#webhook-secret").strip()
    assert secret.startswith("whsec_")
    _narrow(tab, "webhook")
    tab.goto(f"{site.url}/account/holder")
    assert secret not in tab.content()  # shown once
    tab.click("li.webhook button:has-text('Testbericht sturen')")
    assert site.receiver.arrived.wait(30), "no webhook arrived"
    headers, body = site.receiver.received[-1]
    message = Webhook(secret).verify(body, headers)
    assert message["type"] == "webhook.test" and message["data"]["code"] == site.code
    # The registry records the answer just after the receiver sent it: look again until then.
    for _ in range(50):
        tab.reload()
        if tab.locator("tr.delivery[data-status='delivered']").count():
            break
        tab.wait_for_timeout(200)
    assert tab.locator("tr.delivery[data-status='delivered'] code").inner_text() == "webhook.test"
    assert errors == []
    context.close()


def test_axe_finds_no_serious_violation_on_the_holder_portal(
    browser: Any, holder_site: HolderSite, axe_source: str
) -> None:
    site = holder_site
    invited = httpx.post(
        f"{site.url}/api/v1/organisations/NL/12345678/people",
        json={"name": "Ida Holder", "email": "ida@fietsen.example"},
        headers={"Authorization": f"Bearer {site.staff}"},
    )
    assert invited.status_code == 201, invited.text
    # axe is injected as an inline script, which the pages' CSP forbids: this context
    # alone bypasses it.
    context = browser.new_context(bypass_csp=True, locale="nl-NL", viewport=NARROW)
    tab = context.new_page()
    tab.goto(_invitation_link(site, "ida@fietsen.example"))
    tab.fill("#password", PASSWORD)
    tab.fill("#password2", PASSWORD)
    tab.click("button[type=submit]")
    tab.wait_for_url(f"{site.url}/account")
    tab.goto(f"{site.url}/account/holder")
    tab.fill("#claim-domain", "shop-c.example")
    tab.click("button:has-text('Domein toevoegen')")
    tab.wait_for_selector("li.claim[data-domain='shop-c.example']")
    tab.add_script_tag(content=axe_source)
    violations = tab.evaluate(
        "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v => "
        "({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))})))"
    )
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == [], serious
    context.close()
