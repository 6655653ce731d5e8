"""The home page: the search box, and the results of a search."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar import Request

from registry.bootstrap import Services
from registry.edge import http, templating, views
from registry.edge.answers import Answer
from registry.edge.app_state import registry_of
from registry.edge.pages import page_context
from registry.misuse.pages import report_form


@http.page_route("/", "web:home", in_thread=False)
async def home(request: Request[Any, Any, Any]) -> Answer:
    """The search box; with ``?q=`` the results (a found code goes straight to its page).

    Rendered pages, and the redirect of a search that finds a code, are kept until the
    next committed change, so a popular search costs one lookup.
    """
    registry = registry_of(request)
    page = page_context(request)
    query = request.query_params.get("q", "")
    cache = registry.caches.named("pages")
    found: http.RenderedPage | Answer = await cache.fetch_soon(
        ("home", query, page.lang, page.explicit),
        lambda: _home(registry, page, query),
        _changes_at,
    )
    if isinstance(found, Answer):
        return found
    return http.rendered_response(request, found, cache.lifetime(found.changes_at, http.MAX_AGE))


def _changes_at(found: http.RenderedPage | Answer) -> datetime | None:
    """A redirect holds until the next change; a page until the clock changes it."""
    return found.changes_at if isinstance(found, http.RenderedPage) else None


def _home(registry: Services, page: views.PageContext, query: str) -> http.RenderedPage | Answer:
    if not query.strip():
        html = templating.render(
            page.lang,
            "home/home.html",
            {
                "page": page,
                "schemes": registry.schemes.schemes(),
                "bodies": registry.bodies.bodies(),
                "report": report_form(registry, page.lang),
            },
        )
        return http.RenderedPage.of(html, None)
    outcome = registry.search.find(query)
    if outcome.kind == "code" and outcome.normalised and outcome.hits:
        return http.redirect(page.href(f"/c/{outcome.normalised}"))
    html = templating.render(page.lang, "home/results.html", {"page": page, "outcome": outcome})
    now = registry.uow.clock()
    return http.RenderedPage.of(
        html, http.changes_at(((h.status, h.valid_until) for h in outcome.hits), now)
    )
