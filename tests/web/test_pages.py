"""The pages people read: what they show, in which language, and how they are served.

Read-only tests against one populated registry per backend (``site``); tests that change
the registry live in ``test_changes.py``.
"""

from __future__ import annotations

import re

import pytest

from registry.edge.qr import qr_path
from tests.support.world import World
from tests.web.conftest import Site

PAGES = [
    "/",
    "/?q=fiets",
    "/?q=TL-0000-0000-0",
    "/c/{fietsen}",
    "/c/{suspended}",
    "/c/{withdrawn}",
    "/c/{hostile}",
    "/schemes/webwinkel",
    "/bodies/keurcontrole",
    "/log",
    "/c/TL-0000-0000-0",
    "/c/not-a-code",
    "/schemes/nope",
    "/bodies/nope",
]


def main_of(html: str) -> str:
    return html.split('<main id="main"', 1)[1].split("</main>", 1)[0]


def text_of(html: str) -> str:
    """The visible words: inline tags vanish, block tags separate."""
    inline = re.sub(r"</?(?:bdi|a|strong|code|time)\b[^>]*>", "", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", inline))


def status_block(html: str) -> str:
    return main_of(html).split("</section>", 1)[0]


def test_the_certificate_page_puts_the_status_first(site: Site) -> None:
    code = site.codes["fietsen"]
    page = site.client.get(f"/c/{code}")
    assert page.status_code == 200
    first = status_block(page.text)
    assert first.split(">", 1)[1].lstrip().startswith('<section class="status status-valid"')
    assert '<span class="status-word">Geldig</span>' in first
    assert main_of(page.text).count("<h1") == 1 and "<h1" in first
    assert "Geldig tot 1 juni 2027." in text_of(first)
    assert code in first
    assert '<svg class="icon"' in first and 'aria-hidden="true"' in first  # icon and words


@pytest.mark.parametrize(
    ("role", "dutch", "english", "reason"),
    [
        ("suspended", "Geschorst", "Suspended", "klachten niet behandeld"),
        ("withdrawn", "Ingetrokken", "Withdrawn", "bedrijf beëindigd"),
    ],
)
def test_a_changed_status_shows_its_words_reason_and_date(
    site: Site, role: str, dutch: str, english: str, reason: str
) -> None:
    code = site.codes[role]
    nl = site.client.get(f"/c/{code}").text
    assert f'<span class="status-word">{dutch}</span>' in nl
    status = text_of(status_block(nl))
    assert f"Reden {reason}" in status and "Sinds 1 juni 2026" in status
    en = site.client.get(f"/c/{code}", params={"lang": "en"}).text
    assert f'<span class="status-word">{english}</span>' in en
    assert "Since 1 June 2026" in text_of(status_block(en))


def test_the_certificate_page_shows_holder_scheme_and_who_checked(site: Site) -> None:
    code = site.codes["fietsen"]
    text = text_of(main_of(site.client.get(f"/c/{code}", params={"lang": "en"}).text))
    for expected in [
        "Fietsen B.V.",
        "KvK number 12345678",
        "Scope Online sales of bicycles",
        "www.fietsen.example checked in the audit",
        "fietsen-outlet.example checked in the audit",
        "Scheme Web Shop Label",
        "Version 1",
        "Certification body Keurcontrole B.V.",
        "by Raad voor Accreditatie, registration C 123",
        "scope: Web Shop Label",
        "Audit completed 24 May 2026",
        "Certificate issued 1 June 2026",
        "Certificate issued · Initial audit",
    ]:
        assert expected in text, expected
    assert re.search(r"Auditor p-[0-9a-f]+ \(a pseudonymous id", text)


def test_criteria_are_grouped_by_trust_dimension(site: Site) -> None:
    html = site.client.get(f"/c/{site.codes['fietsen']}", params={"lang": "en"}).text
    headings = re.findall(r'<h3 id="dim-(\w+)"', html)
    assert headings == ["competence", "reliability", "integrity", "benevolence"]
    competence = html.split('id="dim-competence"', 1)[1].split('id="dim-reliability"', 1)[0]
    assert "WS-2.1" in competence and "Secure payment" in competence
    assert "TLS and payment provider." in competence  # what exactly is checked
    assert "Technical test" in competence and "Meets the criterion" in competence
    benevolence = html.split('id="dim-benevolence"', 1)[1]
    assert "WS-4.1" in benevolence and "optional" in benevolence
    dutch = site.client.get(f"/c/{site.codes['fietsen']}").text
    assert "Bekwaamheid" in dutch and "Veilige betaling" in dutch and "Technische test" in dutch


def test_a_dimension_without_criteria_says_nothing_is_promised(site: Site) -> None:
    html = site.client.get(f"/c/{site.codes['hostile']}", params={"lang": "en"}).text
    benevolence = html.split('id="dim-benevolence"', 1)[1].split("</section>", 1)[0]
    assert "Nothing is checked for this dimension under this label." in benevolence


def test_an_unknown_code_is_a_clear_404(site: Site) -> None:
    page = site.client.get("/c/TL-0000-0000-0")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "Niet in het register" in page.text and "TL-0000-0000-0" in page.text
    english = site.client.get("/c/TL-0000-0000-0", params={"lang": "en"})
    assert english.status_code == 404 and "Not in the registry" in english.text
    again = site.client.get("/c/TL-0000-0000-0")  # kept, and still a 404 in Dutch
    assert (again.status_code, again.text) == (404, page.text)
    head = site.client.head("/c/TL-0000-0000-0")
    assert head.status_code == 404 and head.content == b""
    assert head.headers["content-length"] == page.headers["content-length"]


def test_a_mistyped_code_in_the_address_is_a_404_that_says_why(site: Site) -> None:
    code = site.codes["fietsen"]
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    page = site.client.get(f"/c/{wrong}", params={"lang": "en"})
    assert page.status_code == 404
    assert "check character does not match" in page.text
    again = site.client.get(f"/c/{wrong}", params={"lang": "en"})
    assert (again.status_code, again.text) == (404, page.text)
    dutch = site.client.get(f"/c/{wrong}")
    assert dutch.status_code == 404 and dutch.text != page.text


def test_a_code_typed_loosely_redirects_to_its_canonical_page(site: Site) -> None:
    code = site.codes["fietsen"]
    response = site.client.get(f"/c/{code.lower()}", follow_redirects=False)
    assert response.status_code == 308 and response.headers["location"] == f"/c/{code}"
    response = site.client.get(f"/c/{code.lower()}?lang=en", follow_redirects=False)
    assert response.headers["location"] == f"/c/{code}?lang=en"


def test_the_scheme_page(site: Site) -> None:
    page = site.client.get("/schemes/webwinkel", params={"lang": "en"})
    text = text_of(main_of(page.text))
    for expected in [
        "Web Shop Label",
        "Owner of the label Stichting Keur",
        "Who audits Accredited bodies",
        "Accreditation required yes",
        "Surveillance audits every 12 months",
        "Longest validity 12 months",
        "3 organisations hold a valid certificate.",
        "A label of Stichting Keur. 3 organisations",  # two sentences, not run together
        "Version 2 (current), published 1 June 2026",
        "Version 1, published 1 June 2026",
        "WS-3.1 Delivery",
        "Test order delivered on time.",
        "Mystery shopping",
    ]:
        assert expected in text, expected
    for code in site.codes.values():
        assert f"/c/{code}" in page.text
    missing = site.client.get("/schemes/nope")
    assert missing.status_code == 404 and "Niet gevonden" in missing.text


def test_the_body_page(site: Site) -> None:
    page = site.client.get("/bodies/keurcontrole", params={"lang": "en"})
    text = text_of(main_of(page.text))
    for expected in [
        "Keurcontrole B.V.",
        "Website https://keurcontrole.example",
        "Accredited by Raad voor Accreditatie",
        "Registration C 123",
        "1 January 2025 to 31 December 2029 (active)",
        "Scope Web Shop Label",
        "Fietsen B.V.",
        "Café Zoë V.O.F.",
    ]:
        assert expected in text, expected
    for code in site.codes.values():
        assert f"/c/{code}" in page.text
    missing = site.client.get("/bodies/nope", params={"lang": "en"})
    assert missing.status_code == 404 and "Not found" in missing.text


def test_the_log_page_shows_the_checkpoint_and_how_to_monitor(site: Site) -> None:
    page = site.client.get("/log", params={"lang": "en"})
    assert page.status_code == 200
    assert "registry log monitor https://registry.test" in page.text
    checkpoint = site.client.get("/log/checkpoint")
    if checkpoint.status_code == 200:  # the log's endpoints exist
        origin, size = checkpoint.text.split("\n")[:2]
        assert origin in page.text and f"\n{size}\n" in page.text
        assert "certificate.withdrawn" in page.text and site.codes["withdrawn"] in page.text


def test_the_qr_code_encodes_the_page_address(site: Site) -> None:
    code = site.codes["fietsen"]
    html = site.client.get(f"/c/{code}").text
    expected = qr_path(f"https://registry.test/c/{code}")
    assert f'd="{expected.path}"' in html
    svg = html.split('<svg class="qr"', 1)[1].split("</svg>", 1)[0]
    assert set(re.findall(r"<(\w+)", svg)) == {"title", "rect", "path"}
    assert 'role="img"' in html.split('<svg class="qr"', 1)[1].split(">", 1)[0]


def test_the_server_checks_the_credential_and_shows_it(site: Site) -> None:
    html = site.client.get(f"/c/{site.codes['fietsen']}", params={"lang": "en"}).text
    server = html.split('id="server-steps"', 1)[1].split("</ol>", 1)[0]
    assert server.count("step-passed") >= 2 and "step-failed" not in server
    assert 'src="/static/verify.js?v=' in html
    assert 'data-credential-url="/api/v1/certificates/' in html
    script = site.client.get(re.search(r'src="(/static/verify\.js\?v=\w+)"', html).group(1))  # type: ignore[union-attr]
    assert script.status_code == 200 and "crypto.subtle" in script.text
    assert "javascript" in script.headers["content-type"]


def test_dutch_by_default_english_by_choice_or_by_browser(site: Site) -> None:
    client, code = site.client, site.codes["fietsen"]
    assert '<html lang="nl">' in client.get("/").text
    assert '<html lang="en">' in client.get("/", params={"lang": "en"}).text
    english = client.get(f"/c/{code}", headers={"Accept-Language": "en-GB,en;q=0.9,nl;q=0.5"})
    assert '<html lang="en">' in english.text and "Valid" in english.text
    assert english.headers["vary"] == "Accept-Language, Accept-Encoding"
    dutch = client.get("/", headers={"Accept-Language": "de-DE, nl;q=0.4, en;q=0.3"})
    assert '<html lang="nl">' in dutch.text
    assert '<html lang="nl">' in client.get("/", headers={"Accept-Language": "fr"}).text
    chosen = client.get("/", params={"lang": "en"}).text
    assert 'href="/log?lang=en"' in chosen  # a chosen language sticks to the links
    assert 'href="/?lang=nl" lang="nl" hreflang="nl"' in chosen
    assert "Keurmerkregister" in client.get("/").text and "Trust Label Registry" in chosen


def test_every_page_is_served_safely(site: Site) -> None:
    for template in PAGES:
        path = template.format(**site.codes)
        response = site.client.get(path)
        assert response.status_code in (200, 404), path
        assert "set-cookie" not in response.headers, path
        csp = response.headers["content-security-policy"]
        for directive in [
            "default-src 'none'",
            "script-src 'self'",
            "frame-ancestors 'none'",
            "object-src 'none'",
            "base-uri 'none'",
        ]:
            assert directive in csp, (path, directive)
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
        inline = re.findall(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))", response.text)
        assert inline == [], path  # scripts come from our origin; JSON data blocks do not run
        assert response.headers["etag"].startswith('"')
        assert re.fullmatch(
            r"public, max-age=\d+(, must-revalidate)?", response.headers["cache-control"]
        )
        assert re.search(r"<title>[^<]+ · Keurmerkregister</title>", response.text), path


def test_every_page_answers_head(site: Site) -> None:
    for template in [*PAGES, "/static/site.css", "/static/verify.js"]:
        path = template.format(**site.codes)
        got = site.client.get(path)
        head = site.client.head(path)
        assert head.status_code == got.status_code, path
        assert head.content == b"", path
        assert head.headers["etag"] == got.headers["etag"], path
        assert head.headers["content-length"] == got.headers["content-length"], path


def test_kept_pages_are_sent_gzipped_to_those_who_accept_it(site: Site) -> None:
    path = f"/c/{site.codes['fietsen']}"
    zipped = site.client.get(path, headers={"Accept-Encoding": "gzip"})
    plain = site.client.get(path, headers={"Accept-Encoding": "identity"})
    refused = site.client.get(path, headers={"Accept-Encoding": "br, gzip;q=0"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert "content-encoding" not in plain.headers and "content-encoding" not in refused.headers
    assert zipped.text == plain.text == refused.text  # the client decompressed the first
    assert int(zipped.headers["content-length"]) * 3 < int(plain.headers["content-length"])
    for answer in (zipped, plain):
        assert answer.headers["vary"] == "Accept-Language, Accept-Encoding"
    assert zipped.headers["etag"] != plain.headers["etag"]
    again = site.client.get(
        path, headers={"Accept-Encoding": "identity", "If-None-Match": plain.headers["etag"]}
    )
    assert again.status_code == 304


def test_a_matching_etag_gives_not_modified(site: Site) -> None:
    client, code = site.client, site.codes["fietsen"]
    etag = client.get(f"/c/{code}").headers["etag"]
    again = client.get(f"/c/{code}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag and "max-age" in again.headers["cache-control"]
    assert client.get(f"/c/{code}", headers={"If-None-Match": f'"x", W/{etag}'}).status_code == 304
    english = client.get(f"/c/{code}", params={"lang": "en"}, headers={"If-None-Match": etag})
    assert english.status_code == 200  # another language is another representation


def test_an_unknown_address_answers_a_browser_with_a_page_in_its_language(site: Site) -> None:
    browser = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    dutch = site.client.get("/geen-pagina", headers={**browser, "accept-language": "nl"})
    assert dutch.status_code == 404
    assert dutch.headers["content-type"].startswith("text/html")
    assert "Niet gevonden" in dutch.text and "content-security-policy" in dutch.headers
    english = site.client.get("/no-such-page", headers={**browser, "accept-language": "en"})
    assert english.status_code == 404 and "Not found" in english.text
    assert english.headers["content-language"] == "en"
    # A client that does not ask for a page, and anything under /api/, gets the problem.
    for path, headers in [
        ("/no-such-page", {"accept": "application/json"}),
        ("/api/v1/nothing-here", browser),
    ]:
        answer = site.client.get(path, headers=headers)
        assert answer.status_code == 404
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert answer.json()["type"].endswith("/problems/not-found")


def test_idn_domains_are_shown_in_unicode_with_ascii_beside_look_alikes(world: World) -> None:
    # "аpple" begins with a Cyrillic а: it imitates a Latin name, so its A-label stands beside.
    code = world.certify(
        organisation={"legal_name": "Bücherei", "country": "NL", "registration_number": "55556666"},
        domains=["https://bücher-zoë.example/", "https://\u0430pple-shop.example/"],
    )
    page = world.client.get(f"/c/{code}?lang=en").text
    assert "<bdi>bücher-zoë.example</bdi>" in page
    assert "xn--bcher-zo-" not in page.split('id="status-title"', 1)[1].split("</section>", 2)[1]
    imitation = "xn--pple-shop-zyh.example"
    assert (
        f'<bdi>\u0430pple-shop.example</bdi> <span class="host-ascii">({imitation})</span>' in page
    )
    found = world.client.get("/", params={"q": "bücher-zoë.example", "lang": "en"}).text
    assert "<bdi>bücher-zoë.example</bdi>" in found
    badge = world.client.get(f"/badge/{code}.svg?lang=en").text
    assert "bücher-zoë.example" in badge  # the first audited domain, in Unicode
