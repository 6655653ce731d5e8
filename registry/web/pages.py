"""The public pages: home and search, certificates, schemes, bodies and the log.

Thin handlers: read the language, call the services, shape with ``views``, render, and
answer through ``http.page_response`` (validators, cache lifetime, security headers,
HEAD). Pages set no cookie.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import anyio.to_thread
from litestar import Request
from litestar.handlers import HTTPRouteHandler

from registry.answers import Answer, header_value
from registry.app_state import registry_of
from registry.domain.codes import InvalidCodeError, normalise_code
from registry.errors import NotFoundError, RegistryError
from registry.services.certificate_views import CertificateSnapshot
from registry.services.registry import RegistryService
from registry.services.search import Search, only_check_is_wrong
from registry.web import badges, http, qr, templating, verification, views
from registry.web.i18n import negotiate
from registry.web.report import report_form


def _page(path: str, name: str) -> Callable[[Callable[..., Any]], HTTPRouteHandler]:
    """A page handler run in a thread (it reads the database)."""
    return http.page_route(path, name, in_thread=True)


def page_context(request: Request[Any, Any, Any]) -> views.PageContext:
    language, explicit = negotiate(
        request.query_params.get("lang"), header_value(request.scope, b"accept-language")
    )
    params = {"q": request.query_params["q"]} if "q" in request.query_params else {}
    scope = request.scope
    return views.PageContext(language, explicit, scope.get("root_path", "") + scope["path"], params)


def _render(
    request: Request[Any, Any, Any],
    page: views.PageContext,
    template: str,
    *,
    max_age: int = http.MAX_AGE,
    status_code: int = 200,
    **context: Any,
) -> Answer:
    html = templating.render(page.lang, template, {"page": page, **context})
    return http.page_response(request, html, max_age=max_age, status_code=status_code)


def _not_found_page(page: views.PageContext, what: str, **context: Any) -> http.RenderedPage:
    """The page that says what was not found, and why when the address was mistyped."""
    html = templating.render(
        page.lang, "errors/not_found.html", {"page": page, "what": what, **context}
    )
    return http.RenderedPage.of(html, None, status=404)


def _not_found(
    request: Request[Any, Any, Any], page: views.PageContext, what: str, **context: Any
) -> Answer:
    return _not_found_page(page, what, **context).answer_to(request.scope, http.NOT_FOUND_MAX_AGE)


@http.page_route("/", "web:home", in_thread=False)
async def home(request: Request[Any, Any, Any]) -> Answer:
    """The search box; with ``?q=`` the results (a found code goes straight to its page).

    Rendered pages are kept until the next committed change, so a popular search costs
    one lookup; a search that finds a code is answered with a redirect each time.
    """
    registry = registry_of(request)
    page = page_context(request)
    query = request.query_params.get("q", "")
    cache = registry.named_cache("pages")
    key = ("home", query, page.lang, page.explicit)
    rendered: http.RenderedPage | None = cache.get(key)
    if rendered is None:
        stamp = cache.stamp()
        answer = await anyio.to_thread.run_sync(_home, registry, page, query)
        if isinstance(answer, Answer):
            return answer
        cache.put(key, answer, stamp, answer.changes_at)
        rendered = answer
    return http.rendered_response(request, rendered, registry.clock())


def _home(
    registry: RegistryService, page: views.PageContext, query: str
) -> http.RenderedPage | Answer:
    if not query.strip():
        html = templating.render(
            page.lang,
            "home/home.html",
            {
                "page": page,
                "schemes": registry.schemes(),
                "bodies": registry.bodies(),
                "report": report_form(registry, page.lang),
            },
        )
        return http.RenderedPage.of(html, None)
    outcome = Search(registry.db, registry.clock).find(query)
    if outcome.kind == "code" and outcome.normalised and outcome.hits:
        return http.redirect(page.href(f"/c/{outcome.normalised}"))
    html = templating.render(page.lang, "home/results.html", {"page": page, "outcome": outcome})
    now = registry.clock()
    return http.RenderedPage.of(
        html, http.changes_at(((h.status, h.valid_until) for h in outcome.hits), now)
    )


@http.page_route("/c/{code:str}", "web:certificate", in_thread=False)
async def certificate(request: Request[Any, Any, Any], code: str) -> Answer:
    """Status first, then holder, scheme, what was checked, who checked, history, checks.

    The rendered page is kept until the next committed change (or the moment the clock
    alone changes its status), so a fresh page costs no database read, template or thread.
    """
    registry = registry_of(request)
    page = page_context(request)
    canonical, problem = _read_code(code)
    if canonical is not None and canonical != code:
        return http.redirect(page.href(f"/c/{canonical}"), permanent=True)
    cache = registry.named_cache("pages")
    key = ("certificate", code, page.lang, page.explicit)
    rendered: http.RenderedPage | None = cache.get(key)
    if rendered is None:
        stamp = cache.stamp()  # before the snapshot: a page never outlives what it shows
        rendered = await _certificate_page(registry, page, code, canonical, problem)
        cache.put(key, rendered, stamp, rendered.changes_at)
    return http.rendered_response(request, rendered, registry.clock())


def _read_code(code: str) -> tuple[str | None, str]:
    """The canonical code, or None and what is wrong with the text."""
    try:
        return normalise_code(code), ""
    except InvalidCodeError as error:
        return None, error.detail


async def _certificate_page(
    registry: RegistryService,
    page: views.PageContext,
    code: str,
    canonical: str | None,
    problem: str,
) -> http.RenderedPage:
    """The page of ``code``, or the page that says what is wrong with it: rendered in a
    worker thread, and kept like any other (unknown codes are asked for again too)."""
    if canonical is None:
        return await anyio.to_thread.run_sync(
            lambda: _not_found_page(
                page, "code", code=code, mistyped=only_check_is_wrong(code), problem=problem
            )
        )
    try:
        snapshot = await registry.certificate_snapshot_soon(canonical)
    except NotFoundError:
        return await anyio.to_thread.run_sync(
            lambda: _not_found_page(page, "certificate", code=canonical)
        )
    return await anyio.to_thread.run_sync(_render_certificate, registry, page, snapshot)


def _render_certificate(
    registry: RegistryService, page: views.PageContext, snapshot: CertificateSnapshot
) -> http.RenderedPage:
    found = snapshot.public
    version = registry.scheme_version(found.scheme.slug, found.scheme_version)
    body = registry.body(found.body.slug)
    check = verification.check_certificate(registry, found)
    url = f"{registry.settings.public_url}/c/{quote(found.code)}"
    html = templating.render(
        page.lang,
        "certificates/certificate.html",
        {
            "page": page,
            "certificate": found,
            "groups": views.findings_by_dimension(found.findings, version, page.lang),
            "accreditations": views.accreditations_for(body, found.scheme.slug),
            "body": body,
            "schemes": {s.slug: s for s in registry.schemes()},
            "check": check,
            "qr": qr.qr_path(url),
            "page_url": url,
            "snippets": badges.embed_snippets(
                registry.settings.public_url,
                found.code,
                templating.local_name(found.scheme, "name", page.lang),
                found.holder.legal_name,
                page.lang,
            ),
            "snippet_texts": badges.SNIPPET_TEXTS[page.lang],
            "report": report_form(registry, page.lang, found.code),
        },
    )
    return http.RenderedPage.of(html, snapshot.until)


@_page("/schemes/{slug:str}", "web:scheme")
def scheme(request: Request[Any, Any, Any], registry: RegistryService, slug: str) -> Answer:
    """A scheme's independence profile, every version with its criteria, its holders."""
    page = page_context(request)
    try:
        found = registry.scheme(slug)
    except RegistryError:
        return _not_found(request, page, "scheme")
    hits = Search(registry.db, registry.clock).scheme_certificates(slug)
    return _render(
        request,
        page,
        "schemes/scheme.html",
        scheme=found,
        texts=views.scheme_texts(found, page.lang),
        versions=[
            (v, views.criteria_by_dimension(v.criteria, page.lang))
            for v in sorted(found.versions, key=lambda v: v.number, reverse=True)
        ],
        hits=hits,
        max_age=http.max_age_for(((h.status, h.valid_until) for h in hits), registry.clock()),
    )


@_page("/bodies/{slug:str}", "web:body")
def body(request: Request[Any, Any, Any], registry: RegistryService, slug: str) -> Answer:
    """A certification body: its accreditations, their scope, and its certificates."""
    page = page_context(request)
    try:
        found = registry.body(slug)
    except RegistryError:
        return _not_found(request, page, "body")
    hits = Search(registry.db, registry.clock).body_certificates(slug)
    schemes = {s.slug: s for s in registry.schemes()}
    return _render(
        request,
        page,
        "bodies/body.html",
        body=found,
        schemes=schemes,
        hits=hits,
        max_age=http.max_age_for(((h.status, h.valid_until) for h in hits), registry.clock()),
    )


@_page("/log", "web:log")
def log(request: Request[Any, Any, Any], registry: RegistryService) -> Answer:
    """The log for people: the latest checkpoint, recent entries, how to monitor it."""
    page = page_context(request)
    checkpoint, entries = _log_head(registry)
    return _render(
        request,
        page,
        "log/log.html",
        checkpoint=checkpoint,
        entries=entries,
        public_url=registry.settings.public_url,
    )


def _log_head(registry: RegistryService, recent: int = 20) -> tuple[str, list[dict[str, Any]]]:
    """The latest signed checkpoint's text and its last entries ("" and [] before any)."""
    read_checkpoint = getattr(registry, "log_checkpoint", None)
    read_entries = getattr(registry, "log_entries", None)
    if read_checkpoint is None:
        return "", []
    try:
        checkpoint = str(read_checkpoint())
    except RegistryError:
        return "", []
    lines = checkpoint.split("\n")
    size = int(lines[1]) if len(lines) > 1 and lines[1].isdigit() else 0
    if read_entries is None or size == 0:
        return checkpoint, []
    entries: list[dict[str, Any]] = []
    for item in read_entries(max(0, size - recent), size).items:
        try:
            document = json.loads(item.entry)
        except ValueError:
            continue
        if isinstance(document, dict):
            data = document.get("data")
            entries.append(
                {
                    "index": item.index,
                    "type": str(document.get("type", "")),
                    "time": str(document.get("time", "")),
                    "code": str(data.get("code", "")) if isinstance(data, dict) else "",
                }
            )
    return checkpoint, list(reversed(entries))
