"""The OpenAPI document as served: completed so that it describes every answer.

Litestar documents what a handler returns; what the edge adds around it is completed
here, once, before the document is first served:

- every error status an operation can give, each as ``application/problem+json`` with
  the ``Problem`` schema (RFC 9457), instead of the framework's ``application/json``
  validation shape that the server never sends;
- the ``bearer`` security scheme on every operation whose handler needs an actor;
- patterns and examples for path parameters, so a client (and a fuzzer) knows a code
  or slug before it asks;
- the ``WWW-Authenticate`` header of a 401.

The documentation pages (Swagger UI) load their scripts from the registry itself, so
they work under a Content-Security-Policy that allows no other origin.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from litestar import Litestar, Request
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.routes import HTTPRoute

PROBLEM_JSON: Final = "application/problem+json"
PROBLEM_REF: Final = {"$ref": "#/components/schemas/Problem"}
PROBLEM_SCHEMA: Final[dict[str, Any]] = {
    "type": "object",
    "description": (
        "An RFC 9457 problem document; `type` opens a page explaining it. `title` and"
        " `detail` follow `?lang=` or `Accept-Language` (English unless Dutch is asked for;"
        " in Dutch the specific English reason is kept in `detail_en`)."
    ),
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "detail_en": {"type": "string", "description": "the specific reason, in English"},
        "instance": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object"}},
    },
    "additionalProperties": True,
    "example": {
        "type": "https://registry.example/problems/not-found",
        "title": "Not found",
        "status": 404,
        "detail": "no certificate 'TL-7K3Q-9XPM-X'",
        "instance": "/api/v1/certificates/TL-7K3Q-9XPM-X",
    },
}
BEARER: Final = {
    "type": "http",
    "scheme": "bearer",
    "description": "A token of one person in one role, shown once when it was made.",
}
DESCRIPTIONS: Final = {
    400: "The request is invalid; `detail` names what is wrong.",
    401: "No valid bearer token.",
    403: "The token's role or party may not do this.",
    404: "Not found.",
    409: "Conflicts with the current state or a concurrent change.",
    413: "The request body is too large.",
    415: "The request body is not JSON.",
    422: "A rule of the registry refused the request; `type` names the rule.",
    429: "Too many requests from this client.",
}
_ID: Final = {"pattern": r"^[A-Za-z0-9_-]{1,64}$"}
PATH_PATTERNS: Final[Mapping[str, dict[str, Any]]] = {
    "code": {
        "pattern": r"^[Tt][Ll]-[0-9A-Za-z]{4}-[0-9A-Za-z]{4}-[0-9A-Za-z]$",
        "example": "TL-7K3Q-9XPM-X",
    },
    "slug": {"pattern": r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$", "example": "webwinkel"},
    "country": {"pattern": r"^[A-Za-z]{2}$", "example": "NL"},
    "domain": {"pattern": r"^[^/\s]{1,253}$", "example": "shop.example"},
    "person_id": {**_ID, "example": "p-0123456789abcdef"},
    "assessment_id": {**_ID, "example": "A-0123456789abcdef"},
    "report_id": {**_ID, "example": "mr_0123456789abcdef"},
    "tile_path": {
        "pattern": r"^(?:[0-9]{1,2}|entries)/(?:x[0-9]{3}/)*[0-9]{3}(?:\.p/[0-9]{1,3})?$",
        "example": "0/000",
    },
}
WRITE_METHODS: Final = frozenset({"post", "put", "patch", "delete"})


def authenticated_operations(app: Litestar) -> set[tuple[str, str]]:
    """``(path, method)`` of every operation whose handler takes the authenticated actor."""
    found: set[tuple[str, str]] = set()
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            if "actor" in handler.parsed_fn_signature.parameters:
                found.update((route.path_format, m.lower()) for m in handler.http_methods)
    return found


def complete(document: dict[str, Any], authenticated: set[tuple[str, str]]) -> dict[str, Any]:
    """``document`` completed in place (idempotent); returned for chaining."""
    components = document.setdefault("components", {})
    components.setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    components.setdefault("securitySchemes", {})["bearer"] = BEARER
    _mark_deprecated(components["schemas"])
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in WRITE_METHODS | {"get", "head"}:
                continue
            _complete_operation(operation, method, (path, method) in authenticated)
    return document


# A single-language reason field kept beside its two-language successor for existing
# clients: (the old name, the new Dutch name, what to tell a reader).
DEPRECATED_FIELDS: Final = (
    ("reason", "reason_nl", "Deprecated: read and write `reason_nl` (Dutch) and `reason_en`."),
    (
        "status_reason",
        "status_reason_nl",
        "Deprecated: the Dutch reason, as `status_reason_nl`; `status_reason_en` is English.",
    ),
)


def _mark_deprecated(schemas: dict[str, Any]) -> None:
    """Mark the single-language reason fields deprecated wherever their two-language
    successor stands beside them (request and response shapes alike)."""
    for schema in schemas.values():
        properties = schema.get("properties", {}) if isinstance(schema, dict) else {}
        for old, new, text in DEPRECATED_FIELDS:
            if old in properties and new in properties:
                properties[old] = {
                    **properties[old],
                    "deprecated": True,
                    "description": text,
                }


def _complete_operation(operation: dict[str, Any], method: str, authenticated: bool) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    statuses = {400, 404}
    if method in WRITE_METHODS:
        statuses |= {409, 422, 429}
    if "requestBody" in operation:
        statuses |= {413, 415}
    if authenticated:
        statuses |= {401, 403}
        operation["security"] = [{"bearer": []}]
    for status in statuses:
        responses.setdefault(str(status), {"description": DESCRIPTIONS[status]})
    for code, response in responses.items():
        if code.isdigit() and int(code) >= 400:
            response["content"] = {PROBLEM_JSON: {"schema": PROBLEM_REF}}
            if code == "401":
                response["headers"] = {
                    "WWW-Authenticate": {
                        "schema": {"type": "string"},
                        "example": 'Bearer realm="registry"',
                    }
                }
    for parameter in operation.get("parameters", []):
        extra = PATH_PATTERNS.get(parameter.get("name", ""))
        schema = parameter.get("schema", {})
        if parameter.get("in") == "path" and extra and schema.get("type") == "string":
            schema.update({k: v for k, v in extra.items() if k == "pattern"})
            parameter.setdefault("example", extra["example"])


class CompletedJsonRenderPlugin(JsonRenderPlugin):
    """``/schema/openapi.json``: the document, completed before it is first served."""

    def __init__(self) -> None:
        super().__init__(path="/openapi.json")
        self._completed: int | None = None

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        if self._completed != id(openapi_schema):
            complete(openapi_schema, authenticated_operations(request.app))
            self._completed = id(openapi_schema)
        return super().render(request, openapi_schema)
