"""What every public page shares: the language and address of the request, rendering,
the not-found page, and the route of a page that reads the database.

The pages themselves live with their features (``certificates/pages.py``, ...): thin
handlers that read the language, call the feature's service, shape with ``views``,
render, and answer through ``http.page_response`` (validators, cache lifetime, security
headers, HEAD). Pages set no cookie.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar import Request, Response
from litestar.handlers import HTTPRouteHandler

from registry.edge import http, templating, views
from registry.edge.answers import Answer, header_value
from registry.edge.i18n import negotiate


def page_in_thread(path: str, name: str) -> Callable[[Callable[..., Any]], HTTPRouteHandler]:
    """A page handler run in a thread (it reads the database)."""
    return http.page_route(path, name, in_thread=True)


def page_context(request: Request[Any, Any, Any]) -> views.PageContext:
    language, explicit = negotiate(
        request.query_params.get("lang"), header_value(request.scope, b"accept-language")
    )
    params = {"q": request.query_params["q"]} if "q" in request.query_params else {}
    scope = request.scope
    return views.PageContext(language, explicit, scope.get("root_path", "") + scope["path"], params)


def render(
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


def not_found_page(page: views.PageContext, what: str, **context: Any) -> http.RenderedPage:
    """The page that says what was not found, and why when the address was mistyped."""
    html = templating.render(
        page.lang, "errors/not_found.html", {"page": page, "what": what, **context}
    )
    return http.RenderedPage.of(html, None, status=404)


def not_found(
    request: Request[Any, Any, Any], page: views.PageContext, what: str, **context: Any
) -> Answer:
    return not_found_page(page, what, **context).answer_to(request.scope, http.NOT_FOUND_MAX_AGE)


def unavailable_page(request: Request[Any, Any, Any], retry_after: int) -> Response[bytes]:
    """The 503 page, in the page's language, of a page whose status cannot be confirmed
    now (the database is gone): never a status from old memory, never kept by a cache."""
    page = page_context(request)
    html = templating.render(page.lang, "errors/unavailable.html", {"page": page})
    headers = {
        **http.PAGE_HEADERS,
        "cache-control": "no-store",
        "retry-after": str(retry_after),
        "vary": "Accept-Language",
    }
    return Response(html.encode("utf-8"), status_code=503, media_type=http.HTML, headers=headers)
