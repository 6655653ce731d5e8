"""The ``/account/holder`` pages: a certified organisation's contact manages its domains,
badge snippets and webhooks, and reads its status history and misuse reports.

Thin handlers over ``HolderPortal``: every form carries the session's CSRF token; a
change answers with a redirect back to the page, except where a secret is shown once.
"""

from __future__ import annotations

from functools import partial
from typing import Any, Final

from litestar import Request, Response, get, post

from registry.edge.i18n import translations
from registry.errors import ErrorKind, RegistryError
from registry.identity.holder.portal import HolderPortal
from registry.identity.pages import (
    N_,
    context_of,
    cookie_of,
    flows,
    form_of,
    in_thread,
    refusal_text,
    registry_of_request,
    render_page,
    see_other,
)
from registry.identity.signin import SignInRefused

HOME: Final = "/account/holder"
STATUS_OF_KIND: Final = {
    ErrorKind.FORBIDDEN: 403,
    ErrorKind.NOT_FOUND: 404,
    ErrorKind.CONFLICT: 409,
    ErrorKind.RATE_LIMITED: 429,
    ErrorKind.UNAVAILABLE: 503,
}
NOT_DONE: Final = N_("That did not work: %(detail)s")
NOT_HOLDER: Final = N_("Your account does not act for a certified organisation.")


def portal_of(request: Request[Any, Any, Any]) -> HolderPortal:
    state = request.app.state
    if getattr(state, "holder_portal", None) is None:
        services = registry_of_request(request)
        signin, _, _ = flows(request)
        state.holder_portal = HolderPortal(
            signin, services.certificates, services.domains, services.webhooks, services.misuse
        )
    portal: HolderPortal = state.holder_portal
    return portal


async def _page(
    request: Request[Any, Any, Any], *, status: int = 200, **context: Any
) -> Response[str]:
    lang = context_of(request).lang
    try:
        view = await in_thread(partial(portal_of(request).view, cookie_of(request), lang))
    except SignInRefused as refused:
        if refused.reason == "signed_out":
            return see_other(request, "/account")
        text = translations(lang).gettext(NOT_HOLDER)
        return render_page(request, "account/message.html", status=403, message=text)
    values = {"secret": None, "notice": None, **context}
    return render_page(request, "account/holder.html", status=status, holder=view, **values)


async def _act(request: Request[Any, Any, Any], call: Any, *, show: bool = False) -> Response[str]:
    """Run ``call(actor, form)`` as the signed-in holder; back to the page, or the page
    showing what ``call`` returned (a secret) when ``show``."""
    form = await form_of(request)
    portal = portal_of(request)
    try:
        done = await in_thread(
            partial(portal.act, cookie_of(request), form.get("csrf"), lambda a: call(a, form))
        )
    except SignInRefused as refused:
        if refused.reason == "signed_out":
            return see_other(request, "/account")
        status, text = refusal_text(context_of(request).lang, refused)
        return await _page(request, status=status, error=text)
    except RegistryError as error:
        text = translations(context_of(request).lang).gettext(NOT_DONE) % {"detail": error.detail}
        return await _page(request, status=STATUS_OF_KIND.get(error.kind, 400), error=text)
    if show:
        return await _page(request, secret=done)
    return see_other(request, HOME)


@get(HOME, name="holder:home", include_in_schema=False)
async def holder_home(request: Request[Any, Any, Any]) -> Response[str]:
    """The holder's portal, or the sign-in page."""
    return await _page(request)


@post(f"{HOME}/domains", name="holder:claim", include_in_schema=False, status_code=200)
async def claim_domain(request: Request[Any, Any, Any]) -> Response[str]:
    domains = portal_of(request).domains
    return await _act(
        request, lambda a, f: domains.claim(a, f.get("code", ""), f.get("domain", "")[:300])
    )


@post(f"{HOME}/domains/check", name="holder:check", include_in_schema=False, status_code=200)
async def check_domain(request: Request[Any, Any, Any]) -> Response[str]:
    domains = portal_of(request).domains
    return await _act(
        request, lambda a, f: domains.check_now(a, f.get("code", ""), f.get("domain", "")[:300])
    )


@post(f"{HOME}/domains/remove", name="holder:unclaim", include_in_schema=False, status_code=200)
async def remove_domain(request: Request[Any, Any, Any]) -> Response[str]:
    certificates = portal_of(request).certificates
    return await _act(
        request,
        lambda a, f: certificates.remove_domain(a, f.get("code", ""), f.get("domain", "")[:300]),
    )


@post(f"{HOME}/webhooks", name="holder:webhook", include_in_schema=False, status_code=200)
async def register_webhook(request: Request[Any, Any, Any]) -> Response[str]:
    webhooks = portal_of(request).webhooks
    return await _act(
        request,
        lambda a, f: webhooks.register_webhook(a, f.get("url", "")[:2001]).secret,
        show=True,
    )


@post(
    f"{HOME}/webhooks/{{endpoint_id:int}}/test",
    name="holder:webhook-test",
    include_in_schema=False,
    status_code=200,
)
async def test_webhook(request: Request[Any, Any, Any], endpoint_id: int) -> Response[str]:
    webhooks = portal_of(request).webhooks
    return await _act(request, lambda a, f: webhooks.send_test(a, endpoint_id))


@post(
    f"{HOME}/webhooks/{{endpoint_id:int}}/rotate",
    name="holder:webhook-rotate",
    include_in_schema=False,
    status_code=200,
)
async def rotate_webhook(request: Request[Any, Any, Any], endpoint_id: int) -> Response[str]:
    webhooks = portal_of(request).webhooks
    return await _act(
        request, lambda a, f: webhooks.rotate_secret(a, endpoint_id).secret, show=True
    )


@post(
    f"{HOME}/webhooks/{{endpoint_id:int}}/remove",
    name="holder:webhook-remove",
    include_in_schema=False,
    status_code=200,
)
async def remove_webhook(request: Request[Any, Any, Any], endpoint_id: int) -> Response[str]:
    webhooks = portal_of(request).webhooks
    return await _act(request, lambda a, f: webhooks.remove_webhook(a, endpoint_id))


@post(f"{HOME}/mail", name="holder:mail", include_in_schema=False, status_code=200)
async def status_mail(request: Request[Any, Any, Any]) -> Response[str]:
    webhooks = portal_of(request).webhooks
    return await _act(request, lambda a, f: webhooks.set_status_mail(a, f.get("wanted") == "1"))


def holder_handlers() -> list[Any]:
    """The route handlers of ``/account/holder``."""
    return [
        holder_home,
        claim_domain,
        check_domain,
        remove_domain,
        register_webhook,
        test_webhook,
        rotate_webhook,
        remove_webhook,
        status_mail,
    ]
