"""The ``/account`` pages: sign in, accept an invitation, manage one's own account, and
the passkey calls of ``account.js``.

Thin handlers: read the cookie and the form, call one sign-in use case in a thread,
render. These are the only handlers that read or set the ``__Host-session`` cookie;
every answer is ``no-store`` and carries the pages' security headers. Every form carries
the session's CSRF token; the passkey calls send it in ``X-CSRF-Token``.

This module stays whole (over 300 lines) because it is the identity feature's one HTTP
side for browsers: its handlers share the functions at the top, and the house rule keeps
HTTP in ``api.py`` and ``pages.py`` alone.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from typing import Any, Final, TypeVar

import anyio.to_thread
from litestar import MediaType, Request, Response, get, post

from registry.bootstrap import Services
from registry.edge import http, templating, views
from registry.edge.answers import header_value
from registry.edge.i18n import Language, negotiate, translations
from registry.identity import sessions
from registry.identity.passkey_flows import PasskeyFlows
from registry.identity.portal import Portal
from registry.identity.signin import SignIn, SignInRefused

T = TypeVar("T")
MAX_FORM: Final = 16 * 1024


def N_(message: str) -> str:
    return message


REASONS: Final[dict[str, tuple[int, str]]] = {
    "csrf": (
        403,
        N_("The form's security token is missing or wrong. Reload the page and try again."),
    ),
    "wrong": (401, N_("The e-mail address or password is wrong.")),
    "wrong_code": (401, N_("The code is wrong or was already used.")),
    "slow": (429, N_("Too many failed sign-ins. Wait %(seconds)s seconds and try again.")),
    "locked": (
        403,
        N_(
            "This account is locked for 15 minutes after repeated failed sign-ins. A passkey still works."
        ),
    ),
    "mismatch": (400, N_("The two passwords differ.")),
    "weak": (400, N_("A password needs at least 12 characters.")),
    "invitation": (
        400,
        N_(
            "This invitation link is not valid, was already used or has expired. Ask for a new one."
        ),
    ),
    "passkey_needed": (403, N_("Your role needs a second factor: sign in with your passkey.")),
    "passkey_failed": (400, N_("The passkey could not be used. Try again.")),
    "no_passkeys": (
        400,
        N_("Passkeys need a host name, and this registry is served on an IP address."),
    ),
    "signed_out": (401, N_("You are not signed in.")),
    "second_factor_needed": (
        403,
        N_("Add a passkey or an authenticator app before you make a token."),
    ),
    "last_factor": (
        400,
        N_("Your role needs a passkey or an authenticator app: keep at least one."),
    ),
    "totp_expired": (400, N_("Start setting up the authenticator app again.")),
    "not_found": (404, N_("That is not one of yours.")),
    "membership_inactive": (403, N_("This membership is suspended or removed.")),
}
NAMES: Final = {
    "staff": N_("Staff of the registry"),
    "body_admin": N_("Admin of a certification body"),
    "auditor": N_("Auditor"),
    "holder": N_("Contact of a certified organisation"),
    "active": N_("active"),
    "suspended": N_("suspended"),
    "revoked": N_("removed"),
}
NO_PASSKEYS_ON_IP: Final = N_(
    "Passkeys need a host name, and this registry is served on an IP address, which "
    "browsers refuse for passkeys. Sign in with your password and an authenticator app."
)


def registry_of_request(request: Request[Any, Any, Any]) -> Services:
    services: Services = request.app.state.services
    return services


def flows(request: Request[Any, Any, Any]) -> tuple[SignIn, PasskeyFlows, Portal]:
    """The sign-in use cases, made once per application."""
    state = request.app.state
    if getattr(state, "identity_flows", None) is None:
        services = registry_of_request(request)
        signin = SignIn(services.uow)
        state.identity_flows = (
            signin,
            PasskeyFlows(signin),
            Portal(signin, services.identity.accounts),
        )
    flows: tuple[SignIn, PasskeyFlows, Portal] = state.identity_flows
    return flows


def cookie_of(request: Request[Any, Any, Any]) -> str | None:
    return request.cookies.get(sessions.COOKIE)


def client_of(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else "unknown"


def context_of(request: Request[Any, Any, Any]) -> views.PageContext:
    language, explicit = negotiate(
        request.query_params.get("lang"), header_value(request.scope, b"accept-language")
    )
    return views.PageContext(language, explicit, request.scope["path"], {})


def no_store_headers(cookie: str | None) -> dict[str, str]:
    headers = {**http.PAGE_HEADERS, "cache-control": "no-store", "vary": "Cookie, Accept-Language"}
    if cookie is not None:
        headers["set-cookie"] = cookie
    return headers


def render_page(
    request: Request[Any, Any, Any],
    template: str,
    *,
    status: int = 200,
    cookie: str | None = None,
    **context: Any,
) -> Response[str]:
    page = context_of(request)
    catalogue = translations(page.lang)
    names = {key: catalogue.gettext(value) for key, value in NAMES.items()}
    values = {"page": page, "names": names, "error": None, **context}
    html = templating.render(page.lang, template, values)
    return Response(
        html, status_code=status, media_type=MediaType.HTML, headers=no_store_headers(cookie)
    )


def see_other(
    request: Request[Any, Any, Any], path: str, cookie: str | None = None
) -> Response[str]:
    location = context_of(request).href(path)
    return Response("", status_code=303, headers={**no_store_headers(cookie), "location": location})


def refusal_text(language: Language, refused: SignInRefused) -> tuple[int, str]:
    status, message = REASONS.get(
        refused.reason, (400, N_("The form could not be used. Try again."))
    )
    text = translations(language).gettext(message)
    return status, text % {"seconds": max(1, round(refused.wait))} if "%(" in text else text


async def in_thread(call: Callable[[], T]) -> T:
    return await anyio.to_thread.run_sync(call)


async def form_of(request: Request[Any, Any, Any]) -> dict[str, str]:
    body = await request.body()
    if len(body) > MAX_FORM:
        return {}
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


async def visit_page(
    request: Request[Any, Any, Any], template: str, **context: Any
) -> Response[str]:
    signin, _, _ = flows(request)
    visit = await in_thread(partial(signin.visit, cookie_of(request)))
    cookie = sessions.cookie_header(visit.cookie) if visit.cookie else None
    return render_page(
        request,
        template,
        cookie=cookie,
        csrf=visit.csrf,
        passkeys_possible=signin.rp is not None,
        no_passkeys=translations(context_of(request).lang).gettext(NO_PASSKEYS_ON_IP),
        **context,
    )


async def refused_page(
    request: Request[Any, Any, Any], template: str, refused: SignInRefused, **context: Any
) -> Response[str]:
    status, text = refusal_text(context_of(request).lang, refused)
    response = await visit_page(request, template, error=text, **context)
    response.status_code = status
    return response


# --- sign in and out -----------------------------------------------------------------


@get("/account", name="account:home", include_in_schema=False)
async def account_home(request: Request[Any, Any, Any]) -> Response[str]:
    """The signed-in person's account, or the sign-in page."""
    _, _, portal = flows(request)
    overview = await in_thread(partial(portal.overview, cookie_of(request)))
    if overview is None:
        return await visit_page(request, "account/sign_in.html", error=None, email="")
    return render_page(request, "account/overview.html", account=overview, issued=None, error=None)


@post("/account/sign-in", name="account:sign-in", include_in_schema=False, status_code=200)
async def sign_in(request: Request[Any, Any, Any]) -> Response[str]:
    signin, _, _ = flows(request)
    form = await form_of(request)
    email = form.get("email", "")[:254]
    try:
        new_id, totp_owed = await in_thread(
            partial(
                signin.password,
                cookie_of(request),
                form.get("csrf"),
                email,
                form.get("password", ""),
                client_of(request),
            )
        )
    except SignInRefused as refused:
        return await refused_page(request, "account/sign_in.html", refused, email=email)
    target = "/account/sign-in/totp" if totp_owed else "/account"
    return see_other(request, target, sessions.cookie_header(new_id))


@get("/account/sign-in/totp", name="account:totp-form", include_in_schema=False)
async def totp_form(request: Request[Any, Any, Any]) -> Response[str]:
    return await visit_page(request, "account/totp_sign_in.html", error=None)


@post("/account/sign-in/totp", name="account:totp", include_in_schema=False, status_code=200)
async def totp_sign_in(request: Request[Any, Any, Any]) -> Response[str]:
    signin, _, _ = flows(request)
    form = await form_of(request)
    try:
        new_id = await in_thread(
            partial(
                signin.totp,
                cookie_of(request),
                form.get("csrf"),
                form.get("code", ""),
                client_of(request),
            )
        )
    except SignInRefused as refused:
        return await refused_page(request, "account/totp_sign_in.html", refused)
    return see_other(request, "/account", sessions.cookie_header(new_id))


@post("/account/sign-out", name="account:sign-out", include_in_schema=False, status_code=200)
async def sign_out(request: Request[Any, Any, Any]) -> Response[str]:
    signin, _, _ = flows(request)
    form = await form_of(request)
    try:
        await in_thread(partial(signin.sign_out, cookie_of(request), form.get("csrf")))
    except SignInRefused as refused:
        return await refused_page(request, "account/sign_in.html", refused, email="")
    return see_other(request, "/account", sessions.clearing_header())


# --- invitations -----------------------------------------------------------------------


@get("/account/invitation/{token:str}", name="account:invitation", include_in_schema=False)
async def invitation(request: Request[Any, Any, Any], token: str) -> Response[str]:
    signin, _, _ = flows(request)
    try:
        name, email = await in_thread(partial(signin.invitation, token))
    except SignInRefused as refused:
        status, text = refusal_text(context_of(request).lang, refused)
        return render_page(request, "account/message.html", status=status, message=text)
    return await visit_page(
        request, "account/invitation.html", name=name, email=email, token=token, error=None
    )


@post(
    "/account/invitation/{token:str}",
    name="account:accept",
    include_in_schema=False,
    status_code=200,
)
async def accept_invitation(request: Request[Any, Any, Any], token: str) -> Response[str]:
    signin, _, _ = flows(request)
    form = await form_of(request)
    try:
        new_id = await in_thread(
            partial(
                signin.accept_invitation,
                cookie_of(request),
                form.get("csrf"),
                token,
                form.get("password", ""),
                form.get("password2", ""),
            )
        )
    except SignInRefused as refused:
        if refused.reason == "invitation":
            status, text = refusal_text(context_of(request).lang, refused)
            return render_page(request, "account/message.html", status=status, message=text)
        name, email = await in_thread(partial(signin.invitation, token))
        return await refused_page(
            request, "account/invitation.html", refused, name=name, email=email, token=token
        )
    return see_other(request, "/account", sessions.cookie_header(new_id))


# --- the account: tokens, TOTP -----------------------------------------------------------


async def _account_with(
    request: Request[Any, Any, Any], *, status: int = 200, **context: Any
) -> Response[str]:
    _, _, portal = flows(request)
    overview = await in_thread(partial(portal.overview, cookie_of(request)))
    if overview is None:
        return see_other(request, "/account")
    context = {"issued": None, "error": None, **context}
    return render_page(request, "account/overview.html", status=status, account=overview, **context)


async def _account_refused(
    request: Request[Any, Any, Any], refused: SignInRefused
) -> Response[str]:
    status, text = refusal_text(context_of(request).lang, refused)
    return await _account_with(request, status=status, error=text)


@post("/account/tokens", name="account:create-token", include_in_schema=False, status_code=200)
async def create_token(request: Request[Any, Any, Any]) -> Response[str]:
    """A new token, shown once on the page that answers this form."""
    _, _, portal = flows(request)
    form = await form_of(request)
    membership = form.get("membership", "")
    try:
        if not membership.isdigit():
            raise SignInRefused("not_found", "choose one of your memberships")
        issued = await in_thread(
            partial(
                portal.create_token,
                cookie_of(request),
                form.get("csrf"),
                int(membership),
                form.get("label", ""),
            )
        )
    except SignInRefused as refused:
        return await _account_refused(request, refused)
    return await _account_with(request, issued=issued)


@post(
    "/account/tokens/{token_id:int}/revoke",
    name="account:revoke-token",
    include_in_schema=False,
    status_code=200,
)
async def revoke_token(request: Request[Any, Any, Any], token_id: int) -> Response[str]:
    _, _, portal = flows(request)
    form = await form_of(request)
    try:
        await in_thread(
            partial(portal.revoke_token, cookie_of(request), form.get("csrf"), token_id)
        )
    except SignInRefused as refused:
        return await _account_refused(request, refused)
    return see_other(request, "/account")


@post("/account/totp/begin", name="account:totp-begin", include_in_schema=False, status_code=200)
async def totp_begin(request: Request[Any, Any, Any]) -> Response[str]:
    signin, _, _ = flows(request)
    form = await form_of(request)
    try:
        secret, uri = await in_thread(
            partial(signin.totp_begin, cookie_of(request), form.get("csrf"))
        )
    except SignInRefused as refused:
        return await _account_refused(request, refused)
    return render_page(
        request,
        "account/totp_setup.html",
        secret=secret,
        uri=uri,
        csrf=form.get("csrf", ""),
        error=None,
    )


@post("/account/totp", name="account:totp-confirm", include_in_schema=False, status_code=200)
async def totp_confirm(request: Request[Any, Any, Any]) -> Response[str]:
    signin, _, _ = flows(request)
    form = await form_of(request)
    try:
        await in_thread(
            partial(signin.totp_confirm, cookie_of(request), form.get("csrf"), form.get("code", ""))
        )
    except SignInRefused as refused:
        return await _account_refused(request, refused)
    return see_other(request, "/account")


@post("/account/totp/remove", name="account:totp-remove", include_in_schema=False, status_code=200)
async def totp_remove(request: Request[Any, Any, Any]) -> Response[str]:
    signin, _, _ = flows(request)
    form = await form_of(request)
    try:
        await in_thread(partial(signin.totp_remove, cookie_of(request), form.get("csrf")))
    except SignInRefused as refused:
        return await _account_refused(request, refused)
    return see_other(request, "/account")


@post(
    "/account/passkeys/{passkey_id:int}/remove",
    name="account:passkey-remove",
    include_in_schema=False,
    status_code=200,
)
async def passkey_remove(request: Request[Any, Any, Any], passkey_id: int) -> Response[str]:
    _, ceremonies, _ = flows(request)
    form = await form_of(request)
    try:
        await in_thread(
            partial(ceremonies.remove, cookie_of(request), form.get("csrf"), passkey_id)
        )
    except SignInRefused as refused:
        return await _account_refused(request, refused)
    return see_other(request, "/account")


# --- passkeys: JSON calls of account.js ------------------------------------------------


def _json(status: int, body: dict[str, Any], cookie: str | None = None) -> Response[bytes]:
    return Response(
        json.dumps(body).encode(),
        status_code=status,
        media_type=MediaType.JSON,
        headers=no_store_headers(cookie),
    )


async def _passkey_call(
    request: Request[Any, Any, Any], call: Callable[[str | None, str | None, Any], Any]
) -> Response[bytes]:
    body = await request.body()
    if len(body) > 64 * 1024:
        return _json(413, {"error": "too large"})
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        return _json(400, {"error": "not JSON"})
    try:
        result = await in_thread(
            partial(call, cookie_of(request), request.headers.get("x-csrf-token"), data)
        )
    except SignInRefused as refused:
        status, text = refusal_text(context_of(request).lang, refused)
        return _json(status, {"error": text})
    # Options come back as a JSON object; a sign-in as the new session's id (base64url,
    # never starting with "{"); a registration as None.
    if isinstance(result, str) and result.startswith("{"):
        return _json(200, json.loads(result))
    cookie = sessions.cookie_header(result) if isinstance(result, str) else None
    return _json(200, {"next": context_of(request).href("/account")}, cookie)


@post(
    "/account/passkeys/options",
    name="account:passkey-options",
    include_in_schema=False,
    status_code=200,
)
async def passkey_options(request: Request[Any, Any, Any]) -> Response[bytes]:
    _, ceremonies, _ = flows(request)
    return await _passkey_call(request, lambda c, t, _d: ceremonies.register_options(c, t))


@post("/account/passkeys", name="account:passkey-add", include_in_schema=False, status_code=200)
async def passkey_add(request: Request[Any, Any, Any]) -> Response[bytes]:
    _, ceremonies, _ = flows(request)
    return await _passkey_call(
        request,
        lambda c, t, d: ceremonies.register(c, t, str(d.get("name", "")), d.get("credential")),
    )


@post(
    "/account/sign-in/passkey/options",
    name="account:sign-in-passkey-options",
    include_in_schema=False,
    status_code=200,
)
async def sign_in_passkey_options(request: Request[Any, Any, Any]) -> Response[bytes]:
    _, ceremonies, _ = flows(request)
    return await _passkey_call(request, lambda c, t, _d: ceremonies.sign_in_options(c, t))


@post(
    "/account/sign-in/passkey",
    name="account:sign-in-passkey",
    include_in_schema=False,
    status_code=200,
)
async def sign_in_passkey(request: Request[Any, Any, Any]) -> Response[bytes]:
    _, ceremonies, _ = flows(request)
    return await _passkey_call(
        request, lambda c, t, d: ceremonies.sign_in(c, t, d.get("credential"))
    )


def account_handlers() -> list[Any]:
    """The route handlers of ``/account``, for ``Litestar(route_handlers=...)``."""
    return [
        account_home,
        sign_in,
        totp_form,
        totp_sign_in,
        sign_out,
        invitation,
        accept_invitation,
        create_token,
        revoke_token,
        totp_begin,
        totp_confirm,
        totp_remove,
        passkey_options,
        passkey_add,
        passkey_remove,
        sign_in_passkey_options,
        sign_in_passkey,
    ]
