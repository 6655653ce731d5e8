"""The live badge: every variant parses as XML and says the live status; status changes
show at once; domain binding; hostile names stay inert text."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # our own output, parsed to check it
from itertools import product
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from registry.bootstrap import Services
from registry.certificates.badges import (
    BadgeAddress,
    BadgeFacts,
    Variant,
    badge_address,
    badge_text,
    render_badge,
)
from registry.edge.templating import environment
from registry.misuse import foreign_embeds as badge_stats
from tests.support.world import World
from tests.web.conftest import Site

SVG_NS = "{http://www.w3.org/2000/svg}"
PUBLIC = "https://registry.test"
WORDS = {
    "nl": {"valid": "Geldig", "suspended": "Geschorst", "withdrawn": "Ingetrokken"},
    "en": {"valid": "Valid", "suspended": "Suspended", "withdrawn": "Withdrawn"},
}
FOREIGN = {"nl": "Niet geverifieerd voor deze site", "en": "Not verified for this site"}


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314  # our own output, parsed to check it


def tspan(root: ET.Element, name: str) -> str:
    for element in root.iter(f"{SVG_NS}tspan"):
        if element.get("class") == name:
            return element.text or ""
    raise AssertionError(f"no {name} line")


def assert_inert(root: ET.Element) -> None:
    """No script, event handler, foreignObject, or reference outside our certificate page."""
    for element in root.iter():
        tag = element.tag.removeprefix(SVG_NS)
        assert tag not in ("script", "foreignObject", "image", "use", "style", "iframe"), tag
        for name, value in element.attrib.items():
            local = name.rsplit("}", 1)[-1]
            assert not local.lower().startswith("on"), name
            assert "url(" not in value and "javascript:" not in value.lower(), name
            if local in ("href", "src"):
                assert value.startswith(PUBLIC + "/"), value


def test_every_variant_parses_and_says_the_status(site: Site) -> None:
    for role, size, theme, lang in product(
        ("fietsen", "suspended", "withdrawn"), ("small", "large"), ("light", "dark"), ("nl", "en")
    ):
        response = site.client.get(
            f"/badge/{site.codes[role]}.svg", params={"size": size, "theme": theme, "lang": lang}
        )
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("image/svg+xml")
        root = parse(response.text)
        assert root.get("width") == ("240" if size == "small" else "360")
        expected = WORDS[lang][
            "suspended" if role == "suspended" else role.replace("fietsen", "valid")
        ]
        assert tspan(root, "status") == expected, (role, size, theme, lang)
        assert_inert(root)
    fietsen = parse(site.client.get(f"/badge/{site.codes['fietsen']}.svg").text)
    assert tspan(fietsen, "holder") == "Fietsen B.V."
    assert tspan(fietsen, "domain") in ("fietsen.example", "fietsen-outlet.example")
    assert tspan(fietsen, "status") == "Geldig"  # defaults: small, light, Dutch
    links = [a.get("href") for a in fietsen.iter(f"{SVG_NS}a")]
    assert links == [f"{PUBLIC}/c/{site.codes['fietsen']}"]


def test_headers_of_the_badge(site: Site) -> None:
    response = site.client.get(f"/badge/{site.codes['fietsen']}.svg")
    headers = response.headers
    assert headers["content-type"].startswith("image/svg+xml")
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["content-security-policy"] == "default-src 'none'; style-src 'unsafe-inline'"
    assert "Referer" in headers["vary"] and "Origin" in headers["vary"]
    cache = headers["cache-control"]
    assert cache.startswith("public, max-age=") and int(cache.split("=")[1]) <= 300
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"  # the app's own
    assert headers["content-length"] == str(len(response.content))
    again = site.client.get(
        f"/badge/{site.codes['fietsen']}.svg", headers={"If-None-Match": headers["etag"]}
    )
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == headers["etag"]
    assert again.headers["cache-control"] == cache
    assert "content-length" not in again.headers or again.headers["content-length"] == "0"
    head = site.client.head(f"/badge/{site.codes['fietsen']}.svg")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(response.content))
    assert head.headers["etag"] == headers["etag"]
    lowered = site.client.get(f"/badge/{site.codes['fietsen'].lower()}.SVG")
    assert lowered.content == response.content


def test_badge_addresses() -> None:
    code = "TL-NSW6-RGKQ-N"
    assert badge_address(f"{code}.svg", b"") == BadgeAddress(code, Variant())
    assert badge_address("tl-nsw6-rgkq-n.SVG", b"size=large&theme=dark&lang=en") == (
        BadgeAddress(code, Variant("large", "dark", "en"))
    )
    assert badge_address(code, b"size=huge&theme=&lang=fr&size=large") == BadgeAddress(
        code, Variant()
    )
    assert badge_address("not-a-code.svg", b"lang=en").code is None
    assert badge_address("TL-NSW6-RGKQ-M.svg", b"").code is None  # check character


def test_unknown_and_malformed_codes_get_a_neutral_badge(site: Site) -> None:
    for name, lang, words in [
        ("TL-0000-0000-0.svg", "en", "Not found in the registry"),
        ("not-a-code.svg", "nl", "Niet gevonden in het register"),
        ("<script>.svg", "nl", "Niet gevonden in het register"),
    ]:
        response = site.client.get(f"/badge/{name}", params={"lang": lang})
        assert response.status_code == 200
        root = parse(response.text)
        assert tspan(root, "status") == words
        assert "script" not in response.text.lower()
        assert_inert(root)


def test_a_malformed_code_badge_says_so_in_its_accessible_name(site: Site) -> None:
    for lang, words in [("nl", "dit is geen certificaatcode"), ("en", "not a certificate code")]:
        text = site.client.get("/badge/not-a-code.svg", params={"lang": lang}).text
        name = re.search(r'aria-label="([^"]*)"', text)
        assert name and words in name.group(1) and "?" not in name.group(1), name


def test_unknown_variants_fall_back_to_the_defaults(site: Site) -> None:
    code = site.codes["fietsen"]
    odd = site.client.get(
        f"/badge/{code}.svg", params={"size": "huge", "theme": "<x>", "lang": "de"}
    )
    plain = site.client.get(f"/badge/{code}.svg")
    assert odd.status_code == 200 and odd.text == plain.text


def test_a_status_change_shows_in_the_next_badge(world: World) -> None:
    code = world.certify()
    first = world.client.get(f"/badge/{code}.svg", params={"lang": "en"})
    assert tspan(parse(first.text), "status") == "Valid"
    suspended = world.post(
        f"/api/v1/certificates/{code}/suspend", world.admin, {"reason": "complaints"}
    )
    assert suspended.status_code == 200
    after = world.client.get(
        f"/badge/{code}.svg",
        params={"lang": "en"},
        headers={"If-None-Match": first.headers["etag"]},
    )
    assert after.status_code == 200 and after.headers["etag"] != first.headers["etag"]
    assert tspan(parse(after.text), "status") == "Suspended"


def _foreign_counts(world: World, service: Services, code: str) -> dict[str, int]:
    """The counter as staff and the body see it beside misuse reports, once the server
    has written the showings it counted in memory."""
    world.client.app.state.services.misuse.flush_foreign_badges()
    with service.uow.db.read() as session:
        found = badge_stats.summaries(session, ["copycat.example", "127.0.0.1"], None)
    return {d: s.total for d, rows in found.items() for s in rows if s.certificate == code}


def test_domain_binding(world: World, service: Services) -> None:
    code = world.certify()  # covers www.fietsen.example and fietsen-outlet.example
    path = f"/badge/{code}.svg"

    def status(**headers: str) -> tuple[str, str]:
        response = world.client.get(path, params={"lang": "en"}, headers=headers)
        return tspan(parse(response.text), "status"), response.headers["etag"]

    plain, plain_etag = status()
    assert plain == "Valid"
    assert status(Referer="https://fietsen.example/shop/cart")[0] == "Valid"
    assert status(Origin="https://www.fietsen-outlet.example")[0] == "Valid"
    assert status(Referer=f"{PUBLIC}/c/{code}")[0] == "Valid"  # our own page: not counted
    foreign, foreign_etag = status(Referer="https://copycat.example/")
    assert foreign == FOREIGN["en"] and foreign_etag != plain_etag
    assert status(Origin="https://www.copycat.example")[0] == FOREIGN["en"]
    nl = world.client.get(path, headers={"Referer": "https://copycat.example/x"})
    assert tspan(parse(nl.text), "status") == FOREIGN["nl"]
    assert status(Referer="http://127.0.0.1:9999/")[0] == FOREIGN["en"]  # shown, not counted
    assert _foreign_counts(world, service, code) == {"copycat.example": 3}


def test_the_svg_template_is_autoescaped() -> None:
    assert environment("nl").autoescape is True
    facts = BadgeFacts(
        state="valid",
        link=f"{PUBLIC}/c/TL-0000-0000-0",
        scheme="<script>alert(1)</script>",
        holder='"/><script>alert(2)</script>',
        domain="shop.example",
    )
    svg = render_badge(facts, Variant())
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert_inert(parse(svg))


HOSTILE = st.one_of(
    st.text(max_size=300),
    st.text(
        alphabet=st.sampled_from("<>&\"'/ =\u202e\u202c\u2066\u200f\x00\x1b\ufffeaZ"), max_size=80
    ),
    st.text(min_size=200, max_size=2000),
    st.sampled_from(
        [
            '<script>alert("x")</script>',
            "\u202egnp.exe\u202c",
            "x" * 5000,
            "'\"><svg onload=alert(1)>",
        ]
    ),
)


@settings(max_examples=50, deadline=None)
@given(
    holder=HOSTILE,
    scheme=HOSTILE,
    size=st.sampled_from(["small", "large"]),
    theme=st.sampled_from(["light", "dark"]),
    lang=st.sampled_from(["nl", "en"]),
    state=st.sampled_from(["valid", "suspended", "withdrawn", "expired", "foreign"]),
)
def test_any_names_give_an_inert_badge_that_shows_them(
    holder: str, scheme: str, size: Any, theme: Any, lang: Any, state: Any
) -> None:
    facts = BadgeFacts(
        state=state,
        link=f"{PUBLIC}/c/TL-0000-0000-0",
        scheme=scheme,
        holder=holder,
        domain="shop.example",
    )
    root = parse(render_badge(facts, Variant(size, theme, lang)))
    assert_inert(root)
    for name, value in (("holder", holder), ("scheme", scheme)):
        shown = tspan(root, name)
        assert not any(c in shown for c in "\u202e\u202c\u2066\u200f\x00")
        cleaned = badge_text(value)
        assert cleaned.startswith(shown.removesuffix("\u2026").rstrip())
        assert len(shown) <= 40
        if cleaned:
            assert shown
