"""``/account/auditor``: an auditor starts, drafts, resumes and submits assessments.

The checklist is the scheme version's criteria grouped by trust dimension. A draft is
kept on the server for its person alone; a submission goes through the certification
service exactly as ``POST /api/v1/assessments`` does, and a refusal is shown beside the
field it concerns. Evidence files never leave the browser: ``checklist.js`` computes
their SHA-256 digests (WebCrypto), and only the digests are posted.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from litestar import Request, Response, get, post

from registry.certificates.schemas import CertificatePublic
from registry.certification.schemas import AssessmentPublic, DraftSummary
from registry.domain.vocabulary import Role
from registry.edge.i18n import Language, local_name
from registry.edge.labels import DIMENSION_ORDER
from registry.errors import NotFoundError, RegistryError
from registry.identity.schemas import Acting
from registry.portals import checklist
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
from registry.schemes.schemas import SchemePublic, SchemeVersionPublic

KINDS = ("initial", "surveillance", "recertification")
RESULTS = ("conforming", "minor_nonconformity", "major_nonconformity", "not_applicable")


@dataclass(frozen=True)
class ChecklistItem:
    index: int
    code: str
    title: str
    checked: str
    method: str
    mandatory: bool


@dataclass(frozen=True)
class ChecklistGroup:
    dimension: str
    items: list[ChecklistItem]


def groups_of(version: SchemeVersionPublic, lang: Language) -> list[ChecklistGroup]:
    """The version's criteria under their trust dimension, in the fixed order."""
    groups: list[ChecklistGroup] = []
    for dimension in DIMENSION_ORDER:
        items = [
            ChecklistItem(
                i,
                c.code,
                local_name(c, "title", lang),
                local_name(c, "checked", lang),
                c.method,
                c.mandatory,
            )
            for i, c in enumerate(version.criteria)
            if c.dimension == dimension
        ]
        if items:
            groups.append(ChecklistGroup(dimension, items))
    return groups


def _form_page(
    request: Request[Any, Any, Any],
    who: Acting,
    version: SchemeVersionPublic,
    values: dict[str, str],
    *,
    draft: int | None = None,
    message: Message | None = None,
    saved: bool = False,
    status: int = 200,
) -> Response[str]:
    scheme = services_of(request).schemes.scheme(version.scheme)
    fields = set(message.fields) if message else set()
    return render(
        request,
        "portals/assessment.html",
        status=status,
        who=who,
        scheme=scheme,
        version=version,
        groups=groups_of(version, context_of(request).lang),
        values=values,
        draft=draft,
        message=message,
        fields=fields,
        saved=saved,
        kinds=KINDS,
        results=RESULTS,
    )


@get("/account/auditor", name="portal:auditor", include_in_schema=False)
async def auditor_home(request: Request[Any, Any, Any]) -> Response[str]:
    """Start an assessment, resume a draft, see what one submitted."""
    who = await acting(request, Role.AUDITOR)
    if isinstance(who, Response):
        return who
    services = services_of(request)

    def read() -> tuple[
        list[SchemePublic], list[CertificatePublic], list[DraftSummary], list[AssessmentPublic]
    ]:
        mine = services.certification.assessments(who.actor, None, 50, None).items
        return (
            [s for s in services.schemes.schemes() if s.versions],
            services.certificates.body_certificates(who.actor).items,
            services.certification.drafts(who.actor),
            [a for a in mine if a.auditor == who.actor.pseudonym],
        )

    schemes, certificates, drafts, submitted = await in_thread(read)
    return render(
        request,
        "portals/auditor.html",
        who=who,
        schemes=schemes,
        certificates=certificates,
        drafts=drafts,
        submitted=submitted,
        just_submitted=request.query_params.get("submitted", "")[:40],
        kinds=KINDS,
    )


@get("/account/auditor/new", name="portal:auditor-new", include_in_schema=False)
async def new_assessment(request: Request[Any, Any, Any]) -> Response[str]:
    """An empty checklist: of a scheme version (``version=slug:n``), or continuing one of
    the body's certificates (``certificate=CODE&kind=surveillance|recertification``)."""
    who = await acting(request, Role.AUDITOR)
    if isinstance(who, Response):
        return who
    services = services_of(request)
    query = request.query_params
    code = query.get("certificate", "")[:40]
    try:
        if code:
            kind = query.get("kind", "surveillance")
            certificate = await in_thread(partial(services.certificates.certificate, code))
            if certificate.body.slug != who.party:
                raise NotFoundError(f"no certificate {code} of your body")
            version = await in_thread(
                partial(
                    services.schemes.scheme_version,
                    certificate.scheme.slug,
                    certificate.scheme_version,
                )
            )
            values = {
                "kind": kind if kind in KINDS[1:] else "surveillance",
                "certificate": certificate.code,
                "legal_name": certificate.holder.legal_name,
                "country": certificate.holder.country,
                "registration_number": certificate.holder.registration_number,
                "scope": certificate.scope,
                "domains": "\n".join(
                    d.domain for d in certificate.domains if d.source == "audited"
                ),
            }
        else:
            slug, _, number = query.get("version", "").partition(":")
            if not number.isdigit() or len(number) > 6:
                raise NotFoundError("choose a scheme version")
            version = await in_thread(partial(services.schemes.scheme_version, slug, int(number)))
            values = {"kind": "initial", "country": "NL"}
    except RegistryError as error:
        message = message_of(context_of(request).lang, error)
        return render(request, "portals/refused.html", status=404, message=message.text)
    return _form_page(request, who, version, values)


@get("/account/auditor/drafts/{draft_id:int}", name="portal:auditor-draft", include_in_schema=False)
async def resume_draft(request: Request[Any, Any, Any], draft_id: int) -> Response[str]:
    """One's own draft, as one left it."""
    who = await acting(request, Role.AUDITOR)
    if isinstance(who, Response):
        return who
    services = services_of(request)
    try:
        values = await in_thread(partial(services.certification.draft, who.actor, draft_id))
        version = await in_thread(
            partial(
                services.schemes.scheme_version,
                values.get("scheme", ""),
                int(values.get("version", "0") or 0),
            )
        )
    except RegistryError as error:
        message = message_of(context_of(request).lang, error)
        return render(request, "portals/refused.html", status=404, message=message.text)
    saved = request.query_params.get("saved") == "1"
    return _form_page(request, who, version, values, draft=draft_id, saved=saved)


@post(
    "/account/auditor/assessment",
    name="portal:auditor-assessment",
    include_in_schema=False,
    status_code=200,
)
async def post_assessment(request: Request[Any, Any, Any]) -> Response[str]:
    """Save the checklist as a draft, delete the draft, or submit it."""
    form = await form_of(request)
    who = await acting(request, Role.AUDITOR, form)
    if isinstance(who, Response):
        return who
    services = services_of(request)
    language = context_of(request).lang
    draft_text = form.get("draft", "")
    draft = int(draft_text) if draft_text.isdigit() and len(draft_text) < 12 else None
    action = form.get("action", "save")
    try:
        if action == "delete" and draft is not None:
            await in_thread(partial(services.certification.delete_draft, who.actor, draft))
            return see_other(request, "/account/auditor", **kept(who))
        number = form.get("version", "")
        version = await in_thread(
            partial(
                services.schemes.scheme_version,
                form.get("scheme", ""),
                int(number) if number.isdigit() and len(number) < 7 else 0,
            )
        )
    except RegistryError as error:
        return render(
            request,
            "portals/refused.html",
            status=status_of(error),
            message=message_of(language, error).text,
        )
    values = checklist.kept_values(form, version)
    values["scheme"], values["version"] = version.scheme, str(version.number)
    if action == "submit":
        try:
            data = checklist.assessment_of(values, version)
            submitted = await in_thread(
                partial(services.certification.submit_assessment, who.actor, data, draft)
            )
        except RegistryError as error:
            message = message_of(language, error)
            message = Message(
                message.title, message.text, message.detail, checklist.fields_of(error)
            )
            return _form_page(
                request, who, version, values, draft=draft, message=message, status=status_of(error)
            )
        return see_other(request, "/account/auditor", submitted=submitted.id, **kept(who))
    title = " · ".join(
        part
        for part in (
            values.get("legal_name", "").strip() or "—",
            f"{version.scheme} v{version.number}",
            values.get("kind", "initial"),
        )
    )
    try:
        saved = await in_thread(
            partial(services.certification.save_draft, who.actor, draft, title, values)
        )
    except RegistryError as error:
        message = message_of(language, error)
        return _form_page(
            request, who, version, values, draft=draft, message=message, status=status_of(error)
        )
    return see_other(request, f"/account/auditor/drafts/{saved}", saved="1", **kept(who))


def auditor_handlers() -> list[Any]:
    return [auditor_home, new_assessment, resume_draft, post_assessment]
