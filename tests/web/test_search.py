"""The one search box: codes, names, KvK numbers and web addresses each find the right
certificate, on SQLite and PostgreSQL, through the database's index."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
import sqlalchemy as sa

from registry.domain.codes import ALPHABET
from registry.search.service import Search
from tests.web.conftest import Site

SIMILAR = 'id="similar-title"'


def codes_in(html: str) -> list[str]:
    """The codes the page lists as found (not those it offers as similar names)."""
    return re.findall(r'href="/c/(TL-[0-9A-Z-]+)', html.split(SIMILAR, 1)[0])


def similar_in(html: str) -> list[str]:
    """The codes the page offers as similar names ("did you mean"), in their order."""
    _, similar = html.split(SIMILAR, 1) if SIMILAR in html else ("", "")
    return re.findall(r'href="/c/(TL-[0-9A-Z-]+)', similar)


def mistype_check(code: str) -> str:
    return code[:-1] + next(c for c in ALPHABET if c != code[-1])


TYPINGS: dict[str, Callable[[str], str]] = {
    "canonical": lambda code: code,
    "lowercase": lambda code: code.lower(),
    "spaces": lambda code: " " + code.replace("-", " ").lower() + " ",
    "bare": lambda code: code.removeprefix("TL-").replace("-", ""),
    "en-dashes": lambda code: code.replace("-", "\u2013"),
    "letters-for-digits": lambda code: code[:3] + code[3:].replace("0", "O").replace("1", "l"),
}


@pytest.mark.parametrize("typing", TYPINGS)
def test_a_code_as_typed_leads_to_its_page(site: Site, typing: str) -> None:
    code = site.codes["fietsen"]
    response = site.client.get("/", params={"q": TYPINGS[typing](code)}, follow_redirects=False)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"/c/{code}"
    assert "set-cookie" not in response.headers


def test_a_found_code_keeps_the_chosen_language(site: Site) -> None:
    code = site.codes["cafe"]
    response = site.client.get("/", params={"q": code, "lang": "en"}, follow_redirects=False)
    assert response.headers["location"] == f"/c/{code}?lang=en"


def test_a_mistyped_check_character_says_so_in_both_languages(site: Site) -> None:
    typed = mistype_check(site.codes["fietsen"])
    dutch = site.client.get("/", params={"q": typed})
    assert dutch.status_code == 200
    assert "Deze code klopt niet: het controleteken past niet bij de rest." in dutch.text
    english = site.client.get("/", params={"q": typed, "lang": "en"})
    assert "its check character does not match the rest" in english.text
    assert "probably mistyped" in english.text
    assert codes_in(english.text) == []


def test_an_incomplete_code_is_explained(site: Site) -> None:
    page = site.client.get("/", params={"q": "TL-7K3Q-9XP", "lang": "en"})
    assert "This is not a complete certificate code." in page.text


def test_a_well_formed_code_not_in_the_registry_is_reported(site: Site) -> None:
    page = site.client.get("/", params={"q": "TL-0000-0000-0", "lang": "en"})
    assert page.status_code == 200
    assert "Certificate TL-0000-0000-0 is not in the registry." in page.text


def test_a_partial_name_finds_its_organisation_with_its_status(site: Site) -> None:
    page = site.client.get("/", params={"q": "fiets"})
    assert codes_in(page.text) == [site.codes["fietsen"]]
    assert "badge-valid" in page.text and "Geldig" in page.text


def test_results_show_each_status_in_words(site: Site) -> None:
    page = site.client.get("/", params={"q": "bakkerij", "lang": "en"})
    assert codes_in(page.text) == [site.codes["suspended"]]
    assert "badge-suspended" in page.text and "Suspended" in page.text
    page = site.client.get("/", params={"q": "slagerij"})
    assert "badge-withdrawn" in page.text and "Ingetrokken" in page.text


@pytest.mark.parametrize("typed", ["cafe zoe", "CAFÉ", "zoë", "Zoe", "caf zo", "café zoë v.o.f."])
def test_names_match_without_accents_or_case(site: Site, typed: str) -> None:
    page = site.client.get("/", params={"q": typed})
    assert codes_in(page.text) == [site.codes["cafe"]], typed


def test_a_name_that_matches_nothing_says_so(site: Site) -> None:
    page = site.client.get("/", params={"q": "drogisterij", "lang": "en"})
    assert codes_in(page.text) == []
    assert "No organisation with a certificate matches" in page.text


@pytest.mark.parametrize("typed", ["12345678", "1234 5678", "12.34.56.78"])
def test_a_kvk_number_finds_its_certificates(site: Site, typed: str) -> None:
    page = site.client.get("/", params={"q": typed})
    assert codes_in(page.text) == [site.codes["fietsen"]]


def test_an_unknown_kvk_number_says_so(site: Site) -> None:
    page = site.client.get("/", params={"q": "9999 0000", "lang": "en"})
    assert "No certificate is registered for KvK number 99990000." in page.text


@pytest.mark.parametrize(
    "typed",
    [
        "fietsen.example",
        "www.fietsen.example",
        "WWW.Fietsen.Example",
        "https://www.fietsen.example/shop/bikes?id=3#top",
        "http://fietsen-outlet.example:8080/",
    ],
)
def test_a_domain_or_url_finds_the_certificate_covering_it(site: Site, typed: str) -> None:
    page = site.client.get("/", params={"q": typed})
    assert codes_in(page.text) == [site.codes["fietsen"]], typed
    assert "gecontroleerd bij de audit" in page.text


def test_an_uncovered_domain_is_a_clear_no(site: Site) -> None:
    page = site.client.get("/", params={"q": "https://fietsen.example.evil.example/"})
    assert codes_in(page.text) == []
    assert "Geen enkel certificaat in het register dekt" in page.text
    assert "fietsen.example.evil.example" in page.text


def test_a_withdrawn_certificate_is_said_to_have_covered_a_domain_not_to_cover_it(
    site: Site,
) -> None:
    def said(params: dict[str, str]) -> str:
        html = site.client.get("/", params=params).text
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))

    page = site.client.get("/", params={"q": "slagerij.example", "lang": "en"})
    assert codes_in(page.text) == [site.codes["withdrawn"]]
    english = said({"q": "slagerij.example", "lang": "en"})
    assert "covers slagerij.example:" not in english
    assert "No current certificate covers slagerij.example." in english
    assert "1 certificate covered slagerij.example and no longer does" in english
    dutch = said({"q": "slagerij.example"})
    assert "dekt slagerij.example:" not in dutch
    assert "1 certificaat dekte slagerij.example en doet dat niet meer" in dutch
    # A suspended certificate still covers its domain, and its status says the rest.
    suspended = said({"q": "bakkerij.example", "lang": "en"})
    assert "1 certificate covers bakkerij.example:" in suspended
    assert "no longer" not in suspended


def test_an_unusable_address_is_explained(site: Site) -> None:
    page = site.client.get("/", params={"q": "ftp://fietsen.example/", "lang": "en"})
    assert page.status_code == 200
    assert "This is not a web address we can look up." in page.text


def test_an_empty_search_is_the_home_page(site: Site) -> None:
    page = site.client.get("/", params={"q": "   "})
    assert page.status_code == 200
    assert 'id="home-title"' in page.text
    assert 'href="/schemes/webwinkel"' in page.text and 'href="/bodies/keurcontrole"' in page.text


def test_name_search_uses_the_index(site: Site) -> None:
    service = site.service
    statements: list[str] = []

    def record(_conn, _cursor, statement, _parameters, _context, _many) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    sa.event.listen(service.uow.db.engine, "before_cursor_execute", record)
    try:
        assert Search(service.uow.db, service.uow.clock).find("fiets").hits
    finally:
        sa.event.remove(service.uow.db.engine, "before_cursor_execute", record)
    word_starts = [s for s in statements if "registry_fold(organisation.legal_name) ~" in s]
    word_starts += [s for s in statements if "name_fts MATCH" in s]
    similar = [s for s in statements if "<<%" in s or "organisation_trigram MATCH" in s]
    assert word_starts and len(similar) == 1, statements
    with service.uow.db.engine.connect() as connection:
        if service.uow.db.is_sqlite:
            for query in (
                "SELECT rowid FROM organisation_name_fts WHERE organisation_name_fts MATCH '\"fiets\"*'",
                "SELECT rowid FROM organisation_trigram "
                'WHERE organisation_trigram MATCH \'" fi" OR "iet"\' ORDER BY rank',
            ):
                plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {query}").all()
                assert any("VIRTUAL TABLE INDEX" in str(row) for row in plan), plan
        else:
            connection.exec_driver_sql("SET enable_seqscan = off")
            for condition in (
                "registry_fold(legal_name) ~ ('\\m' || registry_fold('fiets'))",
                "registry_fold('fiets') <<%% registry_fold(legal_name)",  # psycopg: %% is one %
            ):
                plan = connection.exec_driver_sql(
                    f"EXPLAIN SELECT id FROM organisation WHERE {condition}"  # noqa: S608
                ).all()
                assert any("ix_organisation_name_folded" in str(row) for row in plan), plan
