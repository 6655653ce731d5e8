"""The body page: a certification body, its accreditations and their scope, and its
certificates."""

from __future__ import annotations

from typing import Any

from litestar import Request

from registry.bodies.service import BodyService
from registry.edge import http
from registry.edge.answers import Answer
from registry.edge.pages import not_found, page_context, page_in_thread, render
from registry.errors import RegistryError
from registry.schemes.service import SchemeService
from registry.search.service import Search


@page_in_thread("/bodies/{slug:str}", "web:body")
def body(
    request: Request[Any, Any, Any],
    bodies: BodyService,
    schemes: SchemeService,
    search: Search,
    slug: str,
) -> Answer:
    """A certification body: its accreditations, their scope, and its certificates."""
    page = page_context(request)
    try:
        found = bodies.body(slug)
    except RegistryError:
        return not_found(request, page, "body")
    hits = search.body_certificates(slug)
    return render(
        request,
        page,
        "bodies/body.html",
        body=found,
        schemes={s.slug: s for s in schemes.schemes()},
        hits=hits,
        max_age=http.max_age_for(((h.status, h.valid_until) for h in hits), search.clock()),
    )
