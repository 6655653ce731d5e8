"""Public answers never set, read or vary on the session cookie: every public path asked
with and without a signed-in ``__Host-session`` gives the same bytes and no Set-Cookie.

Every GET route of the application is either listed here as public (with an address to
ask) or as one that needs a token or a session, so a new route must be placed."""

from __future__ import annotations

import re
from typing import Any

from litestar.testing import TestClient

from tests.identity.conftest import accept, link_for
from tests.support.smtp import Inbox
from tests.support.world import World

PRIVATE = {
    "/api/v1/me",
    "/api/v1/assessments",
    "/api/v1/assessments/{assessment_id:str}",
    "/api/v1/holder/webhooks",
    "/api/v1/holder/webhooks/{endpoint_id:int}/deliveries",
    "/api/v1/holder/certificates/{code:str}/foreign-embeds",
    "/api/v1/bodies/{slug:str}/foreign-embeds",
    "/api/v1/misuse-reports",
    "/api/v1/organisations/lookalikes",
    "/account",
    "/account/sign-in/totp",
    "/account/invitation/{token:str}",
    "/account/auditor",
    "/account/auditor/new",
    "/account/auditor/drafts/{draft_id:int}",
    "/account/body",
    "/account/body/assessments/{assessment_id:str}",
    "/account/staff",
    "/account/staff/schemes/{slug:str}",
    "/account/holder",
    "/api/v1/certificates/{code:str}/domain-claims",
    "/api/v1/domain-reviews",
}
SCHEMA_VIEWERS = re.compile(r"^/schema(/|$)")  # Litestar's own OpenAPI pages


def public_addresses(code: str, tile: str, log_path: str) -> dict[str, list[str]]:
    return {
        "/healthz": ["/healthz"],
        "/livez": ["/livez"],
        "/.well-known/jwks.json": ["/.well-known/jwks.json"],
        "/api/v1/schemes": ["/api/v1/schemes"],
        "/api/v1/schemes/{slug:str}": ["/api/v1/schemes/webwinkel"],
        "/api/v1/schemes/{slug:str}/versions/{number:int}": [
            "/api/v1/schemes/webwinkel/versions/1"
        ],
        "/api/v1/bodies": ["/api/v1/bodies"],
        "/api/v1/bodies/{slug:str}": ["/api/v1/bodies/keurcontrole"],
        "/api/v1/certificates": ["/api/v1/certificates", "/api/v1/certificates?status=valid"],
        "/api/v1/certificates/{code:str}": [f"/api/v1/certificates/{code}"],
        "/api/v1/certificates/{code:str}/credential": [f"/api/v1/certificates/{code}/credential"],
        "/api/v1/certificates/{code:str}/proof": [f"/api/v1/certificates/{code}/proof"],
        "/api/v1/certificates/{code:str}/assessments": [f"/api/v1/certificates/{code}/assessments"],
        "/api/v1/log/entries": ["/api/v1/log/entries?start=0&end=2"],
        "/api/v1/log/proof/inclusion": ["/api/v1/log/proof/inclusion?index=0&tree_size=2"],
        "/api/v1/log/proof/consistency": ["/api/v1/log/proof/consistency?first=1&second=2"],
        "/log/checkpoint": ["/log/checkpoint"],
        "/log/vkey": ["/log/vkey"],
        "/log/tile/{tile_path:path}": [f"/log/tile/{tile}"],
        "/": ["/", "/?q=fietsen", "/?lang=en"],
        "/c/{code:str}": [f"/c/{code}", f"/c/{code}?lang=en", "/c/NOT-A-CODE"],
        "/schemes/{slug:str}": ["/schemes/webwinkel"],
        "/bodies/{slug:str}": ["/bodies/keurcontrole"],
        "/log": ["/log"],
        "/badge/{name:str}": [f"/badge/{code}.svg", f"/badge/{code}.svg?theme=dark"],
        "/static/{file_path:path}": ["/static/site.css", "/static/verify.js", "/static/account.js"],
        "/log/policy": ["/log/policy"],
        "/log/{log_id:str}/checkpoint": [f"{log_path}/checkpoint", "/log/0000/checkpoint"],
        "/log/{log_id:str}/tile/{tile_path:path}": [f"{log_path}/tile/{tile}"],
        "/.well-known/jwt-vc-issuer": ["/.well-known/jwt-vc-issuer"],
        "/jwks/usable.json": ["/jwks/usable.json"],
        "/ns/v1": ["/ns/v1"],
        "/status/{number:int}/{purpose:str}": ["/status/1/revocation", "/status/1/suspension"],
        "/api/v1/export/certificates.jsonl": ["/api/v1/export/certificates.jsonl"],
        "/api/v1/export/findings.csv": ["/api/v1/export/findings.csv"],
        "/data": ["/data", "/data?lang=en"],
        "/data/{name:str}": ["/data/certificates-2026-01-01.jsonl.gz"],
        "/feeds/{name:str}": ["/feeds/registry.atom", "/feeds/registry.json"],
        "/feeds/schemes/{name:str}": ["/feeds/schemes/webwinkel.atom"],
        "/feeds/bodies/{name:str}": ["/feeds/bodies/keurcontrole.json"],
        "/feeds/holders/{name:str}": ["/feeds/holders/NL-12345678.atom"],
        "/robots.txt": ["/robots.txt"],
        "/sitemap.xml": ["/sitemap.xml"],
        "/sitemaps/{name:str}": ["/sitemaps/pages.xml", "/sitemaps/certificates-1.xml"],
        "/.well-known/security.txt": ["/.well-known/security.txt"],
        "/problems": ["/problems", "/problems?lang=en"],
        "/problems/{name:str}": ["/problems/not-found", "/problems/invalid-policy"],
    }


def _signed_in_cookie(world: World, client: TestClient[Any], inbox: Inbox) -> str:
    world.post(
        "/api/v1/bodies/keurcontrole/people",
        world.admin,
        {"name": "Eva", "email": "eva@keurcontrole.example", "role": "auditor"},
    )
    done = accept(client, link_for(inbox, "eva@keurcontrole.example"))
    assert done.status_code == 303
    cookie = client.cookies.get("__Host-session")
    assert cookie and "Eva" in client.get("/account").text
    client.cookies.clear()
    return cookie


def _same(a: Any, b: Any) -> None:
    assert a.status_code == b.status_code
    assert a.content == b.content
    strip = {"date"}
    assert {k: v for k, v in a.headers.items() if k not in strip} == {
        k: v for k, v in b.headers.items() if k not in strip
    }


def test_every_public_path_ignores_the_session_cookie(
    world: World, client: TestClient[Any], inbox: Inbox
) -> None:
    code = world.certify()
    origin, size_line = client.get("/log/checkpoint").text.splitlines()[:2]
    size = int(size_line)
    tile = f"0/000.p/{size}" if size < 256 else "0/000"
    addresses = public_addresses(code, tile, "/" + origin.split("/", 1)[1])
    routes = {
        route.path
        for route in client.app.routes
        if "GET" in getattr(route, "methods", ()) and not SCHEMA_VIEWERS.match(route.path)
    }
    assert routes == set(addresses) | PRIVATE, routes ^ (set(addresses) | PRIVATE)

    cookie = _signed_in_cookie(world, client, inbox)
    jar = f"__Host-session={cookie}"
    for paths in [*addresses.values(), ["/schema/openapi.json"]]:
        for path in paths:
            without = client.get(path)
            with_cookie = client.get(path, headers={"cookie": jar})
            assert without.status_code < 500, (path, without.text)
            _same(without, with_cookie)
            for answer in (without, with_cookie):
                assert "set-cookie" not in answer.headers, path
                assert "cookie" not in answer.headers.get("vary", "").lower(), path
            # A revalidation too (the static files router answers them in full).
            if without.status_code == 200 and "etag" in without.headers and "/static/" not in path:
                again = client.get(
                    path, headers={"cookie": jar, "if-none-match": without.headers["etag"]}
                )
                assert again.status_code == 304, path
                assert "set-cookie" not in again.headers
