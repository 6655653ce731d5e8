"""Hostile text and numbers never reach the database: a 400 naming the field (problem+json
under /api/, a readable page elsewhere), a 404 for numbers no row can have and for bad
static names; never a 500, on SQLite and on PostgreSQL, and nothing stored."""

from __future__ import annotations

import json
from typing import Any

import pytest
from litestar.testing import TestClient

from tests.api.test_problems import assert_problem
from tests.support.world import World, bearer

BAD = ["\x00", "\x1b", "\ud800", "\u202e", "\x85"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/bodies/a%00b",
        "/api/v1/schemes/a%00b",
        "/api/v1/certificates?scheme=%00",
        "/api/v1/certificates?organisation=a%E2%80%AEb",
        "/api/v1/certificates/AB%1B12",
    ],
)
def test_anonymous_reads_with_control_characters_are_400(
    client: TestClient[Any], path: str
) -> None:
    body = assert_problem(client.get(path), 400, "invalid-text")
    assert "parameter" in body["detail"] and "U+" in body["detail"], body


@pytest.mark.parametrize("path", ["/schemes/a%00b", "/bodies/x%E2%80%AEy", "/?q=%00"])
def test_pages_answer_a_readable_400(client: TestClient[Any], path: str) -> None:
    response = client.get(path)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert "U+" in response.text and "<h1" in response.text


@pytest.mark.parametrize("path", ["/static/site.css%00.js", "/static/%E2%80%AEx.css"])
def test_bad_static_names_are_404(client: TestClient[Any], path: str) -> None:
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/schemes/x/versions/99999999999999999999", 404),
        ("/api/v1/schemes/webwinkel/versions/2147483648", 404),
        ("/api/v1/assessments?cursor=2147483648", 400),
        ("/api/v1/log/entries?start=0&end=99999999999999999999", 400),
    ],
)
def test_integers_beyond_their_column_are_refused(world: World, path: str, status: int) -> None:
    headers = bearer(world.admin)
    for method in ("GET", "DELETE"):
        response = world.client.request(method, path, headers=headers)
        assert response.status_code in (status, 405, 403), response.text
        assert response.status_code != 500


def test_token_and_webhook_ids_beyond_int32_are_404(world: World) -> None:
    for path in ("/api/v1/tokens/2147483648", "/api/v1/holder/webhooks/2147483648"):
        response = world.client.delete(path, headers=bearer(world.admin))
        assert response.status_code == 404, response.text


def post_escaped(world: World, path: str, token: str, body: Any) -> Any:
    """JSON with every non-ASCII character escaped (how a lone surrogate travels)."""
    return world.client.post(
        path,
        content=json.dumps(body).encode("ascii"),
        headers={**bearer(token), "content-type": "application/json"},
    )


@pytest.mark.parametrize("bad", BAD)
def test_json_fields_with_forbidden_characters_name_the_field(world: World, bad: str) -> None:
    body = world.assessment(scope=f"Online{bad}sales")
    response = post_escaped(world, "/api/v1/assessments", world.auditor, body)
    assert_problem(response, 400, "invalid-text", "scope")
    nested = world.assessment()
    nested["organisation"]["legal_name"] = f"Fiets{bad}"
    response = post_escaped(world, "/api/v1/assessments", world.auditor, nested)
    assert_problem(response, 400, "invalid-text", "organisation.legal_name")


def test_escaped_nul_in_json_is_refused_and_nothing_enters_the_log(world: World) -> None:
    code = world.certify()
    before = world.client.get("/api/v1/log/entries?start=0&end=1000").json()
    raw = b'{"reason": "fraud\\u0000hidden"}'
    response = world.client.post(
        f"/api/v1/certificates/{code}/suspend",
        content=raw,
        headers={**bearer(world.admin), "content-type": "application/json"},
    )
    assert_problem(response, 400, "invalid-text", "reason", "U+0000")
    after = world.client.get("/api/v1/log/entries?start=0&end=1000").json()
    assert after == before
    assert world.client.get(f"/api/v1/certificates/{code}").json()["status"] == "valid"


def test_multiline_fields_keep_their_line_breaks(world: World) -> None:
    body = world.assessment(scope="Online sales\nof bicycles\r\n\tand parts")
    response = world.post("/api/v1/assessments", world.auditor, body)
    assert response.status_code == 201, response.text


def test_json_keys_are_checked_too(world: World) -> None:
    body = world.assessment()
    body["x\x00"] = 1
    response = world.post("/api/v1/assessments", world.auditor, body)
    assert_problem(response, 400, "invalid-text")


def test_large_integers_in_a_json_body_are_refused_not_a_server_error(world: World) -> None:
    for number in (2**31, 2**63, 2**70):
        response = post_escaped(
            world, "/api/v1/assessments", world.auditor, world.assessment(scheme_version=number)
        )
        assert 400 <= response.status_code < 500, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
