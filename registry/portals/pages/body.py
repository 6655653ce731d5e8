"""``/account/body``: a certification body's admins at work.

The queue of submitted assessments with the four-eyes decision (the decide form is not
shown to the person who audited an assessment, and the certification service refuses
them whatever they send), the body's certificates with suspend, reinstate and withdraw,
its people with their memberships and declared ties, and the misuse reports and foreign
badge showings about its certificates.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any, Final

import msgspec
from litestar import Request, Response, get, post

from registry.bodies.schemas import PersonCreate
from registry.certification.schemas import DecisionCreate
from registry.domain.reasons import Reason
from registry.domain.status import Transition
from registry.domain.vocabulary import Role
from registry.errors import InvalidInputError, RegistryError
from registry.identity.schemas import Acting
from registry.portals.pages.common import (
    Message,
    acting,
    context_of,
    form_of,
    in_thread,
    kept,
    message_of,
    render,
    see_other,
    services_of,
    status_of,
)

TRANSITIONS: Final = {
    "suspend": Transition.SUSPEND,
    "reinstate": Transition.REINSTATE,
    "withdraw": Transition.WITHDRAW,
}
EMBED_DAYS: Final = 30


async def _home(
    request: Request[Any, Any, Any],
    who: Acting,
    *,
    message: Message | None = None,
    status: int = 200,
    done: str = "",
) -> Response[str]:
    services = services_of(request)
    actor = who.actor
    slug = who.party or ""

    def read() -> dict[str, Any]:
        return {
            "queue": services.certification.assessments(actor, "submitted", 100, None).items,
            "certificates": services.certificates.body_certificates(actor).items,
            "people": services.bodies.people(actor, slug),
            "reports": services.misuse.misuse_reports(actor, "all", 50, None).items,
            "embeds": services.misuse.body_foreign_embeds(actor, slug, EMBED_DAYS),
        }

    return render(
        request,
        "portals/body.html",
        status=status,
        who=who,
        message=message,
        done=done or request.query_params.get("done", "")[:40],
        embed_days=EMBED_DAYS,
        **await in_thread(read),
    )


@get("/account/body", name="portal:body", include_in_schema=False)
async def body_home(request: Request[Any, Any, Any]) -> Response[str]:
    who = await acting(request, Role.BODY_ADMIN)
    if isinstance(who, Response):
        return who
    return await _home(request, who)


@get(
    "/account/body/assessments/{assessment_id:str}",
    name="portal:body-assessment",
    include_in_schema=False,
)
async def body_assessment(request: Request[Any, Any, Any], assessment_id: str) -> Response[str]:
    """One assessment with its findings and, for an admin who did not audit it, the
    decision form."""
    who = await acting(request, Role.BODY_ADMIN)
    if isinstance(who, Response):
        return who
    services = services_of(request)
    try:
        assessment = await in_thread(
            partial(services.certification.assessment, who.actor, assessment_id[:40])
        )
    except RegistryError as error:
        message = message_of(context_of(request).lang, error)
        return render(
            request, "portals/refused.html", status=status_of(error), message=message.text
        )
    return render(
        request,
        "portals/body_assessment.html",
        who=who,
        assessment=assessment,
        own=assessment.auditor == who.actor.pseudonym,
        message=None,
    )


def _deadline(form: dict[str, str]) -> str | None:
    return form.get("deadline", "").strip() or None


@post(
    "/account/body/assessments/{assessment_id:str}/decision",
    name="portal:body-decide",
    include_in_schema=False,
    status_code=200,
)
async def decide(request: Request[Any, Any, Any], assessment_id: str) -> Response[str]:
    """The certification decision, through the same service (and four-eyes) as the API."""
    form = await form_of(request)
    who = await acting(request, Role.BODY_ADMIN, form)
    if isinstance(who, Response):
        return who
    services = services_of(request)
    language = context_of(request).lang
    try:
        try:
            data = msgspec.convert(
                {
                    "outcome": form.get("outcome", ""),
                    "reason_nl": form.get("reason_nl", "").strip() or None,
                    "reason_en": form.get("reason_en", "").strip() or None,
                    "action": form.get("action") or None,
                    "deadline": _deadline(form),
                },
                DecisionCreate,
            )
        except msgspec.ValidationError as error:
            raise InvalidInputError(str(error)) from None
        decided = await in_thread(
            partial(services.certification.decide, who.actor, assessment_id[:40], data)
        )
    except RegistryError as error:
        return await _home(
            request, who, message=message_of(language, error), status=status_of(error)
        )
    return see_other(
        request, "/account/body", done=decided.certificate or decided.assessment, **kept(who)
    )


@post(
    "/account/body/certificates/{code:str}/{action:str}",
    name="portal:body-status",
    include_in_schema=False,
    status_code=200,
)
async def change_status(request: Request[Any, Any, Any], code: str, action: str) -> Response[str]:
    """Suspend, reinstate or withdraw one of the body's certificates, with a reason."""
    form = await form_of(request)
    who = await acting(request, Role.BODY_ADMIN, form)
    if isinstance(who, Response):
        return who
    services = services_of(request)
    try:
        transition = TRANSITIONS.get(action)
        if transition is None:
            raise InvalidInputError(f"no such status change: {action[:20]!r}")
        reason = Reason.of(form.get("reason_nl"), form.get("reason_en"))
        deadline = (_deadline(form) if transition is Transition.SUSPEND else None) or ""
        try:
            until = date.fromisoformat(deadline) if deadline else None
        except ValueError:
            raise InvalidInputError(f"the deadline {deadline[:20]!r} is not a date") from None
        await in_thread(
            partial(
                services.certificates.change_status,
                who.actor,
                code[:40],
                transition,
                reason,
                until,
            )
        )
    except RegistryError as error:
        return await _home(
            request,
            who,
            message=message_of(context_of(request).lang, error),
            status=status_of(error),
        )
    return see_other(request, "/account/body", done=code[:40], **kept(who))


@post("/account/body/people", name="portal:body-people", include_in_schema=False, status_code=200)
async def invite_person(request: Request[Any, Any, Any]) -> Response[str]:
    """Invite an auditor or admin of the body by e-mail, with a declared tie if any."""
    form = await form_of(request)
    who = await acting(request, Role.BODY_ADMIN, form)
    if isinstance(who, Response):
        return who
    tie = form.get("tie_number", "").strip()
    document: dict[str, Any] = {
        "name": form.get("name", "").strip(),
        "email": form.get("email", "").strip(),
        "role": form.get("role", ""),
        "affiliations": (
            [
                {
                    "country": form.get("tie_country", "NL").strip() or "NL",
                    "registration_number": tie,
                    "description": form.get("tie_description", "").strip(),
                }
            ]
            if tie
            else []
        ),
    }
    try:
        try:
            data = msgspec.convert(document, PersonCreate)
        except msgspec.ValidationError as error:
            raise InvalidInputError(str(error)) from None
        person = await in_thread(
            partial(services_of(request).bodies.add_person, who.actor, who.party or "", data)
        )
    except RegistryError as error:
        return await _home(
            request,
            who,
            message=message_of(context_of(request).lang, error),
            status=status_of(error),
        )
    return see_other(request, "/account/body", done=person.id, **kept(who))


def body_handlers() -> list[Any]:
    return [body_home, body_assessment, decide, change_status, invite_person]
