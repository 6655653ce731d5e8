"""What the three portals share: the session's actor, the form, rendering, and refusals
shown as readable messages in the page's language.

Every answer is ``no-store`` with the pages' security headers; every form post carries
the session's CSRF token, checked before anything is read or written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, Final, TypeVar

import anyio.to_thread
from litestar import MediaType, Request, Response

from registry.bootstrap import Services
from registry.domain.vocabulary import Role
from registry.edge import http, templating, views
from registry.edge.answers import header_value
from registry.edge.i18n import Language, negotiate, translations
from registry.edge.labels import N_
from registry.edge.problem_catalogue import CATALOGUE
from registry.errors import ErrorKind, RegistryError
from registry.identity.schemas import Acting

T = TypeVar("T")
COOKIE: Final = "__Host-session"
MAX_FORM: Final = 512 * 1024  # a checklist of hundreds of criteria with their evidence

ROLE_NAMES: Final = {
    "staff": N_("Staff of the registry"),
    "body_admin": N_("Admin of a certification body"),
    "auditor": N_("Auditor"),
    "holder": N_("Contact of a certified organisation"),
}
PORTAL_REFUSALS: Final = {
    "csrf": N_("The form's security token is missing or wrong. Reload the page and try again."),
    "second_factor_needed": N_(
        "Your role needs a second factor. Add a passkey or an authenticator app before anything else."
    ),
    "not_found": N_("You hold no active membership for this portal."),
}


@dataclass(frozen=True)
class Message:
    """A refusal as a page shows it: what went wrong in the page's language, and the
    registry's own precise detail (English, the API's words)."""

    title: str
    text: str
    detail: str
    fields: tuple[str, ...] = ()


def services_of(request: Request[Any, Any, Any]) -> Services:
    services: Services = request.app.state.services
    return services


def context_of(request: Request[Any, Any, Any]) -> views.PageContext:
    language, explicit = negotiate(
        request.query_params.get("lang"), header_value(request.scope, b"accept-language")
    )
    return views.PageContext(language, explicit, request.scope["path"], {})


def headers() -> dict[str, str]:
    return {**http.PAGE_HEADERS, "cache-control": "no-store", "vary": "Cookie, Accept-Language"}


def render(
    request: Request[Any, Any, Any], template: str, *, status: int = 200, **context: Any
) -> Response[str]:
    page = context_of(request)
    catalogue = translations(page.lang)
    roles = {key: catalogue.gettext(value) for key, value in ROLE_NAMES.items()}
    values = {"page": page, "roles": roles, "error": None, **context}
    html = templating.render(page.lang, template, values)
    return Response(html, status_code=status, media_type=MediaType.HTML, headers=headers())


def see_other(request: Request[Any, Any, Any], path: str, **params: str) -> Response[str]:
    location = context_of(request).href(path, **params)
    return Response("", status_code=303, headers={**headers(), "location": location})


def kept(who: Acting) -> dict[str, str]:
    """The query that keeps a person with several memberships of a role on the chosen one."""
    return {"membership": str(who.actor.membership_id)} if len(who.choices) > 1 else {}


async def in_thread(call: Callable[[], T]) -> T:
    return await anyio.to_thread.run_sync(call)


async def form_of(request: Request[Any, Any, Any]) -> dict[str, str]:
    """The posted form's text fields; empty when over the bound (the CSRF check fails)."""
    body = await request.body()
    if len(body) > MAX_FORM:
        return {}
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


def message_of(language: Language, error: RegistryError) -> Message:
    """The refusal in the page's language: the problem type's title and explanation
    (the catalogue of problem types), and the error's detail."""
    kind = CATALOGUE.get(error.rule) or CATALOGUE["invalid-input"]
    if language == "nl":
        return Message(kind.title_nl, kind.text_nl, error.detail, error.fields)
    return Message(kind.title_en, kind.text_en, error.detail, error.fields)


async def acting(
    request: Request[Any, Any, Any], role: Role, form: dict[str, str] | None = None
) -> Acting | Response[str]:
    """The signed-in person acting in ``role``, or the answer to give instead: to the
    sign-in page when signed out, a refusal page otherwise. With ``form`` (a post) the
    CSRF token is checked."""
    identity = services_of(request).identity
    choice = (form or {}).get("membership") or request.query_params.get("membership") or ""
    try:
        return await in_thread(
            partial(
                identity.acting,
                request.cookies.get(COOKIE),
                role,
                csrf=(form or {}).get("csrf"),
                check_csrf=form is not None,
                membership_id=int(choice) if choice.isdigit() and len(choice) < 12 else None,
            )
        )
    except RegistryError as error:
        reason = getattr(error, "reason", "")
        if reason == "signed_out":
            return see_other(request, "/account")
        language = context_of(request).lang
        text = translations(language).gettext(
            PORTAL_REFUSALS.get(reason, PORTAL_REFUSALS["not_found"])
        )
        return render(request, "portals/refused.html", status=403, message=text)


def status_of(error: RegistryError) -> int:
    """The HTTP status a refused form answers with (as the API would)."""
    return {
        ErrorKind.INVALID: 400,
        ErrorKind.UNAUTHENTICATED: 401,
        ErrorKind.FORBIDDEN: 403,
        ErrorKind.NOT_FOUND: 404,
        ErrorKind.CONFLICT: 409,
        ErrorKind.RULE: 422,
        ErrorKind.RATE_LIMITED: 429,
        ErrorKind.UNAVAILABLE: 503,
    }[error.kind]
