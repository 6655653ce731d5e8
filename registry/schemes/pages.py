"""The scheme page: its independence profile, every version with its criteria, its
holders."""

from __future__ import annotations

from typing import Any

from litestar import Request

from registry.edge import http, views
from registry.edge.answers import Answer
from registry.edge.pages import not_found, page_context, page_in_thread, render
from registry.errors import RegistryError
from registry.schemes.service import SchemeService
from registry.search.service import Search


@page_in_thread("/schemes/{slug:str}", "web:scheme")
def scheme(
    request: Request[Any, Any, Any], schemes: SchemeService, search: Search, slug: str
) -> Answer:
    """A scheme's independence profile, every version with its criteria, its holders."""
    page = page_context(request)
    try:
        found = schemes.scheme(slug)
    except RegistryError:
        return not_found(request, page, "scheme")
    hits = search.scheme_certificates(slug)
    return render(
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
        max_age=http.max_age_for(((h.status, h.valid_until) for h in hits), search.clock()),
    )
