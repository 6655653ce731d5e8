"""The public misuse-report form: ``POST /report`` from the home and certificate pages.

Public pages set no cookie, so the form is protected without one: the request must come
from our own pages (``Origin`` and ``Sec-Fetch-Site``), carry a time token signed with the
registry's secret that is at least a few seconds and at most an hour old (people read
before they send; scripts do not), and leave a honeypot field empty. The report then goes
through the same service as the API: the same checks and the same rate limit. Every
outcome is a readable page in the visitor's language, never a server error.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, Final

import anyio.to_thread
import msgspec
from litestar import Request, Response, post

from registry.bootstrap import Services
from registry.edge import client_address, http, templating
from registry.edge.i18n import Language, negotiate, translated
from registry.edge.labels import N_
from registry.edge.problems import status_of
from registry.edge.views import PageContext
from registry.errors import RateLimitedError, RegistryError
from registry.misuse.form_tokens import FormTokenSpentError
from registry.misuse.store import MisuseReportCreate

log = logging.getLogger(__name__)

MIN_AGE: Final = 3  # seconds a person needs at least to fill in the form
MAX_AGE: Final = 3600  # an older form is reloaded, so a token cannot be collected and reused
HONEYPOT: Final = "website"
PURPOSE: Final = b"misuse-report-form\x00"

TEXTS: Final[dict[str, str]] = {
    "heading": N_("Report misuse of a label"),
    "intro": N_("Did you see this label on a site that may not hold it? Let us know."),
    "site": N_("Address of the site"),
    "seen": N_("What did you see?"),
    "certificate": N_("Certificate code (if the logo showed one)"),
    "email": N_("Your e-mail address (optional, only for questions about your report)"),
    "honeypot": N_("Leave this field empty"),
    "submit": N_("Send report"),
    "thanks_title": N_("Thank you for your report"),
    "thanks": N_(
        "Your report has been received. The registry and the certification body will look into it."
    ),
    "reference": N_("Reference"),
    "refused_title": N_("Report not sent"),
    "cross_origin": N_("This form can only be sent from the registry's own pages."),
    "honeypot_filled": N_("This report looks automated and was not stored."),
    "too_fast": N_("The form was sent too quickly. Wait a few seconds and try again."),
    "expired": N_("The form has expired or is not valid. Reload the page and try again."),
    "invalid": N_("Please check the fields of the form"),
    "rate_limited": N_("You have sent too many reports in the last hour. Please try again later."),
    "failed": N_("The report could not be stored right now. Please try again later."),
    "back": N_("Back to the registry"),
}


@cache
def texts_in(language: Language) -> dict[str, str]:
    """The form's and its outcomes' texts in ``language`` (made once per language)."""
    return translated(TEXTS, language)


def _signature(secret: bytes, issued: int, nonce: str) -> str:
    message = PURPOSE + f"{issued}.{nonce}".encode("ascii")
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def make_token(secret: bytes, now: datetime) -> str:
    """A time token: when the form was made, a random nonce (so that each form's token
    is its own, and spent once), and an HMAC of both under the secret."""
    issued = int(now.timestamp())
    nonce = secrets.token_urlsafe(12)
    return f"{issued}.{nonce}.{_signature(secret, issued, nonce)}"


def token_problem(secret: bytes, token: str, now: datetime) -> str | None:
    """None for a good token; else "too_fast" or "expired" (which covers forged)."""
    issued_text, _, rest = token.partition(".")
    nonce, _, signature = rest.partition(".")
    if not issued_text.isdigit() or len(issued_text) > 12 or not nonce.isascii():
        return "expired"
    issued = int(issued_text)
    if not hmac.compare_digest(signature, _signature(secret, issued, nonce)):
        return "expired"
    age = now.timestamp() - issued
    if age < MIN_AGE:
        return "too_fast"
    if age > MAX_AGE:
        return "expired"
    return None


@dataclass(frozen=True)
class ReportForm:
    """What the form on a page needs: its texts, its token, and the code it is about."""

    texts: dict[str, str]
    token: str
    certificate: str = ""
    honeypot: str = HONEYPOT


def report_form(registry: Services, lang: Language, certificate: str = "") -> ReportForm:
    return ReportForm(
        texts=texts_in(lang),
        token=make_token(registry.identity.form_secret(), registry.uow.clock()),
        certificate=certificate,
    )


def _own_origin(public_url: str) -> str:
    scheme, _, rest = public_url.partition("://")
    return f"{scheme.lower()}://{rest.split('/', 1)[0].lower()}"


def same_origin(request: Request[Any, Any, Any], public_url: str) -> bool:
    """Whether the browser says the form came from our own pages; saying nothing is a no.

    ``Sec-Fetch-Site: same-origin`` decides where a browser sends it; ``Origin`` counts
    only when it names an origin, since browsers send ``Origin: null`` for a form posted
    from a page under ``Referrer-Policy: no-referrer`` (ours)."""
    fetch_site = (request.headers.get("sec-fetch-site") or "").strip().lower()
    if fetch_site and fetch_site != "same-origin":
        return False
    origin = (request.headers.get("origin") or "").strip().lower()
    if origin and origin != "null" and origin != _own_origin(public_url):
        return False
    return fetch_site == "same-origin" or origin == _own_origin(public_url)


@dataclass(frozen=True)
class Outcome:
    status_code: int
    title: str
    message: str
    detail: str = ""
    reference: str = ""
    retry_after: int | None = None


def handle(
    registry: Services,
    form: dict[str, str],
    client: str | None,
    lang: Language,
    allowed: bool,
) -> Outcome:
    """Check and store one report; every refusal as an outcome, never an exception."""
    texts = texts_in(lang)

    def refused(status_code: int, key: str, detail: str = "") -> Outcome:
        return Outcome(status_code, texts["refused_title"], texts[key], detail=detail)

    if not allowed:
        return refused(403, "cross_origin")
    if form.get(HONEYPOT, "").strip():
        return refused(400, "honeypot_filled")
    try:
        problem = token_problem(
            registry.identity.form_secret(), form.get("t", ""), registry.uow.clock()
        )
        if problem is not None:
            return refused(400, problem)
        email = form.get("contact_email", "").strip()
        data = msgspec.convert(
            {
                "site": form.get("site", "").strip(),
                "seen": form.get("seen", "").strip(),
                "certificate": form.get("certificate", "").strip() or None,
                "contact_email": email or None,
            },
            MisuseReportCreate,
        )
        receipt = registry.misuse.submit_misuse_report(data, client, form.get("t", ""))
    except FormTokenSpentError:
        return refused(400, "expired")
    except msgspec.ValidationError as error:
        return refused(400, "invalid", str(error))
    except RateLimitedError as error:
        outcome = refused(status_of(error), "rate_limited")
        return Outcome(**{**outcome.__dict__, "retry_after": error.retry_after})
    except RegistryError as error:
        return refused(400, "invalid", error.detail)
    except Exception:  # a page for people: never a bare server error
        log.exception("a misuse report from the form could not be stored")
        return refused(503, "failed")
    return Outcome(200, texts["thanks_title"], texts["thanks"], reference=receipt.id)


@post("/report", name="web:report", include_in_schema=False, request_max_body_size=64_000)
async def report(request: Request[Any, Any, Any], registry: Services) -> Response[bytes]:
    """Receive the misuse-report form and answer with a page saying what happened."""
    language, explicit = negotiate(
        request.query_params.get("lang"), request.headers.get("accept-language")
    )
    allowed = same_origin(request, registry.uow.settings.public_url)
    form: dict[str, str] = {}
    try:
        data = await request.form()
        form = {k: v for k, v in data.items() if isinstance(v, str)}
    except Exception:  # a body that is no form is refused like an empty form
        form = {}
    # Even a refusal answers in the language of the form that was sent.
    language = form.get("lang", language) if form.get("lang") in ("nl", "en") else language  # type: ignore[assignment]
    if not allowed:
        form = {}
    client = client_address.of_scope(request.scope, registry.uow.settings)
    outcome = await anyio.to_thread.run_sync(handle, registry, form, client, language, allowed)
    page = PageContext(language, explicit, "/")
    html = templating.render(
        language, "report/result.html", {"page": page, "outcome": outcome, "t": texts_in(language)}
    )
    headers = {**http.PAGE_HEADERS, "cache-control": "no-store"}
    if outcome.retry_after is not None:
        headers["retry-after"] = str(outcome.retry_after)
    return Response(
        html.encode("utf-8"),
        status_code=outcome.status_code,
        headers=headers,
        media_type=http.HTML,
    )
