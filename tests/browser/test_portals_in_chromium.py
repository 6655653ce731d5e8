"""The work portals in Chromium, as people use them, on a real server whose clock the
test moves (``tests/support/clocked.py``): the life of a certificate from the auditor's
checklist to a suspension after a refused surveillance a year and more later; four-eyes;
and every portal page at 360 px with axe-core, in Dutch and in English.

Served on ``http://localhost:PORT``: the ``__Host-session`` cookie is Secure, which
browsers accept on localhost. People are invited by e-mail (the mail outbox folder),
set a password in the browser, and admins and staff add an authenticator app (TOTP)
whose codes the test computes at the server's time.
"""

from __future__ import annotations

import email
import hashlib
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pyotp
import pytest
from babel.messages.extract import extract_from_dir
from litestar.testing import TestClient
from playwright.sync_api import expect

from registry.bootstrap import initialise
from registry.config import Settings
from registry.edge.i18n import translations
from tests.browser.conftest import PASSPHRASE, ROOT, _wait_until_up, free_port, screenshot
from tests.support.clocked import FileClock
from tests.support.env import TEST_KDF_ROUNDS, FakeClock
from tests.support.world import bearer, build_world
from tests.web.conftest import app_with_pages

NARROW = {"width": 360, "height": 740}
PASSWORD = "correct horse battery staple 3"
CARLA = "carla@keurcontrole.example"  # auditor
ANNA = "anna@keurcontrole.example"  # body admin
BERT = "bert@keurcontrole.example"  # body admin, and auditor too
DIRK = "dirk@keurcontrole.example"  # auditor
SAM = "sam@registry.example"  # staff
ADMINS = {ANNA, BERT, SAM}


@dataclass
class PortalSite:
    url: str
    clock: FileClock
    mail: Path
    staff_token: str
    admin_token: str
    secrets: dict[str, str | None] = field(default_factory=dict)

    def now(self) -> datetime:
        return self.clock()

    def advance(self, **delta: float) -> datetime:
        moment = self.now() + timedelta(**delta)
        self.clock.set(moment)
        return moment

    def today(self) -> date:
        return self.now().date()

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

    def api(self, path: str, token: str | None = None) -> Any:
        headers = bearer(token) if token else {}
        answer = httpx.get(f"{self.url}{path}", headers=headers, timeout=10)
        return answer


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PortalSite]:
    folder = tmp_path_factory.mktemp("portals")
    port = free_port()
    settings = Settings(
        database_url=f"sqlite:///{folder / 'registry.sqlite3'}",
        keys_dir=folder / "keys",
        public_url=f"http://localhost:{port}",
        key_passphrase=PASSPHRASE,
        key_kdf_rounds=TEST_KDF_ROUNDS,
    )
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=10)
    clock = FakeClock(start)
    file_clock = FileClock(folder / "clock.txt")
    file_clock.set(start)
    service = initialise(settings, clock)
    with TestClient(app_with_pages(settings, clock, service)) as client:
        staff = service.identity.create_staff_token("Sam Staff").token
        world = build_world(client, staff)
        world.today = start.date()
        # Certificates of this scheme run three years: the test lives through more than one.
        changed = client.patch(
            "/api/v1/schemes/webwinkel", json={"max_validity_months": 36}, headers=bearer(staff)
        )
        assert changed.status_code == 200, changed.text
        me = client.get("/api/v1/me", headers=bearer(staff)).json()
        invited = client.post(
            f"/api/v1/people/{me['id']}/invitation", json={"email": SAM}, headers=bearer(staff)
        )
        assert invited.status_code in (200, 201, 204), invited.text
        granted = world.post(
            "/api/v1/bodies/keurcontrole/people",
            world.admin,
            {"name": "Bert Admin", "email": BERT, "role": "auditor"},
        )
        assert granted.status_code == 201, granted.text
        # One assessment waits in the queue from the start, submitted by Dirk.
        waiting = world.post(
            "/api/v1/assessments",
            world.auditor_affiliated,
            world.assessment(
                organisation={
                    "legal_name": "Boeken B.V.",
                    "country": "NL",
                    "registration_number": "11223344",
                }
            ),
        )
        assert waiting.status_code == 201, waiting.text
    service.uow.db.dispose()
    env = {
        **os.environ,
        "REGISTRY_DATABASE_URL": settings.database_url,
        "REGISTRY_KEYS_DIR": str(settings.keys_dir),
        "REGISTRY_PUBLIC_URL": settings.public_url,
        "REGISTRY_KEY_PASSPHRASE": PASSPHRASE,
        "REGISTRY_KEY_KDF_ROUNDS": str(TEST_KDF_ROUNDS),
        "REGISTRY_TEST_CLOCK_FILE": str(folder / "clock.txt"),
        "REGISTRY_SWEEP_INTERVAL": "0",
        "PYTHONPATH": str(ROOT),
    }
    log = folder / "serve.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.support.clocked", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_up(settings.public_url, process, log)
        yield PortalSite(
            settings.public_url, file_clock, folder / "mail-outbox", staff, world.admin
        )
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def enter(browser: Any, site: PortalSite, address: str, **options: Any) -> tuple[Any, Any]:
    """A new browser context with ``address`` signed in, as that person does it: the
    first time through the invitation (and an authenticator app for admins and staff),
    later with password and the app's code."""
    context = browser.new_context(
        viewport=options.pop("viewport", {"width": 1024, "height": 800}),
        locale=options.pop("locale", "nl-NL"),
        **options,
    )
    tab = context.new_page()
    tab.errors = []  # type: ignore[attr-defined]
    tab.on("pageerror", lambda e: tab.errors.append(str(e)))  # type: ignore[attr-defined]
    if address not in site.secrets:
        tab.goto(site.link_to(address))
        tab.fill("#password", PASSWORD)
        tab.fill("#password2", PASSWORD)
        tab.click("button[type=submit]")
        tab.wait_for_selector("#memberships-title")
        site.secrets[address] = None
        if address in ADMINS:
            tab.click("form[action^='/account/totp/begin'] button")
            secret = tab.inner_text("#totp-secret").strip()
            tab.fill("#code", pyotp.TOTP(secret).at(site.now()))
            tab.click("form[action^='/account/totp'] button[type=submit]")
            tab.wait_for_selector("#memberships-title")
            site.secrets[address] = secret
        return context, tab
    tab.goto(f"{site.url}/account")
    if tab.query_selector("#memberships-title") is None:
        tab.fill("#email", address)
        tab.fill("#password", PASSWORD)
        tab.click("form.account-form button[type=submit]")
        tab.wait_for_load_state()
        if "/account/sign-in/totp" in tab.url:
            secret = site.secrets[address]
            assert secret is not None
            site.advance(seconds=31)  # a code is accepted once: the next step's
            tab.fill("#code", pyotp.TOTP(secret).at(site.now()))
            tab.click("button[type=submit]")
        tab.wait_for_selector("#memberships-title")
    return context, tab


@pytest.fixture(scope="module")
def everyone(browser: Any, site: PortalSite) -> PortalSite:
    """Every person has accepted their invitation (and set up their app) before any test
    moves the clock past the invitations' lifetime."""
    for address in (CARLA, ANNA, BERT, DIRK, SAM):
        context, _tab = enter(browser, site, address)
        context.close()
    return site


def fill_checklist(
    tab: Any, site: PortalSite, results: dict[int, str], *, organisation: bool = True
) -> None:
    if organisation:
        tab.fill("#f-legal_name", "Fietsen B.V.")
        tab.fill("#f-registration_number", "12345678")
        tab.fill("#f-domains", "fietsen.example")
    tab.fill("#f-audit_start", str(site.today() - timedelta(days=6)))
    tab.fill("#f-audit_end", str(site.today() - timedelta(days=4)))
    for index, result in results.items():
        tab.select_option(f"#c{index}-result", result)
        tab.fill(f"#c{index}-summary", f"checked on {site.today()}: {result}")


def decide(tab: Any, site: PortalSite, **choices: str) -> str:
    """Open the newest assessment of the queue and take the decision; the ``done`` code."""
    tab.goto(f"{site.url}/account/body")
    tab.click("#queue li:first-child a")
    tab.wait_for_selector("#decision")
    if choices.get("outcome") == "refuse":
        tab.check("#outcome-refuse")
    if choices.get("action"):
        tab.check(f"#action-{choices['action']}")
    if choices.get("deadline"):
        tab.fill("#decision-deadline", choices["deadline"])
    tab.fill("#decision-reason_nl", choices["reason_nl"])
    if choices.get("reason_en"):
        tab.fill("#decision-reason_en", choices["reason_en"])
    tab.click("#decide")
    tab.wait_for_url(re.compile(r".*/account/body\?done=.*"))
    return tab.url.split("done=")[1]


def test_the_life_of_a_certificate_through_the_portals(
    browser: Any, everyone: PortalSite, tmp_path: Path
) -> None:
    site = everyone
    evidence = tmp_path / "payment-test.pdf"
    evidence.write_bytes(b"%PDF-1.4 the auditor's own evidence, never uploaded\n")
    evidence_digest = hashlib.sha256(evidence.read_bytes()).hexdigest()

    # The auditor fills the checklist, keeps a draft, resumes it, submits.
    auditor, tab = enter(browser, site, CARLA)
    posted: list[str] = []
    tab.on(
        "request",
        lambda r: (
            r.method == "POST" and "/account/auditor" in r.url and posted.append(r.post_data or "")
        ),
    )
    tab.click("#portals a[href^='/account/auditor']")
    tab.select_option("#start-version", "webwinkel:1")
    tab.click("section[aria-labelledby=start-title] button")
    tab.wait_for_selector("#checklist")
    fill_checklist(tab, site, {0: "conforming", 2: "conforming", 3: "conforming"})
    tab.set_input_files("#c1-files", str(evidence))
    expect(tab.locator("#c1-digests")).to_have_value(re.compile(evidence_digest))
    tab.focus("#save-draft")
    tab.keyboard.press("Enter")  # the keyboard alone saves it
    tab.wait_for_selector("#saved")
    tab.goto(f"{site.url}/account/auditor")
    tab.click("#drafts a")
    tab.wait_for_selector("#checklist")
    assert tab.input_value("#f-legal_name") == "Fietsen B.V."
    assert evidence_digest in tab.input_value("#c1-digests")

    tab.click("#submit-assessment")  # WS-2.1 is mandatory and has no finding
    tab.wait_for_selector("#c1 .field-error")
    assert "WS-2.1" in tab.inner_text("#c1 .field-error")
    assert tab.locator(".field-error").count() == 1
    assert tab.get_attribute("#c1-result", "aria-invalid") == "true"
    tab.select_option("#c1-result", "conforming")
    tab.click("#submit-assessment")
    tab.wait_for_url(re.compile(r".*/account/auditor\?submitted=A-.*"))
    assert posted and all(b"never uploaded" not in p.encode() for p in posted)
    assert any(evidence_digest in p for p in posted)

    # An admin of the same body who did not audit it certifies.
    admin, anna = enter(browser, site, ANNA)
    code = decide(
        anna, site, reason_nl="Voldoet aan alle criteria", reason_en="Meets every criterion"
    )
    assert code.startswith("TL-")
    anna.goto(f"{site.url}/c/{code}")
    assert "Fietsen B.V." in anna.inner_text("main")
    assert site.api(f"/api/v1/certificates/{code}").json()["status"] == "valid"

    # A year later, a surveillance audit finds one minor nonconformity, and is decided.
    site.advance(days=365)
    auditor.close()
    auditor, tab = enter(browser, site, CARLA)
    tab.goto(f"{site.url}/account/auditor")
    tab.select_option("#continue-certificate", code)
    tab.select_option("#continue-kind", "surveillance")
    tab.click("section[aria-labelledby=continue-title] button")
    tab.wait_for_selector("#checklist")
    assert tab.input_value("#f-legal_name") == "Fietsen B.V."  # taken from the certificate
    fill_checklist(
        tab,
        site,
        {0: "conforming", 1: "conforming", 2: "minor_nonconformity", 3: "conforming"},
        organisation=False,
    )
    tab.click("#submit-assessment")
    tab.wait_for_url(re.compile(r".*/account/auditor\?submitted=A-.*"))
    admin.close()
    admin, anna = enter(browser, site, ANNA)
    decide(anna, site, reason_nl="Kleine tekortkoming bij levering; verder in orde")

    audits = site.api(f"/api/v1/certificates/{code}/assessments").json()
    assert [a["type"] for a in audits] == ["initial", "surveillance"], audits
    delivery = [
        next(f["result"] for f in a["findings"] if f["criterion"] == "WS-3.1") for a in audits
    ]
    assert delivery == ["conforming", "minor_nonconformity"]
    anna.goto(f"{site.url}/c/{code}")
    page = anna.inner_text("main")
    assert "Controle-audit" in page and "Kleine tekortkoming" in page, page[:3000]

    # Later, a surveillance finds a major nonconformity: refused, and the certificate
    # suspended with a deadline and a reason in both languages.
    site.advance(days=30)
    auditor.close()
    auditor, tab = enter(browser, site, CARLA)
    tab.goto(f"{site.url}/account/auditor")
    tab.select_option("#continue-certificate", code)
    tab.click("section[aria-labelledby=continue-title] button")
    tab.wait_for_selector("#checklist")
    fill_checklist(
        tab,
        site,
        {0: "conforming", 1: "major_nonconformity", 2: "conforming", 3: "conforming"},
        organisation=False,
    )
    tab.click("#submit-assessment")
    tab.wait_for_url(re.compile(r".*/account/auditor\?submitted=A-.*"))
    admin.close()
    admin, anna = enter(browser, site, ANNA)
    deadline = str(site.today() + timedelta(days=30))
    decide(
        anna,
        site,
        outcome="refuse",
        action="suspend",
        deadline=deadline,
        reason_nl="Betaling niet veilig; herstel binnen 30 dagen",
        reason_en="Payment not secure; remedy within 30 days",
    )
    shown = site.api(f"/api/v1/certificates/{code}").json()
    assert shown["status"] == "suspended"
    assert shown["status_reason_nl"] == "Betaling niet veilig; herstel binnen 30 dagen"
    assert shown["status_reason_en"] == "Payment not secure; remedy within 30 days"
    anna.goto(f"{site.url}/c/{code}")
    assert "Betaling niet veilig; herstel binnen 30 dagen" in anna.inner_text("main")
    anna.goto(f"{site.url}/c/{code}?lang=en")
    assert "Payment not secure; remedy within 30 days" in anna.inner_text("main")
    badge = site.api(f"/badge/{code}.svg").text
    assert "Geschorst" in badge
    errors = tab.errors + anna.errors  # type: ignore[attr-defined]
    assert errors == []

    # The deadline passes: nothing changes by itself; the body's portal says so.
    site.advance(days=31)
    admin.close()
    admin, anna = enter(browser, site, ANNA)
    anna.goto(f"{site.url}/account/body")
    assert anna.locator(f"#certificate-{code} .overdue").count() == 1
    assert site.api(f"/api/v1/certificates/{code}").json()["status"] == "suspended"
    auditor.close()
    admin.close()


def test_the_auditor_sees_no_decide_button_and_the_server_refuses(
    browser: Any, everyone: PortalSite
) -> None:
    site = everyone
    context, tab = enter(browser, site, BERT)
    tab.goto(f"{site.url}/account/auditor/new?version=webwinkel:1")
    tab.fill("#f-legal_name", "Lampen B.V.")
    tab.fill("#f-registration_number", "87654321")
    fill_checklist(tab, site, dict.fromkeys(range(4), "conforming"), organisation=False)
    tab.click("#submit-assessment")
    tab.wait_for_url(re.compile(r".*/account/auditor\?submitted=A-.*"))
    assessment = tab.url.split("submitted=")[1]

    tab.goto(f"{site.url}/account/body/assessments/{assessment}")
    assert tab.locator("#four-eyes").is_visible()
    assert tab.locator("#decide").count() == 0 and tab.locator("#decision").count() == 0
    tab.goto(f"{site.url}/account")
    csrf = tab.get_attribute("input[name=csrf]", "value")
    forced = tab.request.post(
        f"{site.url}/account/body/assessments/{assessment}/decision",
        form={"csrf": csrf or "", "outcome": "certify", "reason_nl": "Zelf beslist"},
    )
    assert forced.status == 422 and "Vier-ogenprincipe" in forced.text()
    assert (
        site.api(f"/api/v1/assessments/{assessment}", site.admin_token).json()["status"]
        == "submitted"
    )
    context.close()


def _portal_messages() -> list[tuple[str, str]]:
    """(English, Dutch) of every text of the portals' templates and pages whose Dutch
    differs, of two words or more (a single word may also be data)."""
    catalogue = translations("nl")
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT),
        method_map=[
            ("templates/portals/**.html", "jinja2"),
            ("registry/portals/**.py", "python"),
            ("templates/**.html", "ignore"),
            ("registry/**.py", "ignore"),
        ],
        options_map={"templates/portals/**.html": {"extensions": "jinja2.ext.i18n"}},
    ):
        key = message[0] if isinstance(message, tuple) else message
        text = re.sub(r"%\(\w+\)s", "", key).strip()
        if " " in text and catalogue.gettext(key) != key:
            found.add((text, catalogue.gettext(key)))
    assert len(found) > 50, found
    return sorted(found)


PAGES = [
    ("auditor", CARLA, "/account/auditor"),
    ("checklist", CARLA, "/account/auditor/new?version=webwinkel:1"),
    ("body", ANNA, "/account/body"),
    ("body-assessment", ANNA, "queue"),
    ("staff", SAM, "/account/staff"),
    ("staff-scheme", SAM, "/account/staff/schemes/webwinkel"),
]


@pytest.mark.parametrize(("name", "person", "path"), PAGES, ids=[p[0] for p in PAGES])
def test_every_portal_page_passes_axe_fits_360_px_and_speaks_both_languages(
    browser: Any, everyone: PortalSite, axe_source: str, name: str, person: str, path: str
) -> None:
    site = everyone
    context, tab = enter(browser, site, person, viewport=NARROW, bypass_csp=True, is_mobile=True)
    if path == "queue":
        tab.goto(f"{site.url}/account/body")
        tab.click("#queue li:first-child a")
        tab.wait_for_selector("#findings")
    else:
        tab.goto(f"{site.url}{path}")
    assert tab.evaluate("document.documentElement.lang") == "nl"
    width = tab.evaluate("document.documentElement.scrollWidth")
    assert width <= NARROW["width"], (name, width)
    screenshot(tab, f"portal-360-{name}")

    text = tab.inner_text("body")
    untranslated = [en for en, _nl in _portal_messages() if en in text]
    assert untranslated == [], (name, untranslated)

    tab.add_script_tag(content=axe_source)
    violations = tab.evaluate(
        "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v => "
        "({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))})))"
    )
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == [], (name, serious)

    tab.click("nav.languages a[hreflang=en]")
    tab.wait_for_load_state()
    assert tab.evaluate("document.documentElement.lang") == "en"
    english = tab.inner_text("body")
    dutch_left = [nl for _en, nl in _portal_messages() if " " in nl and nl in english]
    assert dutch_left == [], (name, dutch_left)
    width = tab.evaluate("document.documentElement.scrollWidth")
    assert width <= NARROW["width"], (name, "en", width)
    context.close()


def test_the_checklist_works_with_the_keyboard_alone(browser: Any, everyone: PortalSite) -> None:
    """Tab reaches every field of every criterion in reading order, and the keyboard
    picks a result and saves the draft."""
    site = everyone
    context, tab = enter(browser, site, DIRK)
    tab.goto(f"{site.url}/account/auditor/new?version=webwinkel:1")
    tab.focus("#f-legal_name")
    tab.keyboard.type("Toetsen B.V.")
    reached: list[str] = []
    for _ in range(80):
        tab.keyboard.press("Tab")
        focused = tab.evaluate("document.activeElement.id")
        reached.append(focused)
        if focused == "save-draft":
            break
    order = tab.eval_on_selector_all("fieldset.criterion", "all => all.map(f => f.id)")
    assert sorted(order) == ["c0", "c1", "c2", "c3"]  # grouped by dimension, not by code
    wanted = [f"{c}-{part}" for c in order for part in ("result", "summary", "files", "digests")]
    positions = [reached.index(w) for w in wanted]
    assert positions == sorted(positions), (order, reached)  # every control, in reading order
    assert reached[-1] == "save-draft"
    tab.focus("#c0-result")
    tab.keyboard.press("ArrowDown")
    assert tab.input_value("#c0-result") == "conforming"
    tab.focus("#save-draft")
    tab.keyboard.press("Enter")
    tab.wait_for_selector("#saved")
    assert tab.input_value("#f-legal_name") == "Toetsen B.V."
    assert tab.input_value("#c0-result") == "conforming"
    context.close()
