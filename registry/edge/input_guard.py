"""The door check: text and numbers from outside are refused before any handler runs.

One ``before_request`` hook looks at every path parameter, every query value and every
string (and key) of a JSON or form body, and refuses what ``registry.domain.text``
forbids with a 400 that names the field. Integers in the path or the query beyond what
their column holds answer 404 (a path: nothing can be there) or 400 (a query value), so
neither database ever sees them. A bad name under ``/static`` is simply not found.

The hook answers problem+json under ``/api/`` (by raising the error family, which the
one mapping turns into a problem) and a short readable page everywhere else.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, Final
from urllib.parse import parse_qsl

from litestar import Request, Response

from registry.db.bounds import column_limit, out_of_range
from registry.domain.text import forbidden_character
from registry.edge import templating
from registry.edge.http import HTML, PAGE_HEADERS
from registry.edge.i18n import negotiate
from registry.edge.views import PageContext
from registry.errors import InvalidInputError, NotFoundError, RegistryError

WRITE_METHODS: Final = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MAX_FIELDS: Final = 10_000  # the body limit bounds this already; a walk stops here anyway

PAGE_TEXTS: Final = {
    "nl": {
        "title": "Ongeldige invoer",
        "message": "Het adres of formulier bevat tekens die het register niet aanneemt.",
        "back": "Terug naar het register",
        "reference": "Kenmerk",
    },
    "en": {
        "title": "Invalid input",
        "message": "The address or form holds characters the registry does not accept.",
        "back": "Back to the registry",
        "reference": "Reference",
    },
}


class RefusedText(InvalidInputError):
    """A field held a character the registry never stores."""

    rule = "invalid-text"


def walk_json(value: Any, where: str = "") -> Iterator[tuple[str, str, bool]]:
    """Every (field, text, is_key) of a parsed JSON document, with the field written as
    ``findings[2].note``."""
    stack: list[tuple[str, Any]] = [(where, value)]
    seen = 0
    while stack and seen < MAX_FIELDS:
        seen += 1
        path, item = stack.pop()
        if isinstance(item, str):
            yield path or "body", item, False
        elif isinstance(item, dict):
            for key, inner in item.items():
                child = f"{path}.{key}" if path else str(key)
                yield child, str(key), True
                stack.append((child, inner))
        elif isinstance(item, list):
            stack.extend((f"{path}[{n}]", inner) for n, inner in enumerate(item))


def _check(field: str, text: str, *, multiline: bool) -> None:
    problem = forbidden_character(text, multiline=multiline)
    if problem is not None:
        raise RefusedText(f"{field}: {problem} is not allowed")


def _int_parameters(request: Request[Any, Any, Any]) -> frozenset[str]:
    """Names of the handler's query parameters typed as integers."""
    try:
        parameters = request.route_handler.parsed_fn_signature.parameters
    except AttributeError:  # an ASGI handler (static files) has no parsed signature
        return frozenset()
    return frozenset(
        name
        for name, field in parameters.items()
        if field.is_subclass_of(int) or field.has_inner_subclass_of(int)
    )


def check_path_and_query(request: Request[Any, Any, Any]) -> None:
    """Raise RefusedText or NotFoundError for a path or query the registry refuses."""
    for name, value in request.path_params.items():
        if isinstance(value, str):
            _check(f"path parameter {name}", value, multiline=False)
        elif isinstance(value, int) and out_of_range(name, value):
            raise NotFoundError(f"path parameter {name}: no {name} {value} can exist here")
    _check("path", request.scope["path"], multiline=False)
    numbers = None
    for name, value in request.query_params.multi_items():
        _check(f"query parameter {name}", name, multiline=False)
        _check(f"query parameter {name}", value, multiline=False)
        stripped = value.strip()
        if stripped.lstrip("+-").isdigit() and len(stripped) > 9:
            numbers = _int_parameters(request) if numbers is None else numbers
            if name in numbers and out_of_range(name, int(stripped)):
                raise RefusedText(
                    f"query parameter {name}: at most {column_limit(name)}, got {stripped}",
                    rule="invalid-input",
                )


async def check_body(request: Request[Any, Any, Any]) -> None:
    """Raise RefusedText for a JSON or form body with a string the registry refuses.
    A body that does not parse is left to the handler, which names that error."""
    if request.method not in WRITE_METHODS:
        return
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    is_json = media_type == "application/json" or media_type.endswith("+json")
    is_form = media_type == "application/x-www-form-urlencoded"
    if not (is_json or is_form):
        return
    raw = await request.body()  # kept on the connection: the handler reads it again
    if not raw:
        return
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise RefusedText("body: the body is not valid UTF-8") from None
    if is_form:
        for name, value in parse_qsl(text, keep_blank_values=True):
            _check(f"form field {name}", name, multiline=False)
            _check(f"form field {name}", value, multiline=True)
        return
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        return
    for field, value, is_key in walk_json(document):
        _check(field, value, multiline=not is_key)


def refusal_page(request: Request[Any, Any, Any], status: int, detail: str) -> Response[bytes]:
    """The short readable page a refused page request gets (``status`` from
    edge/problems.py, the one mapping of errors to HTTP)."""
    language, explicit = negotiate(
        request.query_params.get("lang"), request.headers.get("accept-language")
    )
    texts = PAGE_TEXTS[language]
    outcome = {"status_code": status, "title": texts["title"], "message": texts["message"]}
    html = templating.render(
        language,
        "report/result.html",
        {
            "page": PageContext(language, explicit, "/"),
            "outcome": {**outcome, "detail": detail, "reference": ""},
            "t": texts,
        },
    )
    return Response(
        html.encode("utf-8"),
        status_code=status,
        headers={**PAGE_HEADERS, "cache-control": "no-store"},
        media_type=HTML.split(";", 1)[0],  # Litestar adds the charset
    )


def documented(request: Request[Any, Any, Any]) -> bool:
    """Whether the route is part of the API's contract (in the OpenAPI document), so
    that it answers problem+json rather than a page."""
    resolve = getattr(request.route_handler, "resolve_include_in_schema", None)
    return bool(resolve()) if resolve is not None else False


async def check(request: Request[Any, Any, Any]) -> None:
    """The door check of one request: raises the error family for what it refuses (a
    bad name under ``/static`` is a NotFoundError), else returns."""
    path: str = request.scope["path"]
    try:
        check_path_and_query(request)
        await check_body(request)
    except RegistryError:
        if path.startswith("/static/"):
            raise NotFoundError(f"nothing is published at {path!r}") from None
        raise
