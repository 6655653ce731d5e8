"""robots.txt, sitemaps, security.txt, and the pages problem types open."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from litestar.testing import TestClient

from registry.app import create_app
from registry.config import Settings
from registry.edge.problem_catalogue import CATALOGUE
from registry.wellknown import sitemaps
from tests.support.world import World

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
ROOT = Path(__file__).resolve().parents[2]


def test_robots_and_sitemaps_list_every_certificate_page(world: World) -> None:
    codes = [world.certify() for _ in range(3)]
    robots = world.client.get("/robots.txt")
    assert robots.headers["content-type"].startswith("text/plain")
    assert "Sitemap: https://registry.test/sitemap.xml" in robots.text
    index = ET.fromstring(world.client.get("/sitemap.xml").content)  # noqa: S314  # our own answer
    files = [loc.text or "" for loc in index.findall("s:sitemap/s:loc", NS)]
    assert files == [
        "https://registry.test/sitemaps/pages.xml",
        "https://registry.test/sitemaps/certificates-1.xml",
    ]
    listed: list[str] = []
    for url in files:
        path = url.removeprefix("https://registry.test")
        urlset = ET.fromstring(world.client.get(path).content)  # noqa: S314  # our own answer
        listed += [loc.text or "" for loc in urlset.findall("s:url/s:loc", NS)]
    assert [f"https://registry.test/c/{c}" for c in codes] == [u for u in listed if "/c/" in u]
    assert "https://registry.test/schemes/webwinkel" in listed
    assert world.client.get("/sitemaps/certificates-2.xml").status_code == 404
    assert world.client.get("/sitemaps/other.xml").status_code == 404


def test_sitemap_files_split_at_the_limit(world: World) -> None:
    codes = [world.certify() for _ in range(5)]
    registry = world.client.app.state.services
    with registry.uow.db.read() as session:
        assert sitemaps.file_count(session, per_file=2) == 3
        pages = [sitemaps.certificates(session, "", n, per_file=2) for n in (1, 2, 3, 4)]
    assert pages[3] is None
    found = [re.findall(r"/c/([^<]+)", (p or b"").decode()) for p in pages[:3]]
    assert found == [codes[0:2], codes[2:4], codes[4:5]]
    assert sitemaps.PER_FILE == 50_000


def test_security_txt_follows_rfc_9116(settings: Settings, clock: Any, service: Any) -> None:
    configured = Settings(**{**settings.__dict__, "security_contact": "security@registry.test"})
    with TestClient(create_app(configured, clock=clock, keyring=service.uow.keyring)) as client:
        response = client.get("/.well-known/security.txt")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    fields = dict(line.split(": ", 1) for line in response.text.strip().splitlines())
    assert fields["Contact"] == "mailto:security@registry.test"
    assert fields["Expires"] == "2026-11-28T12:00:00Z"  # 180 days after the test clock
    assert fields["Canonical"] == "https://registry.test/.well-known/security.txt"


def test_without_a_contact_there_is_no_security_txt(client: TestClient[Any]) -> None:
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 404
    assert "REGISTRY_SECURITY_CONTACT" in response.json()["detail"]


def test_every_problem_type_opens_a_page_in_both_languages(client: TestClient[Any]) -> None:
    source = "\n".join(p.read_text() for p in (ROOT / "registry").rglob("*.py"))
    rules = set(re.findall(r'rule\s*=\s*"([a-z-]+)"', source))
    rules |= set(re.findall(r'^\s+\d{3}: "([a-z-]+)",$', source, re.M))  # HTTP statuses' names
    rules |= set(re.findall(r'"(internal-error|invalid-input|unsupported-media-type)"', source))
    assert rules - CATALOGUE.keys() == set()
    for rule in sorted(rules):
        for language, word in (("nl", CATALOGUE[rule].title_nl), ("en", CATALOGUE[rule].title_en)):
            page = client.get(f"/problems/{rule}?lang={language}")
            assert page.status_code == 200, rule
            assert f'<html lang="{language}">' in page.text and word in page.text
    assert client.get("/problems/no-such-thing").status_code == 404


def test_problem_types_live_under_the_public_url(client: TestClient[Any]) -> None:
    body = client.get("/api/v1/certificates/TL-0000-0000-0").json()
    assert body["type"].startswith("https://registry.test/problems/")
    assert client.get(body["type"].removeprefix("https://registry.test")).status_code == 200
