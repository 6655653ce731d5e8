"""The certificate page: status first, then holder, scheme, what was checked, who
checked, history, and the checks a visitor can repeat."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from litestar import Request

from registry.bootstrap import Services
from registry.certificates import badges, verification
from registry.certificates.queries import CertificateSnapshot
from registry.certificates.timeline import audit_table
from registry.domain.codes import InvalidCodeError, normalise_code
from registry.domain.status import ENDED
from registry.edge import http, qr, templating, views
from registry.edge.answers import Answer
from registry.edge.app_state import registry_of
from registry.edge.i18n import local_name
from registry.edge.pages import not_found_page, page_context
from registry.errors import NotFoundError
from registry.misuse.pages import report_form
from registry.search.service import only_check_is_wrong


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
    cache = registry.caches.named("pages")
    rendered: http.RenderedPage = await cache.fetch_soon(
        ("certificate", code, page.lang, page.explicit),
        lambda: _certificate_page(registry, page, code, canonical, problem),
        http.changes_of,
    )
    return http.rendered_response(
        request, rendered, cache.lifetime(rendered.changes_at, http.MAX_AGE)
    )


def _read_code(code: str) -> tuple[str | None, str]:
    """The canonical code, or None and what is wrong with the text."""
    try:
        return normalise_code(code), ""
    except InvalidCodeError as error:
        return None, error.detail


def _certificate_page(
    registry: Services,
    page: views.PageContext,
    code: str,
    canonical: str | None,
    problem: str,
) -> http.RenderedPage:
    """The page of ``code``, or the page that says what is wrong with it: rendered in a
    worker thread, and kept like any other (unknown codes are asked for again too)."""
    if canonical is None:
        return not_found_page(
            page, "code", code=code, mistyped=only_check_is_wrong(code), problem=problem
        )
    try:
        snapshot = registry.certificates.certificate_snapshot(canonical)
    except NotFoundError:
        return not_found_page(page, "certificate", code=canonical)
    return _render_certificate(registry, page, snapshot)


def _render_certificate(
    registry: Services, page: views.PageContext, snapshot: CertificateSnapshot
) -> http.RenderedPage:
    found = snapshot.public
    version = registry.schemes.scheme_version(found.scheme.slug, found.scheme_version)
    body = registry.bodies.body(found.body.slug)
    check = verification.check_certificate(registry, snapshot)
    audits = registry.certificates.audits(found.code)
    url = f"{registry.uow.settings.public_url}/c/{quote(found.code)}"
    html = templating.render(
        page.lang,
        "certificates/certificate.html",
        {
            "page": page,
            "certificate": found,
            "groups": views.findings_by_dimension(found.findings, version, page.lang),
            "audits": audits,
            "shown_audit": next((a for a in audits if a.id == found.findings_audit), None),
            "audit_table": audit_table(audits, page.lang),
            "accreditations": views.accreditations_for(body, found.scheme.slug),
            "body": body,
            "schemes": {s.slug: s for s in registry.schemes.schemes()},
            "check": check,
            "qr": qr.qr_path(url),
            "page_url": url,
            # A withdrawn or expired certificate is nothing to show on a site: no snippets.
            "snippets": []
            if found.status in ENDED
            else badges.embed_snippets(
                registry.uow.settings.public_url,
                found.code,
                local_name(found.scheme, "name", page.lang),
                found.holder.legal_name,
                page.lang,
            ),
            "rendered_at": registry.uow.clock(),
            "snippet_texts": badges.snippet_texts_in(page.lang),
            "report": report_form(registry, page.lang, found.code),
            "witnesses": registry.transparency.witness_status(),
        },
    )
    # The page says what the snapshot says: it is kept no longer than the snapshot may be.
    return http.RenderedPage.of(
        html, registry.caches.confirmed_until(snapshot.read_at, snapshot.until)
    )
