"""The composition root: ``create_app(settings)`` wires storage, keys, every feature's
service, routes and pages, and the edge (problem documents in ``edge/problems.py``,
security headers here)."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Awaitable, Callable
from typing import Any, Final

import anyio.to_thread
from litestar import Litestar, MediaType, Request, Response, get
from litestar.datastructures import CacheControlHeader, State
from litestar.routes import HTTPRoute
from litestar.static_files import create_static_files_router
from litestar.types import Message, Scope

from registry.bodies.api import BodyController, PeopleController
from registry.bodies.pages import body
from registry.bootstrap import Services
from registry.certificates.api import CertificateController, DomainReviewController
from registry.certificates.badges import badge
from registry.certificates.pages import certificate
from registry.certification.api import AssessmentController
from registry.clock import Clock, system_clock
from registry.config import Settings
from registry.db import change_feed
from registry.db.database import Database
from registry.discovery.api import discovery_handlers
from registry.edge import hsts, public_reads
from registry.edge.api_docs import openapi_config
from registry.edge.app_state import registry_of
from registry.edge.deps import dependencies
from registry.edge.problem_pages import problem_page_handlers
from registry.edge.problems import before_request, exception_handlers
from registry.edge.templating import STATIC_DIR
from registry.errors import UnavailableError
from registry.feeds.api import feed_handlers
from registry.identity.api import AccountController
from registry.identity.holder.pages import holder_handlers
from registry.identity.pages import account_handlers
from registry.misuse.api import (
    BodyForeignEmbedController,
    HolderForeignEmbedController,
    MisuseReportController,
)
from registry.misuse.pages import report
from registry.opendata.api import opendata_handlers
from registry.organisations.api import LookalikeController
from registry.portals.pages import portal_handlers
from registry.schemes.api import SchemeController
from registry.schemes.pages import scheme
from registry.search.pages import home
from registry.status_lists.api import status_list
from registry.transparency.api import (
    LogApiController,
    LogFilesController,
    LogPolicyController,
    witness_hooks,
)
from registry.transparency.keys import KeyRing
from registry.transparency.pages import log as log_page
from registry.webhooks.api import HolderWebhookController
from registry.webhooks.delivery import WebhookDispatcher
from registry.wellknown.api import wellknown_handlers

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
SNAPSHOT_CHECK_SECONDS: Final = (
    3600.0  # the daily snapshot is made within the hour after midnight UTC
)


@get("/livez", operation_id="Liveness", include_in_schema=True, media_type=MediaType.TEXT)
async def livez() -> str:
    """Liveness: the process answers, whatever the database does (restarting the process
    would not bring the database back). A constant answer through the same middleware as
    every other route: the benchmark's baseline."""
    return "ok\n"


@get(
    "/healthz",
    operation_id="Health",
    include_in_schema=True,
    media_type=MediaType.TEXT,
    cache_control=CacheControlHeader(no_store=True),
)
async def healthz(request: Request[Any, Any, Any]) -> Response[str]:
    """Readiness: the database answers now, so answers can be confirmed; 503 (with the
    reason) when it does not, and the load balancer should send no traffic here."""
    try:
        await anyio.to_thread.run_sync(registry_of(request).uow.db.ping)
    except UnavailableError as error:
        return Response(
            f"unavailable: {error.detail}\n",
            status_code=503,
            media_type=MediaType.TEXT,
            headers={"retry-after": str(error.retry_after)},
        )
    return Response("ok\n", media_type=MediaType.TEXT)


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


def allow_every_routed_method(app: Litestar) -> Callable[[Message, Scope], Awaitable[None]]:
    """A ``before_send`` hook that makes an OPTIONS answer's ``Allow`` list every method
    routed at its path.

    Litestar makes the OPTIONS answer when it adds the path's first handler and keeps it
    when handlers of other methods join the path later, so its ``Allow`` lists only some.
    """
    allowed: dict[int, bytes] = {}
    for route in app.routes:
        if isinstance(route, HTTPRoute):
            value = ", ".join(sorted(route.methods)).encode("latin-1")
            for handler in route.route_handlers:
                allowed[id(handler)] = value

    async def hook(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start" or scope.get("method") != "OPTIONS":
            return
        value = allowed.get(id(scope.get("route_handler")))
        if value is None:
            return
        headers = [(k, v) for k, v in message.get("headers", ()) if k.lower() != b"allow"]
        message["headers"] = [*headers, (b"allow", value)]

    return hook


STATIC_MAX_AGE: Final = 3600  # assets are linked with ?v=<digest>, so a change shows at once


def web_handlers() -> list[Any]:
    """The route handlers and routers of the public pages, for ``Litestar(route_handlers=...)``."""
    return [
        home,
        certificate,
        scheme,
        body,
        log_page,
        badge,
        report,
        create_static_files_router(
            path="/static",
            directories=[STATIC_DIR],
            name="web:static",
            cache_control=CacheControlHeader(public=True, max_age=STATIC_MAX_AGE),
            include_in_schema=False,
        ),
    ]


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
    service = Services.build(settings, db, keyring or KeyRing.from_settings(settings), clock)
    # A database restored behind the published log serves nothing until an operator
    # has continued the log under a new origin (registry log continue).
    service.transparency.refuse_if_pending()
    # Several servers may sweep at once: the sweep locks the rows it expires and skips
    # those another process holds, so each expiry is recorded once.
    start_sweeper, stop_sweeper = _periodic(
        "expiry sweep",
        settings.sweep_interval_seconds,
        lambda: len(service.certificates.expire_due()) + service.certificates.notify_overdue(),
    )
    # Domain checks wait on DNS and holders' servers outside any transaction; two servers
    # checking one claim at once record the same outcome, the second without a change.
    start_domain_checks, stop_domain_checks = _periodic(
        "domain checks", settings.domain_check_seconds, service.domains.run_due
    )
    start_mail, stop_mail = _periodic(
        "status e-mail", settings.webhook_poll_seconds, service.webhooks.send_due_mail
    )
    feed: list[Callable[[], None]] = []

    async def check_keys() -> None:
        if settings.switch_interval_ms > 0:
            sys.setswitchinterval(settings.switch_interval_ms / 1000)
        await anyio.to_thread.run_sync(service.transparency.verify_keys)

    async def start_feed() -> None:
        feed.append(change_feed.listen(settings.database_url, service.uow.changes.bump))

    async def stop_feed() -> None:
        for stop in feed:
            await anyio.to_thread.run_sync(stop)

    start_tally, stop_tally = _periodic(
        "foreign badge counts",
        FOREIGN_EMBED_FLUSH_SECONDS,
        service.misuse.flush_foreign_badges,
        at_stop=True,
    )
    start_snapshots, stop_snapshots = _periodic(
        "daily snapshot", SNAPSHOT_CHECK_SECONDS, service.opendata.publish_due
    )
    start_webhooks, stop_webhooks = WebhookDispatcher(
        service.webhooks,
        service.webhooks.webhook_policy(),
        clock,
        timeout=settings.webhook_timeout_seconds,
    ).hooks(settings.webhook_poll_seconds)
    start_witnesses, stop_witnesses = witness_hooks(service.transparency)
    app = Litestar(
        route_handlers=[
            healthz,
            livez,
            *discovery_handlers(),
            status_list,
            SchemeController,
            BodyController,
            PeopleController,
            AccountController,
            AssessmentController,
            CertificateController,
            DomainReviewController,
            LogFilesController,
            LogApiController,
            LogPolicyController,
            HolderWebhookController,
            HolderForeignEmbedController,
            BodyForeignEmbedController,
            MisuseReportController,
            LookalikeController,
            *web_handlers(),
            *account_handlers(),
            *portal_handlers(),
            *holder_handlers(),
            *opendata_handlers(),
            *feed_handlers(),
            *wellknown_handlers(),
            *problem_page_handlers(),
        ],
        dependencies=dependencies(),
        exception_handlers=exception_handlers(),
        before_request=before_request,
        before_send=[
            security_headers,
            *([hsts.add_hsts] if hsts.wanted(settings.public_url) else []),
        ],
        request_max_body_size=settings.max_body_bytes,
        openapi_config=openapi_config(),
        state=State({"services": service, "settings": settings}),
        on_startup=[
            check_keys,
            start_feed,
            start_sweeper,
            start_webhooks,
            start_domain_checks,
            start_mail,
            start_tally,
            start_witnesses,
            start_snapshots,
        ],
        on_shutdown=[
            stop_witnesses,
            stop_webhooks,
            stop_domain_checks,
            stop_mail,
            stop_sweeper,
            stop_tally,
            stop_snapshots,
            stop_feed,
            db.dispose,
        ],
        debug=False,
        logging_config=None,  # the server's own configuration (edge/logs.py) stays in force
    )
    app.asgi_handler = public_reads.wrap(app.asgi_handler)  # CORS, and HEAD on every GET
    app.before_send.append(allow_every_routed_method(app))
    return app


def asgi() -> Litestar:
    """Entry point for an ASGI server (``registry serve`` uses it): settings from the environment."""
    return create_app(Settings.from_env())
