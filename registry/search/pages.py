"""The home page: the search box, and the results of a search."""

from __future__ import annotations

from typing import Any

import anyio.to_thread
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

    Rendered pages are kept until the next committed change, so a popular search costs
    one lookup; a search that finds a code is answered with a redirect each time.
    """
    registry = registry_of(request)
    page = page_context(request)
    query = request.query_params.get("q", "")
    cache = registry.caches.named("pages")
    key = ("home", query, page.lang, page.explicit)
    rendered: http.RenderedPage | None = cache.get(key)
    if rendered is None:
        stamp = cache.stamp()
        answer = await anyio.to_thread.run_sync(_home, registry, page, query)
        if isinstance(answer, Answer):
            return answer
        cache.put(key, answer, stamp, answer.changes_at)
        rendered = answer
    return http.rendered_response(request, rendered, registry.uow.clock())


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
