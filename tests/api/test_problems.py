"""Every error under /api/ is an RFC 9457 problem document that says what is wrong.

That holds for the registry's own refusals and for the framework's: unknown paths, wrong
methods, oversized, malformed or mistyped bodies, and missing or bad credentials.
"""

from __future__ import annotations

import json
from typing import Any

from litestar.testing import TestClient

from tests.support.world import bearer

SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "strict-origin-when-cross-origin",
    "cross-origin-opener-policy": "same-origin",
}
SCHEME = {
    "slug": "proef",
    "name_nl": "Proef",
    "name_en": "Trial",
    "owner": "Stichting Proef",
    "audited_by_nl": "Instellingen",
    "audited_by_en": "Bodies",
}
JSON = {"content-type": "application/json"}


def assert_problem(
    response: Any, status: int, rule: str | None = None, *named: str
) -> dict[str, Any]:
    """An RFC 9457 problem with every member, for ``rule`` when given, naming each of ``named``."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers
    body: dict[str, Any] = response.json()
    assert {"type", "title", "status", "detail"} <= body.keys(), body
    assert body["status"] == status
    assert body["type"].startswith("https://") and body["title"] and body["detail"], body
    if rule is not None:
        assert body["type"].endswith(f"/problems/{rule}"), body
    for word in named:
        assert word in body["detail"], body["detail"]
    return body


def schemes(client: TestClient[Any]) -> list[str]:
    return [s["slug"] for s in client.get("/api/v1/schemes").json()]


# --- the framework's own errors ----------------------------------------------------------


def test_unknown_path_is_404_and_wrong_method_405(
    client: TestClient[Any], staff_token: str
) -> None:
    for path in (
        "/api/v1/nothing-here",
        "/api/v2/schemes",
        "/api/v1/schemes/webwinkel/versions/1/criteria",
    ):
        assert_problem(client.get(path), 404, "not-found", path)
    body = assert_problem(
        client.delete("/api/v1/schemes", headers=bearer(staff_token)),
        405,
        "method-not-allowed",
        "DELETE",
        "/api/v1/schemes",
    )
    assert body["instance"] == "/api/v1/schemes"
    assert_problem(client.put("/api/v1/certificates"), 405, "method-not-allowed", "PUT")


def test_body_over_the_limit_is_413(client: TestClient[Any], staff_token: str) -> None:
    limit = 256 * 1024
    oversized = json.dumps(SCHEME).encode() + b" " * 300_000
    assert len(oversized) > limit
    assert_problem(
        client.post("/api/v1/schemes", content=oversized, headers={**bearer(staff_token), **JSON}),
        413,
        "body-too-large",
    )
    assert schemes(client) == []
    # Refused before any token is read: an anonymous flood is cut off as early.
    assert_problem(
        client.post("/api/v1/schemes", content=b"[" * 300_000, headers=JSON), 413, "body-too-large"
    )
    # Just under the limit (JSON may carry any amount of whitespace) is parsed and accepted.
    padded = json.dumps(SCHEME).encode() + b" " * (limit - 1_000)
    assert len(padded) < limit
    created = client.post(
        "/api/v1/schemes", content=padded, headers={**bearer(staff_token), **JSON}
    )
    assert created.status_code == 201, created.text
    assert schemes(client) == ["proef"]


def test_malformed_and_deeply_nested_json_is_400(client: TestClient[Any], staff_token: str) -> None:
    headers = {**bearer(staff_token), **JSON}
    assert_problem(
        client.post("/api/v1/schemes", content=b'{"slug": proef}', headers=headers),
        400,
        None,
        "JSON is malformed",
    )
    assert_problem(
        client.post("/api/v1/schemes", content=b'{"slug": "proef", ', headers=headers),
        400,
        None,
        "truncated",
    )
    assert_problem(client.post("/api/v1/schemes", content=b"", headers=headers), 400)
    # Another media type is refused as such, before anyone guesses at the body.
    for content_type in ("text/plain", "application/x-www-form-urlencoded"):
        response = client.post(
            "/api/v1/schemes",
            content=b"slug=proef&name_nl=Proef",
            headers={**bearer(staff_token), "content-type": content_type},
        )
        assert_problem(response, 415, "unsupported-media-type", "application/json")
    # Nested 1,000 deep and more: the decoder's RecursionError is a 400, not a 500.
    for depth in (1_000, 5_000, 40_000):  # 40,000 nested objects still fit under the body limit
        arrays = b"[" * depth + b"]" * depth
        objects = b'{"a":' * depth + b"1" + b"}" * depth
        inside_a_field = json.dumps({**SCHEME, "owner": "@"}).encode().replace(b'"@"', arrays)
        for body in (arrays, objects, inside_a_field):
            response = client.post("/api/v1/schemes", content=body, headers=headers)
            assert response.status_code == 400, (depth, response.status_code)
            assert_problem(response, 400)
        assert_problem(
            client.post("/api/v1/schemes", content=arrays, headers=headers),
            400,
            "invalid-input",
            "nested too deeply",
        )
    assert schemes(client) == []
    assert client.get("/healthz").status_code == 200


def test_a_json_body_under_another_content_type_is_refused(
    client: TestClient[Any], staff_token: str
) -> None:
    response = client.post(
        "/api/v1/schemes",
        content=json.dumps(SCHEME).encode(),
        headers={**bearer(staff_token), "content-type": "text/plain"},
    )
    assert response.status_code in (400, 415), response.text
    assert_problem(response, response.status_code, None, "application/json")
    assert schemes(client) == []


# --- validation of well-formed JSON ------------------------------------------------------------


def test_unknown_missing_mistyped_and_enum_fields_are_400_and_named(
    client: TestClient[Any], staff_token: str
) -> None:
    def post(path: str, body: dict[str, Any]) -> Any:
        return client.post(path, json=body, headers=bearer(staff_token))

    unknown = assert_problem(
        post("/api/v1/schemes", {**SCHEME, "colour": "red"}),
        400,
        "invalid-input",
        "unknown field",
        "`colour`",
    )
    assert unknown["errors"][0]["key"] == "data"
    assert_problem(
        post("/api/v1/schemes", {k: v for k, v in SCHEME.items() if k != "owner"}),
        400,
        "invalid-input",
        "missing required field",
        "`owner`",
    )
    assert_problem(
        post("/api/v1/schemes", {**SCHEME, "max_validity_months": "twelve"}),
        400,
        "invalid-input",
        "max_validity_months",
        "int",
    )
    assert_problem(
        post("/api/v1/schemes", {**SCHEME, "slug": "Not A Slug"}), 400, "invalid-input", "slug"
    )
    assert schemes(client) == []

    assert post("/api/v1/schemes", SCHEME).status_code == 201
    criterion = {
        "code": "P-1",
        "title_nl": "t",
        "title_en": "t",
        "checked_nl": "c",
        "checked_en": "c",
        "method": "document_review",
        "dimension": "integrity",
    }
    for field, wrong in (("method", "guesswork"), ("dimension", "charisma")):
        response = post(
            "/api/v1/schemes/proef/versions", {"criteria": [{**criterion, field: wrong}]}
        )
        assert_problem(response, 400, "invalid-input", f"'{wrong}'", field)
    assert client.get("/api/v1/schemes/proef").json()["versions"] == []


# --- authentication -------------------------------------------------------------------------


def test_missing_unknown_and_malformed_credentials_are_401(
    client: TestClient[Any], staff_token: str
) -> None:
    cases: list[tuple[dict[str, str], str]] = [
        ({}, "needs a bearer token"),
        (bearer("tlr_" + "A" * 43), "unknown"),
        (bearer(staff_token[:-1] + ("A" if staff_token[-1] != "A" else "B")), "unknown"),
        (bearer("not-a-registry-token"), "not a registry token"),
        ({"Authorization": f"Basic {staff_token}"}, "Bearer <token>"),
        ({"Authorization": "Bearer"}, "Bearer <token>"),
        ({"Authorization": "Bearer    "}, "Bearer <token>"),
        ({"Authorization": staff_token}, "Bearer <token>"),
    ]
    for headers, named in cases:
        for response in (
            client.get("/api/v1/me", headers=headers),
            client.post("/api/v1/schemes", json=SCHEME, headers=headers),
        ):
            assert_problem(response, 401, "unauthenticated", named)
            assert response.headers["www-authenticate"].startswith("Bearer")
    assert schemes(client) == []
    # The scheme is case-insensitive, and the real token works.
    assert (
        client.get("/api/v1/me", headers={"Authorization": f"bearer {staff_token}"}).status_code
        == 200
    )


# --- certificate codes ------------------------------------------------------------------------


def test_certificate_codes_unknown_404_and_mistyped_400(client: TestClient[Any]) -> None:
    for typed in ("TL-7K3Q-9XPM-X", "tl-7k3q-9xpm-x", "tl 7k3q 9xpm x", "7K3Q9XPMX", "TL7K3Q9XPMX"):
        for suffix in ("", "/credential"):
            assert_problem(
                client.get(f"/api/v1/certificates/{typed}{suffix}"),
                404,
                "not-found",
                "TL-7K3Q-9XPM-X",
            )
    for typed in ("TL-7K3Q-9XPM-Y", "TL-K73Q-9XPM-X", "TL-7K3Q-9XPN-X"):
        assert_problem(
            client.get(f"/api/v1/certificates/{typed}"),
            400,
            "invalid-certificate-code",
            "probably mistyped",
        )
    assert_problem(
        client.get("/api/v1/certificates/TL-7K3Q-9XPM-XX"),
        400,
        "invalid-certificate-code",
        "9 characters",
    )
    assert_problem(
        client.get("/api/v1/certificates/TL-7K3Q-9XPM-U"), 400, "invalid-certificate-code", "'U'"
    )


# --- headers, schema, liveness -------------------------------------------------------------------


def test_openapi_healthz_and_security_headers_on_success(
    client: TestClient[Any], staff_token: str
) -> None:
    responses = [
        client.get("/healthz"),
        client.get("/api/v1/schemes"),
        client.get("/api/v1/me", headers=bearer(staff_token)),
        client.post("/api/v1/schemes", json=SCHEME, headers=bearer(staff_token)),
        client.get("/.well-known/jwks.json"),
        client.get("/schema/openapi.json"),
    ]
    for response in responses:
        assert response.status_code in (200, 201), response.text
        for name, value in SECURITY_HEADERS.items():
            assert response.headers.get(name) == value, (response.url, name)
        assert "default-src 'none'" in response.headers["content-security-policy"]

    spec = responses[-1].json()
    assert spec["openapi"].startswith("3.") and spec["info"]["title"]
    listed = [
        (op["operationId"], (path, method))
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if isinstance(op, dict) and "operationId" in op
    ]
    operations = dict(listed)
    assert len(operations) == len(listed), "operation ids must be unique"
    expected = {
        "SubmitAssessment": ("/api/v1/assessments", "post"),
        "DecideAssessment": ("/api/v1/assessments/{assessment_id}/decision", "post"),
        "GetCertificate": ("/api/v1/certificates/{code}", "get"),
        "GetCredential": ("/api/v1/certificates/{code}/credential", "get"),
        "SuspendCertificate": ("/api/v1/certificates/{code}/suspend", "post"),
        "PublishSchemeVersion": ("/api/v1/schemes/{slug}/versions", "post"),
        "RegisterBody": ("/api/v1/bodies", "post"),
        "CreateOwnToken": ("/api/v1/me/tokens", "post"),
        "RevokeToken": ("/api/v1/tokens/{token_id}", "delete"),
        "WhoAmI": ("/api/v1/me", "get"),
        "Health": ("/healthz", "get"),
        "Liveness": ("/livez", "get"),
        "Jwks": ("/.well-known/jwks.json", "get"),
    }
    for operation, where in expected.items():
        assert operations.get(operation) == where, operation

    health = responses[0]
    assert health.text.strip() == "ok" and "set-cookie" not in health.headers


def test_error_responses_carry_the_security_headers(
    client: TestClient[Any], staff_token: str
) -> None:
    responses = [
        client.get("/api/v1/nothing-here"),
        client.delete("/api/v1/schemes"),
        client.post("/api/v1/schemes", content=b" " * 300_000, headers=JSON),
        client.get("/api/v1/me"),
        client.post("/api/v1/schemes", json={"slug": "x"}, headers=bearer(staff_token)),
        client.get("/api/v1/certificates/TL-7K3Q-9XPM-X"),
    ]
    missing = [
        (response.status_code, name)
        for response in responses
        for name, value in SECURITY_HEADERS.items()
        if response.headers.get(name) != value
    ]
    assert missing == []


def test_options_allows_every_method_routed_at_the_path(client: TestClient[Any]) -> None:
    from litestar.routes import HTTPRoute

    answer = client.options("/api/v1/schemes/proef/versions/1")
    assert answer.status_code == 204
    allowed = {m.strip() for m in answer.headers["allow"].split(",")}
    assert {"DELETE", "GET", "OPTIONS", "PATCH", "PUT"} <= allowed, allowed
    # Every routed path: its OPTIONS answer names exactly the methods routed there.
    for route in client.app.routes:
        if not isinstance(route, HTTPRoute) or "{" in route.path:
            continue
        answer = client.options(route.path)
        if answer.status_code != 204:
            continue
        named = {m.strip() for m in answer.headers["allow"].split(",")}
        assert named == set(route.methods), route.path


def test_a_problem_speaks_the_language_asked_for(client: TestClient[Any]) -> None:
    english = client.get("/api/v1/certificates/TL-0000-0000-0")
    assert english.status_code == 404
    assert english.json()["title"] == "Not found"
    assert english.headers["content-language"] == "en"
    reason = english.json()["detail"]
    for asked in ({"headers": {"accept-language": "nl-NL,nl;q=0.9"}}, {"params": {"lang": "nl"}}):
        dutch = client.get("/api/v1/certificates/TL-0000-0000-0", **asked)  # type: ignore[arg-type]
        assert dutch.status_code == 404
        document = dutch.json()
        assert document["title"] == "Niet gevonden"
        assert document["detail"].startswith("Op dit adres staat niets")
        assert document["detail_en"] == reason  # the specific reason, as written
        assert document["type"] == english.json()["type"]
        assert dutch.headers["content-language"] == "nl"
    # A language the registry does not speak leaves English, the API's own.
    other = client.get("/api/v1/certificates/TL-0000-0000-0", headers={"accept-language": "de"})
    assert other.json()["title"] == "Not found" and "detail_en" not in other.json()
