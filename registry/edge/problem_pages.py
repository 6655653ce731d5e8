"""``/problems/<name>``: the page each problem ``type`` URI opens (RFC 9457 §3.1.1),
and ``/problems``, the list of them all, in Dutch and English."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.exceptions import NotFoundException

from registry.edge import http, templating
from registry.edge.answers import Answer
from registry.edge.pages import page_context
from registry.edge.problem_catalogue import CATALOGUE

ONE_DAY = 86_400  # the explanations change only with a release


@http.page_route("/problems/{name:str}", "problems:one", in_thread=False)
async def problem_page(request: Request[Any, Any, Any], name: str) -> Answer:
    kind = CATALOGUE.get(name)
    if kind is None:
        raise NotFoundException(f"the registry has no problem type {name!r}; see /problems")
    page = page_context(request)
    html = templating.render(
        page.lang, "problems/problem.html", {"page": page, "name": name, "kind": kind}
    )
    return http.page_response(request, html, max_age=ONE_DAY)


@http.page_route("/problems", "problems:all", in_thread=False)
async def problem_list(request: Request[Any, Any, Any]) -> Answer:
    page = page_context(request)
    html = templating.render(
        page.lang, "problems/list.html", {"page": page, "catalogue": CATALOGUE}
    )
    return http.page_response(request, html, max_age=ONE_DAY)


def problem_page_handlers() -> list[Any]:
    return [problem_page, problem_list]
