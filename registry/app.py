"""The composition root: ``create_app(settings)`` wires storage, keys, services and the edge.

The only mapping from the error family to HTTP lives here: every error under ``/api/``
(and the framework's own 404, 405, 413, 415 and validation errors) becomes an RFC 9457
``application/problem+json`` document whose ``detail`` says what is wrong.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Final

import anyio.to_thread
from litestar import Litestar, MediaType, Request, Response, get
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi import OpenAPIConfig
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from litestar.types import Message, Scope
from sqlalchemy.exc import IntegrityError

from registry.api.assessments import AssessmentController
from registry.api.bodies import BodyController, PeopleController
from registry.api.certificates import CertificateController
from registry.api.deps import provide_actor, provide_registry
from registry.api.holders import (
    BodyForeignEmbedController,
    HolderController,
    MisuseReportController,
)
from registry.api.schemes import SchemeController
from registry.api.transparency import LogApiController, LogFilesController
from registry.config import Settings
from registry.db import change_feed
from registry.db.database import Database
from registry.errors import ErrorKind, RegistryError
from registry.services.clock import Clock, system_clock
from registry.services.keys import KeyRing
from registry.services.registry import RegistryService
from registry.services.webhook_delivery import WebhookDispatcher
from registry.web import web_handlers

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = (
    "https://trust-label-registry.example/problems/"  # stable identifiers, documented in the README
)

STATUS_OF_KIND = {
    ErrorKind.INVALID: 400,
    ErrorKind.UNAUTHENTICATED: 401,
    ErrorKind.FORBIDDEN: 403,
    ErrorKind.NOT_FOUND: 404,
    ErrorKind.CONFLICT: 409,
    ErrorKind.RULE: 422,
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
}
SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "x-frame-options": "DENY",
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
    "cross-origin-opener-policy": "same-origin",
}
_ENCODED_SECURITY_HEADERS = tuple((k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items())

log = logging.getLogger("registry")

FOREIGN_EMBED_FLUSH_SECONDS: Final = 5.0  # badge showings on foreign domains, written in batches


def problem(
    status: int, detail: str, rule: str, *, instance: str | None = None, **extra: Any
) -> Response[dict[str, Any]]:
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + rule,
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    body.update(extra)
    headers = {"www-authenticate": 'Bearer realm="registry"'} if status == 401 else None
    return Response(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def registry_error_handler(
    request: Request[Any, Any, Any], exc: RegistryError
) -> Response[dict[str, Any]]:
    return problem(STATUS_OF_KIND[exc.kind], exc.detail, exc.rule, instance=request.url.path)


def http_error_handler(
    request: Request[Any, Any, Any], exc: HTTPException
) -> Response[dict[str, Any]]:
    status = exc.status_code
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
    response = problem(status, detail, rule, instance=request.url.path, **extra)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


def integrity_handler(
    request: Request[Any, Any, Any], _exc: IntegrityError
) -> Response[dict[str, Any]]:
    """A unique constraint caught a change made at the same time by someone else."""
    return problem(
        409,
        "the change conflicts with another one made at the same time; reload and retry",
        "conflict",
        instance=request.url.path,
    )


def recursion_handler(
    request: Request[Any, Any, Any], _exc: RecursionError
) -> Response[dict[str, Any]]:
    return problem(
        400, "the JSON body is nested too deeply", "invalid-input", instance=request.url.path
    )


def internal_error_handler(
    request: Request[Any, Any, Any], exc: Exception
) -> Response[dict[str, Any]]:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem(
        HTTP_500_INTERNAL_SERVER_ERROR,
        "the registry failed to answer; the error was logged",
        "internal-error",
    )


@get("/healthz", operation_id="Health", include_in_schema=True, media_type=MediaType.TEXT)
async def healthz() -> str:
    """Liveness: the process answers. A constant answer through the same middleware as
    every other route: the benchmark's baseline."""
    return "ok\n"


@get("/.well-known/jwks.json", operation_id="Jwks", sync_to_thread=True)
def jwks(registry: RegistryService) -> dict[str, Any]:
    """Every credential key the registry ever used, with its status."""
    return registry.jwks()


async def security_headers(message: Message, _scope: Scope) -> None:
    """Add the security headers to every response, errors and router 404s included.

    Runs as a ``before_send`` hook, which sees every response start, unlike middleware
    (route handlers only). A header the handler set itself (a page's CSP) is kept.
    """
    if message["type"] != "http.response.start":
        return
    # On the raw header list: every response passes here, and Litestar's header view
    # decodes and compares every header for each lookup (tens of microseconds a response).
    headers = list(message.get("headers", ()))
    present = {name.lower() for name, _ in headers}
    headers.extend(item for item in _ENCODED_SECURITY_HEADERS if item[0] not in present)
    message["headers"] = headers


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
    return problem(
        415,
        f"the request body must be application/json; got content type {shown}",
        "unsupported-media-type",
        instance=request.url.path,
    )


def _periodic(
    name: str, interval: float, work: Callable[[], object], *, at_stop: bool = False
) -> tuple[Callable[[], Awaitable[None]], Callable[[], Awaitable[None]]]:
    """Start and stop hooks of a task that runs ``work`` in a thread every ``interval``
    seconds (never when ``interval`` is 0), and once more at stop when ``at_stop``."""
    tasks: list[asyncio.Task[None]] = []

    async def run_forever() -> None:
        while True:
            await asyncio.sleep(interval)
            try:
                done = await anyio.to_thread.run_sync(work)
                if done:
                    log.info("%s: %s", name, done)
            except Exception:
                log.exception("%s failed; it runs again in %s s", name, interval)

    async def start() -> None:
        if interval > 0:
            tasks.append(asyncio.get_running_loop().create_task(run_forever()))

    async def stop() -> None:
        for task in tasks:
            task.cancel()
        if at_stop:
            await anyio.to_thread.run_sync(work)

    return start, stop


def create_app(
    settings: Settings, *, clock: Clock = system_clock, keyring: KeyRing | None = None
) -> Litestar:
    """The registry as an ASGI app; everything it needs is built from ``settings``."""
    db = Database(settings.database_url)
    service = RegistryService(settings, db, keyring or KeyRing.from_settings(settings), clock)
    # Several servers may sweep at once: the sweep locks the rows it expires and skips
    # those another process holds, so each expiry is recorded once.
    start_sweeper, stop_sweeper = _periodic(
        "expiry sweep", settings.sweep_interval_seconds, lambda: len(service.expire_due())
    )
    feed: list[Callable[[], None]] = []

    async def start_feed() -> None:
        feed.append(change_feed.listen(settings.database_url, service.changes.bump))

    async def stop_feed() -> None:
        for stop in feed:
            await anyio.to_thread.run_sync(stop)

    start_tally, stop_tally = _periodic(
        "foreign badge counts",
        FOREIGN_EMBED_FLUSH_SECONDS,
        service.flush_foreign_badges,
        at_stop=True,
    )
    start_webhooks, stop_webhooks = WebhookDispatcher(
        service, service.webhook_policy(), clock, timeout=settings.webhook_timeout_seconds
    ).hooks(settings.webhook_poll_seconds)
    return Litestar(
        route_handlers=[
            healthz,
            jwks,
            SchemeController,
            BodyController,
            PeopleController,
            AssessmentController,
            CertificateController,
            LogFilesController,
            LogApiController,
            HolderController,
            BodyForeignEmbedController,
            MisuseReportController,
            *web_handlers(),
        ],
        dependencies={
            "registry": Provide(provide_registry, sync_to_thread=False),
            "actor": Provide(provide_actor, sync_to_thread=True),
        },
        exception_handlers={
            RegistryError: registry_error_handler,
            HTTPException: http_error_handler,
            RecursionError: recursion_handler,
            IntegrityError: integrity_handler,
            Exception: internal_error_handler,
        },
        before_request=require_json_body,
        before_send=[security_headers],
        request_max_body_size=settings.max_body_bytes,
        openapi_config=OpenAPIConfig(title="Trust-label registry", version="1", path="/schema"),
        state=State({"registry": service, "settings": settings}),
        on_startup=[start_feed, start_sweeper, start_webhooks, start_tally],
        on_shutdown=[stop_webhooks, stop_sweeper, stop_tally, stop_feed, db.dispose],
        debug=False,
    )


def asgi() -> Litestar:
    """Entry point for an ASGI server (``registry serve`` uses it): settings from the environment."""
    return create_app(Settings.from_env())
