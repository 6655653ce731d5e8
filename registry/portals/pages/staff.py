"""``/account/staff``: the registry's staff console.

Schemes and their versions (the next version is a draft staff edit at will; publishing
makes it immutable), certification bodies and their accreditations, the misuse queue,
and the credential keys with their rotation. Every change goes through the owning
feature's service, with the staff member's actor.
"""

from __future__ import annotations

from functools import partial
from typing import Any, Final

import msgspec
from litestar import Request, Response, get, post

from registry.bodies.schemas import AccreditationCreate, BodyCreate
from registry.domain.vocabulary import Role
from registry.edge.i18n import translations
from registry.edge.labels import DIMENSION_ORDER, METHOD, N_
from registry.errors import InvalidInputError, RegistryError
from registry.identity.schemas import Acting
from registry.portals.pages.common import (
    Message,
    acting,
    context_of,
    form_of,
    in_thread,
    message_of,
    render,
    see_other,
    services_of,
    status_of,
)
from registry.schemes.schemas import SchemeUpdate

MAX_CRITERIA: Final = 500
TEXT_FIELDS: Final = ("code", "title_nl", "title_en", "checked_nl", "checked_en")


def _convert(document: dict[str, Any], shape: type[Any]) -> Any:
    try:
        return msgspec.convert(document, shape)
    except msgspec.ValidationError as error:
        raise InvalidInputError(str(error)) from None


async def _home(
    request: Request[Any, Any, Any],
    who: Acting,
    *,
    message: Message | None = None,
    status: int = 200,
) -> Response[str]:
    services = services_of(request)

    def read() -> dict[str, Any]:
        return {
            "schemes": services.schemes.schemes(),
            "bodies": services.bodies.bodies(),
            "reports": services.misuse.misuse_reports(who.actor, "open", 100, None).items,
            "keys": services.transparency.key_status(who.actor),
        }

    return render(
        request,
        "portals/staff.html",
        status=status,
        who=who,
        message=message,
        done=request.query_params.get("done", "")[:80],
        **await in_thread(read),
    )


@get("/account/staff", name="portal:staff", include_in_schema=False)
async def staff_home(request: Request[Any, Any, Any]) -> Response[str]:
    who = await acting(request, Role.STAFF)
    if isinstance(who, Response):
        return who
    return await _home(request, who)


async def _refused(
    request: Request[Any, Any, Any], who: Acting, error: RegistryError
) -> Response[str]:
    return await _home(
        request, who, message=message_of(context_of(request).lang, error), status=status_of(error)
    )


# --- schemes and their draft versions ----------------------------------------------------


def _rows_of(form: dict[str, str]) -> list[dict[str, Any]]:
    """The draft's criteria as the form posts them (``c<i>-<field>``), empty rows dropped."""
    rows: list[dict[str, Any]] = []
    for i in range(MAX_CRITERIA + 1):
        if f"c{i}-code" not in form:
            break
        row: dict[str, Any] = {f: form.get(f"c{i}-{f}", "").strip() for f in TEXT_FIELDS}
        if form.get(f"c{i}-remove") or not any(row.values()):
            continue
        row["method"] = form.get(f"c{i}-method", "document_review")
        row["dimension"] = form.get(f"c{i}-dimension", "competence")
        row["mandatory"] = form.get(f"c{i}-mandatory") == "yes"
        rows.append(row)
    return rows


async def _scheme_page(
    request: Request[Any, Any, Any],
    who: Acting,
    slug: str,
    *,
    rows: list[dict[str, Any]] | None = None,
    message: Message | None = None,
    status: int = 200,
) -> Response[str]:
    services = services_of(request)

    def read() -> tuple[Any, list[dict[str, Any]] | None]:
        return services.schemes.scheme(slug), services.schemes.version_draft(who.actor, slug)

    try:
        scheme, draft = await in_thread(read)
    except RegistryError as error:
        text = message_of(context_of(request).lang, error).text
        return render(request, "portals/refused.html", status=status_of(error), message=text)
    return render(
        request,
        "portals/staff_scheme.html",
        status=status,
        who=who,
        scheme=scheme,
        draft=rows if rows is not None else draft,
        message=message,
        done=request.query_params.get("done", "")[:80],
        methods=list(METHOD),
        profile_texts=[
            (name, translations(context_of(request).lang).gettext(title))
            for name, title in PROFILE_TITLES.items()
        ],
        dimensions=DIMENSION_ORDER,
    )


@get("/account/staff/schemes/{slug:str}", name="portal:staff-scheme", include_in_schema=False)
async def staff_scheme(request: Request[Any, Any, Any], slug: str) -> Response[str]:
    """A scheme's versions (published ones read only) and its draft version's editor."""
    who = await acting(request, Role.STAFF)
    if isinstance(who, Response):
        return who
    return await _scheme_page(request, who, slug[:64])


@post(
    "/account/staff/schemes/{slug:str}/draft",
    name="portal:staff-draft",
    include_in_schema=False,
    status_code=200,
)
async def scheme_draft(request: Request[Any, Any, Any], slug: str) -> Response[str]:
    """Start, save, publish or discard the scheme's draft version."""
    form = await form_of(request)
    who = await acting(request, Role.STAFF, form)
    if isinstance(who, Response):
        return who
    schemes = services_of(request).schemes
    slug = slug[:64]
    action = form.get("action", "save")
    rows = _rows_of(form)
    try:
        if action == "discard":
            await in_thread(partial(schemes.discard_version_draft, who.actor, slug))
            return see_other(request, f"/account/staff/schemes/{slug}", done="discarded")
        if action == "start":
            rows = []
        await in_thread(partial(schemes.save_version_draft, who.actor, slug, rows))
        if action == "publish":
            published = await in_thread(partial(schemes.publish_version_draft, who.actor, slug))
            return see_other(request, f"/account/staff/schemes/{slug}", done=f"v{published.number}")
    except RegistryError as error:
        message = message_of(context_of(request).lang, error)
        return await _scheme_page(
            request, who, slug, rows=rows, message=message, status=status_of(error)
        )
    return see_other(request, f"/account/staff/schemes/{slug}", done="saved")


PROFILE_TITLES: Final = {
    "description": N_("Description"),
    "audited_by": N_("Who audits"),
    "criteria_set_by": N_("Who sets the criteria"),
    "stakeholders": N_("Stakeholder involvement"),
    "ambition": N_("Ambition beyond the law"),
    "control": N_("Independent control and accreditation"),
    "sanctions": N_("Sanctions"),
    "transparency": N_("Transparency of the criteria"),
    "complaints": N_("Complaints procedure"),
}
PROFILE_TEXTS: Final = tuple(PROFILE_TITLES)


@post(
    "/account/staff/schemes/{slug:str}/profile",
    name="portal:staff-profile",
    include_in_schema=False,
    status_code=200,
)
async def scheme_profile(request: Request[Any, Any, Any], slug: str) -> Response[str]:
    """The scheme's public profile, what consumer guides judge a label by."""
    form = await form_of(request)
    who = await acting(request, Role.STAFF, form)
    if isinstance(who, Response):
        return who
    document: dict[str, Any] = {
        f"{name}_{lang}": form.get(f"{name}_{lang}", "").strip()
        for name in PROFILE_TEXTS
        for lang in ("nl", "en")
    }
    document["owner"] = form.get("owner", "").strip()
    document["accreditation_required"] = form.get("accreditation_required") == "yes"
    for number in ("surveillance_interval_months", "max_validity_months"):
        text = form.get(number, "").strip()
        document[number] = int(text) if text.isdigit() and len(text) < 5 else text
    try:
        data = _convert(document, SchemeUpdate)
        await in_thread(
            partial(services_of(request).schemes.update_scheme, who.actor, slug[:64], data)
        )
    except RegistryError as error:
        message = message_of(context_of(request).lang, error)
        return await _scheme_page(request, who, slug[:64], message=message, status=status_of(error))
    return see_other(request, f"/account/staff/schemes/{slug[:64]}", done="profile")


# --- bodies and accreditations ---------------------------------------------------------


@post("/account/staff/bodies", name="portal:staff-body", include_in_schema=False, status_code=200)
async def register_body(request: Request[Any, Any, Any]) -> Response[str]:
    form = await form_of(request)
    who = await acting(request, Role.STAFF, form)
    if isinstance(who, Response):
        return who
    try:
        data = _convert(
            {
                "slug": form.get("slug", "").strip(),
                "name": form.get("name", "").strip(),
                "country": form.get("country", "NL").strip() or "NL",
                "website": form.get("website", "").strip(),
            },
            BodyCreate,
        )
        body = await in_thread(partial(services_of(request).bodies.register_body, who.actor, data))
    except RegistryError as error:
        return await _refused(request, who, error)
    return see_other(request, "/account/staff", done=body.slug)


@post(
    "/account/staff/bodies/{slug:str}/accreditations",
    name="portal:staff-accreditation",
    include_in_schema=False,
    status_code=200,
)
async def add_accreditation(request: Request[Any, Any, Any], slug: str) -> Response[str]:
    form = await form_of(request)
    who = await acting(request, Role.STAFF, form)
    if isinstance(who, Response):
        return who
    try:
        data = _convert(
            {
                "accrediting_body": form.get("accrediting_body", "").strip(),
                "registration_number": form.get("registration_number", "").strip(),
                "valid_from": form.get("valid_from", ""),
                "valid_until": form.get("valid_until", ""),
                "schemes": [s for s in form.get("schemes", "").split() if s],
            },
            AccreditationCreate,
        )
        await in_thread(
            partial(services_of(request).bodies.add_accreditation, who.actor, slug[:64], data)
        )
    except RegistryError as error:
        return await _refused(request, who, error)
    return see_other(request, "/account/staff", done=slug[:64])


# --- misuse queue and keys -------------------------------------------------------------


@post(
    "/account/staff/misuse/{report_id:str}/handled",
    name="portal:staff-misuse",
    include_in_schema=False,
    status_code=200,
)
async def misuse_handled(request: Request[Any, Any, Any], report_id: str) -> Response[str]:
    form = await form_of(request)
    who = await acting(request, Role.STAFF, form)
    if isinstance(who, Response):
        return who
    try:
        await in_thread(
            partial(
                services_of(request).misuse.mark_misuse_report_handled,
                who.actor,
                report_id[:40],
                form.get("note", "")[:2000],
            )
        )
    except RegistryError as error:
        return await _refused(request, who, error)
    return see_other(request, "/account/staff", done=report_id[:40])


@post(
    "/account/staff/keys/rotate",
    name="portal:staff-rotate",
    include_in_schema=False,
    status_code=200,
)
async def rotate_keys(request: Request[Any, Any, Any]) -> Response[str]:
    """A new credential key becomes active; the previous one stays published, retired."""
    form = await form_of(request)
    who = await acting(request, Role.STAFF, form)
    if isinstance(who, Response):
        return who
    if form.get("confirm") != "yes":
        error = InvalidInputError("tick the box to confirm the rotation")
        return await _refused(request, who, error)
    try:
        kid = await in_thread(partial(services_of(request).transparency.rotate_keys_by, who.actor))
    except RegistryError as error:
        return await _refused(request, who, error)
    return see_other(request, "/account/staff", done=kid)


def staff_handlers() -> list[Any]:
    return [
        staff_home,
        staff_scheme,
        scheme_draft,
        scheme_profile,
        register_body,
        add_accreditation,
        misuse_handled,
        rotate_keys,
    ]
