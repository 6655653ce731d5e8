"""The public site in real headless Chromium: search, in-browser verification (and its
failure on tampered data), both languages, a 360 px screen, and axe-core's audit."""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.browser.conftest import Proxy, Served, screenshot

NARROW = {"width": 360, "height": 740}


def search(tab: Any, base: str, text: str) -> None:
    tab.goto(base + "/")
    tab.fill("#q", text)
    with tab.expect_navigation():
        tab.press("#q", "Enter")


def open_first_hit(tab: Any) -> None:
    with tab.expect_navigation():
        tab.click("a.hit-holder >> nth=0")


def browser_result(tab: Any) -> str:
    tab.wait_for_selector("#browser-check[data-result]", timeout=15_000)
    result: str = tab.get_attribute("#browser-check", "data-result")
    return result


def steps(tab: Any, selector: str = "#browser-steps li") -> list[tuple[str, str]]:
    return [
        (item.get_attribute("data-outcome") or item.get_attribute("class"), item.inner_text())
        for item in tab.query_selector_all(selector)
    ]


def test_search_by_code_name_kvk_and_domain_leads_to_the_certificate(
    page: Any, served: Served
) -> None:
    base, codes = served.url, served.codes
    search(page, base, " " + codes["fietsen"].lower().replace("-", " "))
    assert page.url == f"{base}/c/{codes['fietsen']}"
    assert page.inner_text(".status-word").lower() == "geldig"

    search(page, base, "cafe zoe")
    screenshot(page, "search-results")
    assert page.inner_text("h1") == "Zoekresultaten"
    open_first_hit(page)
    assert page.url == f"{base}/c/{codes['cafe']}"
    assert "Café Zoë V.O.F." in page.inner_text("h1")

    search(page, base, "1234 5678")
    open_first_hit(page)
    assert page.url == f"{base}/c/{codes['fietsen']}"

    search(page, base, "https://www.fietsen.example/shop/fietsen?kleur=rood")
    assert "gecontroleerd bij de audit" in page.inner_text(".hits")
    open_first_hit(page)
    assert page.url == f"{base}/c/{codes['fietsen']}"

    code = codes["fietsen"]
    search(page, base, code[:-1] + ("0" if code[-1] != "0" else "1"))
    assert "controleteken past niet" in page.inner_text("main")


def test_the_browser_verifies_the_certificate_itself(page: Any, served: Served) -> None:
    page.goto(f"{served.url}/c/{served.codes['fietsen']}")
    assert browser_result(page) == "passed", steps(page)
    done = steps(page)
    assert all(outcome in ("passed", "unavailable") for outcome, _ in done), done
    assert any("Ed25519" in text and outcome == "passed" for outcome, text in done), done
    if page.evaluate("fetch('/log/checkpoint').then(r => r.ok)"):  # the log is served
        assert any("transparantielogboek" in t and o == "passed" for o, t in done), done
        assert any("sluit aan" in t and o == "passed" for o, t in done), done
    assert "zelf gecontroleerd" in page.inner_text("#browser-result")
    assert page.errors == []  # type: ignore[attr-defined]  # no CSP violation, no script error
    screenshot(page, "certificate-nl")


def test_a_suspended_certificate_still_verifies_and_says_suspended(
    page: Any, served: Served
) -> None:
    page.goto(f"{served.url}/c/{served.codes['suspended']}?lang=en")
    assert page.inner_text(".status-word").lower() == "suspended"
    assert "klachten niet behandeld" in page.inner_text(".status")
    assert browser_result(page) == "passed", steps(page)
    screenshot(page, "certificate-suspended-en")


def _tamper_credential(path: str, body: bytes) -> bytes:
    if not re.fullmatch(r"/api/v1/certificates/[^/]+/credential", path):
        return body
    header, payload, signature = body.decode().split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["validUntil"] = "2099-01-01T00:00:00Z"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}".encode()


def _tamper_checkpoint(path: str, body: bytes) -> bytes:
    if not re.fullmatch(r"/api/v1/certificates/[^/]+/proof", path):
        return body
    head, _, note = body.partition(b"\n\n")
    lines = note.split(b"\n")
    lines[2] = (b"A" if lines[2][:1] != b"A" else b"B") + lines[2][1:]  # the root hash
    return head + b"\n\n" + b"\n".join(lines)


def test_a_tampered_credential_fails_in_the_browser_while_the_server_says_valid(
    page: Any, served: Served, proxy: Proxy
) -> None:
    proxy.rewrites.append(_tamper_credential)
    page.goto(f"{proxy.url}/c/{served.codes['fietsen']}?lang=en")
    assert page.inner_text(".status-word").lower() == "valid"  # the page itself is honest
    server = steps(page, "#server-steps li")
    assert server and all(
        "step-passed" in outcome or "step-unavailable" in outcome for outcome, _ in server
    )
    assert browser_result(page) == "failed"
    failed = [text for outcome, text in steps(page) if outcome == "failed"]
    assert any("signature" in text for text in failed), failed
    assert "FAILED" in page.inner_text("#browser-result")
    screenshot(page, "certificate-tampered-credential")


def test_a_tampered_checkpoint_fails_in_the_browser(
    page: Any, served: Served, proxy: Proxy
) -> None:
    page.goto(f"{served.url}/")
    if not page.evaluate(
        f"fetch('/api/v1/certificates/{served.codes['cafe']}/proof').then(r => r.ok)"
    ):
        pytest.skip("the registry serves no proof bundles yet")
    proxy.rewrites.append(_tamper_checkpoint)
    page.goto(f"{proxy.url}/c/{served.codes['cafe']}?lang=en")
    assert browser_result(page) == "failed"
    failed = [text for outcome, text in steps(page) if outcome == "failed"]
    assert any("transparency log" in text for text in failed), failed


def test_browsers_without_ed25519_get_the_servers_check(browser: Any, served: Served) -> None:
    context = browser.new_context()
    context.add_init_script(
        "const importKey = crypto.subtle.importKey.bind(crypto.subtle);"
        "crypto.subtle.importKey = (format, data, algorithm, ...rest) =>"
        "  algorithm && algorithm.name === 'Ed25519'"
        "    ? Promise.reject(new DOMException('unsupported', 'NotSupportedError'))"
        "    : importKey(format, data, algorithm, ...rest);"
    )
    tab = context.new_page()
    tab.goto(f"{served.url}/c/{served.codes['fietsen']}?lang=en")
    assert browser_result(tab) == "unsupported"
    assert "cannot check Ed25519 signatures itself" in tab.inner_text("#browser-result")
    assert tab.is_visible("#server-steps")
    context.close()


def test_dutch_and_english_both_render(browser: Any, served: Served) -> None:
    code = served.codes["fietsen"]
    for locale, query, lang, word in [
        ("nl-NL", "", "nl", "Geldig"),
        ("nl-NL", "?lang=en", "en", "Valid"),
        ("en-GB", "", "en", "Valid"),
        ("de-DE", "", "nl", "Geldig"),
    ]:
        context = browser.new_context(locale=locale)
        tab = context.new_page()
        tab.goto(f"{served.url}/c/{code}{query}")
        assert tab.get_attribute("html", "lang") == lang, locale
        assert tab.inner_text(".status-word").lower() == word.lower(), locale
        if query:
            screenshot(tab, "certificate-en")
        context.close()


def test_pages_have_no_horizontal_scroll_at_360_px(browser: Any, served: Served) -> None:
    context = browser.new_context(viewport=NARROW, device_scale_factor=1, is_mobile=True)
    tab = context.new_page()
    codes = served.codes
    for name, path in [
        ("home", "/"),
        ("results", "/?q=gnp"),
        ("certificate", f"/c/{codes['fietsen']}"),
        ("certificate-hostile", f"/c/{codes['hostile']}"),
        ("certificate-withdrawn", f"/c/{codes['withdrawn']}"),
        ("scheme", "/schemes/webwinkel"),
        ("body", "/bodies/keurcontrole"),
        ("log", "/log"),
        ("not-found", "/c/TL-0000-0000-0"),
    ]:
        tab.goto(served.url + path)
        if name.startswith("certificate"):
            browser_result(tab)
        width = tab.evaluate("document.documentElement.scrollWidth")
        assert width <= NARROW["width"], (name, width)
        screenshot(tab, f"360-{name}")
    context.close()


def _pdf_pages(pdf: bytes) -> int:
    """The page count of a PDF Chromium printed (its page objects)."""
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


@pytest.mark.parametrize("role", ["cafe", "fietsen", "withdrawn"])
def test_print_is_one_clean_certificate(browser: Any, served: Served, role: str) -> None:
    context = browser.new_context(locale="nl-NL")
    tab = context.new_page()
    tab.goto(f"{served.url}/c/{served.codes[role]}")
    tab.emulate_media(media="print")
    assert not tab.is_visible("#verify") and not tab.is_visible(".site-footer")
    assert not tab.is_visible(".snippets") and not tab.is_visible(".report")
    assert tab.is_visible(".status") and tab.is_visible("svg.qr")
    assert tab.is_visible(".criteria")  # what was checked
    stamp = tab.inner_text(".print-stamp")  # the status is that of the moment of printing
    assert "Afgedrukt op" in stamp and str(datetime.now(UTC).year) in stamp
    pdf = tab.pdf(format="A4")
    assert _pdf_pages(pdf) == 1, _pdf_pages(pdf)
    context.close()


def test_ended_certificates_offer_no_badge_snippets(browser: Any, served: Served) -> None:
    context = browser.new_context()
    tab = context.new_page()
    tab.goto(f"{served.url}/c/{served.codes['withdrawn']}")
    assert tab.locator("code.snippet").count() == 0
    tab.goto(f"{served.url}/c/{served.codes['fietsen']}")
    assert tab.locator("code.snippet").count() == 4
    context.close()


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/?q=cafe",
        "/?q=TL-0000-0000-1",
        "/c/{fietsen}",
        "/c/{suspended}?lang=en",
        "/c/{hostile}",
        "/schemes/webwinkel",
        "/bodies/keurcontrole",
        "/log",
        "/c/TL-0000-0000-0",
    ],
)
def test_axe_finds_no_serious_violation(
    browser: Any, served: Served, axe_source: str, path: str
) -> None:
    # axe is injected as an inline script, which the pages' CSP rightly forbids: this
    # context alone bypasses it.
    context = browser.new_context(bypass_csp=True)
    tab = context.new_page()
    tab.goto(served.url + path.format(**served.codes))
    if path.startswith("/c/{"):
        browser_result(tab)  # let the check finish, so axe sees its result too
    tab.add_script_tag(content=axe_source)
    violations = tab.evaluate(
        "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v => "
        "({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))})))"
    )
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == [], json.dumps(serious, indent=1)
    context.close()
