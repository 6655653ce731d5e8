"""The OpenAPI document says what the server answers: problem+json for every error.

Litestar documents its own ``{status_code, detail, extra}`` body for a 400 and nothing
else, while every error under ``/api/`` is an RFC 9457 ``application/problem+json``
document (app.py) and an operation can answer 400, 401, 403, 404, 409, 413, 415, 422,
429 or 503. The document is completed once, when it is first served, by the render
plugins below (the JSON and YAML downloads; the documentation pages load the JSON), so
that a client generator or a fuzzer reads the contract the server keeps.
"""

from __future__ import annotations

from typing import Any, Final

from litestar import Request
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, OpenAPIRenderPlugin, YamlRenderPlugin

PROBLEM_JSON: Final = "application/problem+json"
PROBLEM_SCHEMA: Final = {
    "type": "object",
    "description": "An RFC 9457 problem document; `type` ends in the rule's name.",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object"}},
    },
    "additionalProperties": True,
}
EVERY: Final = {
    "400": "The input is malformed: a field, a path or query parameter names what is wrong",
    "401": "No bearer token, or one the registry does not know",
    "403": "The token's role or party may not do this",
    "404": "Nothing is published at this address",
    "429": "Too many requests from this client; see Retry-After",
    "503": "The registry cannot confirm the answer now (it fails closed)",
}
WRITES: Final = {
    "409": "The state forbids the change, or a concurrent one came first",
    "413": "The request body is larger than the registry accepts",
    "415": "The request body is not JSON",
    "422": "A domain rule refused the request; `type` names the rule",
}
WRITE_METHODS: Final = frozenset({"post", "put", "patch", "delete"})
MARK: Final = "x-registry-errors-documented"


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def complete(document: dict[str, Any]) -> dict[str, Any]:
    """Add the problem responses to every operation of ``document`` (in place, once)."""
    if document.get(MARK):
        return document
    document.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    for path_item in document.get("paths", {}).values():
        for method, operation in path_item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            errors = {**EVERY, **(WRITES if method in WRITE_METHODS else {})}
            responses: dict[str, Any] = operation["responses"]
            for status, description in errors.items():
                responses[status] = _problem(description)
            for status in list(responses):  # framework-made 4xx and 5xx bodies too
                if status[:1] in ("4", "5") and status not in errors:
                    responses[status] = _problem(responses[status].get("description", "Error"))
    document[MARK] = True
    return document


class CompleteJson(JsonRenderPlugin):
    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        return super().render(request, complete(openapi_schema))


class CompleteYaml(YamlRenderPlugin):
    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        return super().render(request, complete(openapi_schema))


def render_plugins() -> list[OpenAPIRenderPlugin]:
    """Litestar's usual plugins, with the downloads serving the completed document."""
    plugins: list[OpenAPIRenderPlugin] = []
    for plugin in OpenAPIConfig(title="", version="").render_plugins:
        if type(plugin) is JsonRenderPlugin:
            plugins.append(CompleteJson(path=plugin.paths))
        elif type(plugin) is YamlRenderPlugin:
            plugins.append(CompleteYaml(path=plugin.paths))
        else:
            plugins.append(plugin)
    return plugins
