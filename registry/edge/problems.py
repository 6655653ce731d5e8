"""The one mapping from errors to HTTP: every error under ``/api/`` (the registry's error
family, and the framework's own 404, 405, 413, 415, 429 and validation errors) becomes
an RFC 9457 ``application/problem+json`` document whose ``detail`` says what is wrong.

Pages speak HTML, not problem documents, but take their status from ``status_of`` too;
an address outside ``/api/`` that matches no route answers a browser (one that asks for
``text/html``) with the not-found page in its language, everyone else with the problem;
a page whose database is gone answers the 503 page of ``edge/pages.py`` here.
"""

from __future__ import annotations

import logging
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from litestar.types import ExceptionHandlersMap
from sqlalchemy.exc import DataError, IntegrityError

from registry.edge import http, input_guard
from registry.edge.i18n import Language, api_language
from registry.edge.pages import not_found_page, page_context, unavailable_page
from registry.edge.problem_catalogue import CATALOGUE
from registry.errors import ErrorKind, RegistryError, UnavailableError

log = logging.getLogger("registry")

PROBLEM_JSON = "application/problem+json"
PROBLEM_PATH = "/problems/"  # under the registry's public URL; each type opens a page

STATUS_OF_KIND = {
    ErrorKind.INVALID: 400,
    ErrorKind.UNAUTHENTICATED: 401,
    ErrorKind.FORBIDDEN: 403,
    ErrorKind.NOT_FOUND: 404,
    ErrorKind.CONFLICT: 409,
    ErrorKind.RULE: 422,
    ErrorKind.RATE_LIMITED: 429,
    ErrorKind.UNAVAILABLE: 503,
}
TITLES = {
    400: "Bad request",
    401: "Unauthenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Request body too large",
    415: "Unsupported media type",
    422: "Rule violated",
    429: "Too many requests",
    500: "Internal server error",
    503: "Service unavailable",
}


def status_of(error: RegistryError) -> int:
    """The HTTP status of an error of the family."""
    return STATUS_OF_KIND[error.kind]


def problem(
    status: int,
    detail: str,
    rule: str,
    *,
    instance: str | None = None,
    base: str = "",
    language: Language = "en",
    **extra: Any,
) -> Response[dict[str, Any]]:
    """An RFC 9457 document; ``type`` is ``<base>/problems/<rule>``, a page that explains
    the problem (RFC 9457 §3.1.1: a type URI should be resolvable).

    In Dutch, ``title`` and ``detail`` come from the problem catalogue (what the problem
    is, as its page says it) and the specific English reason stays in ``detail_en``: the
    registry's several hundred specific reasons are written in English only.
    """
    kind = CATALOGUE.get(rule)
    title, text = TITLES.get(status, "Error"), detail
    if language == "nl" and kind is not None:
        title, text = kind.title_nl, kind.text_nl
        extra = {"detail_en": detail, **extra}
    body: dict[str, Any] = {
        "type": base + PROBLEM_PATH + rule,
        "title": title,
        "status": status,
        "detail": text,
    }
    if instance:
        body["instance"] = instance
    body.update(extra)
    headers = {"content-language": language, "vary": "Accept-Language"}
    if status == 401:
        headers["www-authenticate"] = 'Bearer realm="registry"'
    return Response(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def problem_for(
    request: Request[Any, Any, Any], status: int, detail: str, rule: str, **extra: Any
) -> Response[dict[str, Any]]:
    """``problem`` about this request: its path as ``instance``, the registry's public URL
    as the base of ``type``, in the language the request asks for."""
    return problem(
        status,
        detail,
        rule,
        instance=request.url.path,
        base=public_url(request),
        language=language_of(request),
        **extra,
    )


def language_of(request: Request[Any, Any, Any]) -> Language:
    """The language a problem is written in: ``?lang``, ``Accept-Language``, else English."""
    return api_language(request.query_params.get("lang"), request.headers.get("accept-language"))


def public_url(request: Request[Any, Any, Any]) -> str:
    """The registry's public URL: the base of every problem type."""
    return str(request.app.state.settings.public_url)


def registry_error_handler(request: Request[Any, Any, Any], exc: RegistryError) -> Response[Any]:
    handler = request.scope.get("route_handler")
    if isinstance(exc, UnavailableError) and handler is not None and handler.opt.get("page"):
        # A page says it in the visitor's language; a page that answers itself (the
        # badge) never gets here.
        return unavailable_page(request, exc.retry_after)
    response = problem_for(
        request,
        status_of(exc),
        exc.detail,
        exc.rule,
    )
    response.headers.update(exc.headers())
    return response


def _wants_page(request: Request[Any, Any, Any]) -> bool:
    """A person's browser asking for a page: outside the API, and ``text/html`` accepted."""
    accept = request.headers.get("accept", "").lower()
    return not request.url.path.startswith("/api/") and "text/html" in accept


def not_found_page_response(request: Request[Any, Any, Any]) -> Response[bytes]:
    """The not-found page in the visitor's language, with the pages' own headers."""
    page = page_context(request)
    rendered = not_found_page(page, "page")
    headers = http.page_headers(rendered.etag, http.NOT_FOUND_MAX_AGE)
    headers["vary"] = "Accept, Accept-Language"
    headers["content-language"] = page.lang
    return Response(rendered.plain, status_code=404, media_type=http.HTML, headers=headers)


def http_error_handler(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    status = exc.status_code
    if status == 404 and exc.detail in ("", "Not Found") and _wants_page(request):
        return not_found_page_response(request)
    detail = exc.detail or TITLES.get(status, "Error")
    extra: dict[str, Any] = {}
    if isinstance(exc, ValidationException):
        rule = "invalid-input"
        if exc.extra:
            extra["errors"] = exc.extra
            messages = "; ".join(
                f"{e.get('key') or 'body'}: {e.get('message')}"
                for e in exc.extra
                if isinstance(e, dict)
            )
            detail = f"{detail}: {messages}" if messages else detail
    else:
        rule = {
            400: "invalid-input",
            404: "not-found",
            405: "method-not-allowed",
            413: "body-too-large",
            415: "unsupported-media-type",
            429: "rate-limited",
        }.get(status, "http-error")
        if status == 413:
            limit = request.app.state.settings.max_body_bytes
            detail = f"the request body is larger than the limit of {limit} bytes"
        if status == 404 and detail == "Not Found":
            detail = f"nothing is published at {request.url.path}"
        if status == 405:
            detail = f"{request.method} is not allowed on {request.url.path}"
    response = problem_for(
        request,
        status,
        detail,
        rule,
        **extra,
    )
    if exc.headers:
        response.headers.update(exc.headers)
    return response


def integrity_handler(
    request: Request[Any, Any, Any], _exc: IntegrityError
) -> Response[dict[str, Any]]:
    """A unique constraint caught a change made at the same time by someone else."""
    return problem_for(
        request,
        409,
        "the change conflicts with another one made at the same time; reload and retry",
        "conflict",
    )


def data_error_handler(
    request: Request[Any, Any, Any], _exc: DataError | OverflowError
) -> Response[dict[str, Any]]:
    """A value the database cannot hold that slipped past the door checks: the input's
    fault, so a 400, never a 500."""
    return problem_for(
        request,
        400,
        "a value in the request is out of range for the registry",
        "invalid-input",
    )


def recursion_handler(
    request: Request[Any, Any, Any], _exc: RecursionError
) -> Response[dict[str, Any]]:
    return problem_for(
        request,
        400,
        "the JSON body is nested too deeply",
        "invalid-input",
    )


def internal_error_handler(
    request: Request[Any, Any, Any], exc: Exception
) -> Response[dict[str, Any]]:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem(
        HTTP_500_INTERNAL_SERVER_ERROR,
        "the registry failed to answer; the error was logged",
        "internal-error",
        base=public_url(request),
        language=language_of(request),
    )


JSON_TYPES = ("application/json", "application/merge-patch+json")


async def require_json_body(request: Request[Any, Any, Any]) -> Response[dict[str, Any]] | None:
    """An API write with a body must say it is JSON: anything else is a 415, not a guess.
    Async, because Litestar runs a sync hook in a worker thread: for every request."""
    if request.method not in ("POST", "PUT", "PATCH") or not request.url.path.startswith("/api/"):
        return None
    length = request.headers.get("content-length")
    if length == "0" or (length is None and "transfer-encoding" not in request.headers):
        return None
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type in JSON_TYPES or media_type.endswith("+json"):
        return None
    shown = media_type or "none"
    return problem_for(
        request,
        415,
        f"the request body must be application/json; got content type {shown}",
        "unsupported-media-type",
    )


async def before_request(request: Request[Any, Any, Any]) -> Response[Any] | None:
    """The door checks of every request: text and numbers (edge/input_guard.py), then
    the media type of an API body. A refusal is a problem under ``/api/`` and on every
    route of the API's contract, a readable page elsewhere."""
    try:
        await input_guard.check(request)
    except RegistryError as error:
        if request.scope["path"].startswith(("/api/", "/static/")) or input_guard.documented(
            request
        ):
            raise
        return input_guard.refusal_page(request, status_of(error), error.detail)
    return await require_json_body(request)


def exception_handlers() -> ExceptionHandlersMap:
    """The app's exception handlers, most specific first."""
    return {
        RegistryError: registry_error_handler,
        HTTPException: http_error_handler,
        RecursionError: recursion_handler,
        IntegrityError: integrity_handler,
        DataError: data_error_handler,
        OverflowError: data_error_handler,
        Exception: internal_error_handler,
    }
