"""An auditor submits an assessment: checked against every rule, then stored whole.

Over 300 lines because the submission's checks run in one order against one transaction;
the rules themselves are pure functions in ``domain/``.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, col, select

from registry.bodies.store import accredited_on
from registry.certification.schemas import (
    AssessmentCreate,
    AssessmentPublic,
    FindingPublic,
    OrganisationCreate,
    OrganisationPublic,
)
from registry.db.database import once_per_transaction
from registry.db.tables import (
    Affiliation,
    Assessment,
    Body,
    Certificate,
    Criterion,
    Finding,
    Organisation,
    Person,
    Scheme,
    SchemeVersion,
    pk,
)
from registry.domain.assessments import (
    CriterionRule,
    check_audit_dates,
    check_certificate_reference,
    check_findings,
)
from registry.domain.codes import normalise_code
from registry.domain.hosts import normalise_domain
from registry.domain.independence import check_no_conflict
from registry.domain.kvk import normalise_registration_number
from registry.domain.status import CertificateStatus, blocks_changes, effective_status
from registry.domain.vocabulary import AssessmentType, Role
from registry.edge.schemas import Page
from registry.errors import NotFoundError, PermissionDeniedError, RuleViolationError
from registry.identity.auth import Actor
from registry.schemes.store import criteria_of, scheme_by_slug, version_of


@dataclass(frozen=True)
class CheckedAssessment:
    """An assessment that passed every rule, with its values normalised, ready to store."""

    data: AssessmentCreate
    kind: AssessmentType
    scheme: Scheme
    version: SchemeVersion
    country: str
    number: str
    domains: Sequence[str]
    certificate: Certificate | None


def check_submission(
    session: Session, actor: Actor, data: AssessmentCreate, now: datetime
) -> CheckedAssessment:
    """Check every rule of DESIGN.md's assessment; writes nothing.

    Raises RuleViolationError naming the rule.
    """
    actor.require(Role.AUDITOR)
    assert actor.body_id is not None
    kind = AssessmentType(data.type)
    scheme = scheme_by_slug(session, data.scheme)
    version = version_of(session, scheme, data.scheme_version)
    assert version.id is not None and scheme.id is not None
    check_certificate_reference(kind, data.certificate is not None)

    country = data.organisation.country.upper()
    number = normalise_registration_number(country, data.organisation.registration_number)
    domains = sorted({normalise_domain(d) for d in data.domains})

    certificate = None
    if data.certificate is not None:
        certificate = _continued_certificate(
            session, data.certificate, scheme, country, number, actor, now
        )
    check_audit_dates(
        data.audit_start,
        data.audit_end,
        now.date(),
        not_before=certificate.valid_from.date() if certificate is not None else None,
    )
    for day in (data.audit_start, data.audit_end):
        if not accredited_on(session, actor.body_id, scheme.id, day):
            raise RuleViolationError(
                f"your certification body is not accredited for scheme {scheme.slug!r} on {day}",
                rule="not-accredited",
            )
    declared = once_per_transaction(  # an auditor declares a handful; a batch asks per item
        session,
        ("affiliations", actor.person_id),
        lambda: set(
            session.exec(
                select(Affiliation.country, Affiliation.registration_number).where(
                    Affiliation.person_id == actor.person_id
                )
            ).all()
        ),
    )
    check_no_conflict(declared, country, number)
    criteria = criteria_of(session, version.id)
    check_findings(
        [CriterionRule(c.code, c.mandatory) for c in criteria],
        [(f.criterion, f.result) for f in data.findings],
    )
    return CheckedAssessment(data, kind, scheme, version, country, number, domains, certificate)


def submit(session: Session, actor: Actor, data: AssessmentCreate, now: datetime) -> Assessment:
    """Check every rule of DESIGN.md's assessment, then store it with its findings.

    Raises RuleViolationError naming the rule; nothing is written when a rule fails.
    """
    checked = check_submission(session, actor, data, now)
    organisation = _organisation(session, data.organisation, checked.country, checked.number, now)
    assessment = Assessment(
        **assessment_values(checked, actor, pk(organisation), now),
        certificate_id=checked.certificate.id if checked.certificate is not None else None,
        status="submitted",
    )
    session.add(assessment)
    session.flush()
    session.execute(insert(Finding), finding_rows(checked, pk(assessment)))
    return assessment


def assessment_values(
    checked: CheckedAssessment, actor: Actor, organisation_id: int, now: datetime
) -> dict[str, Any]:
    """The assessment row's columns but its status and certificate."""
    data = checked.data
    assert actor.body_id is not None and checked.version.id is not None
    return {
        "public_id": "A-" + secrets.token_hex(8),
        "type": checked.kind.value,
        "organisation_id": organisation_id,
        "scheme_version_id": checked.version.id,
        "body_id": actor.body_id,
        "auditor_id": actor.person_id,
        "audit_start": data.audit_start,
        "audit_end": data.audit_end,
        "scope": data.scope,
        "domains": json.dumps(list(checked.domains)),
        "submitted_at": now,
    }


def finding_rows(checked: CheckedAssessment, assessment_id: int) -> list[dict[str, Any]]:
    """The finding rows of an assessment: stored with one statement, there are dozens."""
    return [
        {
            "assessment_id": assessment_id,
            "criterion_code": f.criterion,
            "result": f.result,
            "evidence_summary": f.evidence_summary,
            "evidence_digests": json.dumps(f.evidence_digests),
        }
        for f in checked.data.findings
    ]


def _continued_certificate(
    session: Session,
    code: str,
    scheme: Scheme,
    country: str,
    number: str,
    actor: Actor,
    now: datetime,
) -> Certificate:
    """The certificate a surveillance or recertification continues, if it may."""
    normalised = normalise_code(code)
    found = session.exec(
        select(Certificate, Organisation, SchemeVersion)
        .join(Organisation, Organisation.id == Certificate.organisation_id)  # type: ignore[arg-type]
        .join(SchemeVersion, SchemeVersion.id == Certificate.scheme_version_id)  # type: ignore[arg-type]
        .where(Certificate.code == normalised)
    ).first()
    if found is None:
        raise NotFoundError(f"no certificate {normalised}")
    certificate, organisation, version = found
    if version.scheme_id != scheme.id:
        raise RuleViolationError(
            f"certificate {normalised} is for another scheme", rule="certificate-reference"
        )
    if (organisation.country, organisation.registration_number) != (country, number):
        raise RuleViolationError(
            f"certificate {normalised} belongs to another organisation",
            rule="certificate-reference",
        )
    if certificate.body_id != actor.body_id:
        raise RuleViolationError(
            f"certificate {normalised} is held with another certification body",
            rule="certificate-reference",
        )
    status = effective_status(CertificateStatus(certificate.status), certificate.valid_until, now)
    if blocks_changes(status):
        raise RuleViolationError(
            f"certificate {normalised} is withdrawn; a withdrawn certificate cannot be continued",
            rule="certificate-withdrawn",
        )
    return certificate


def _organisation(
    session: Session, data: OrganisationCreate, country: str, number: str, now: datetime
) -> Organisation:
    """The organisation by its registration number, registered on first assessment."""
    found = session.exec(
        select(Organisation).where(
            Organisation.country == country, Organisation.registration_number == number
        )
    ).first()
    if found is not None:
        return found
    organisation = Organisation(
        legal_name=data.legal_name, country=country, registration_number=number, created_at=now
    )
    session.add(organisation)
    session.flush()
    return organisation


def assessment_by_id(session: Session, public_id: str) -> Assessment:
    found = session.exec(select(Assessment).where(Assessment.public_id == public_id)).first()
    if found is None:
        raise NotFoundError(f"no assessment {public_id!r}")
    return found


def visible_to(actor: Actor, assessment: Assessment) -> None:
    """Assessments are seen by their body and by staff."""
    if actor.role is Role.STAFF:
        return
    if actor.role in (Role.AUDITOR, Role.BODY_ADMIN) and actor.body_id == assessment.body_id:
        return
    raise PermissionDeniedError("this assessment belongs to another certification body")


def findings_public(session: Session, assessment: Assessment) -> list[FindingPublic]:
    rows = session.exec(select(Finding).where(Finding.assessment_id == assessment.id)).all()
    return public_findings(
        criteria_of(session, assessment.scheme_version_id),
        [
            (f.criterion_code, f.result, f.evidence_summary, json.loads(f.evidence_digests))
            for f in rows
        ],
    )


def public_findings(
    criteria: Sequence[Criterion], findings: Sequence[tuple[str, str, str, list[str]]]
) -> list[FindingPublic]:
    """Findings ``(criterion, result, evidence summary, evidence digests)`` in the
    version's order of criteria, with what each criterion says."""
    by_code = {f[0]: f for f in findings}
    return [
        FindingPublic(
            criterion=c.code,
            title_nl=c.title_nl,
            title_en=c.title_en,
            dimension=c.dimension,  # type: ignore[arg-type]
            method=c.method,  # type: ignore[arg-type]
            mandatory=c.mandatory,
            result=by_code[c.code][1],  # type: ignore[arg-type]
            evidence_summary=by_code[c.code][2],
            evidence_digests=by_code[c.code][3],
        )
        for c in criteria
        if c.code in by_code
    ]


def assessment_public(session: Session, assessment: Assessment) -> AssessmentPublic:
    organisation = session.get(Organisation, assessment.organisation_id)
    version = session.get(SchemeVersion, assessment.scheme_version_id)
    body = session.get(Body, assessment.body_id)
    auditor = session.get(Person, assessment.auditor_id)
    assert organisation and version and body and auditor
    scheme = session.get(Scheme, version.scheme_id)
    assert scheme is not None
    certificate = (
        session.get(Certificate, assessment.certificate_id) if assessment.certificate_id else None
    )
    return AssessmentPublic(
        id=assessment.public_id,
        type=assessment.type,  # type: ignore[arg-type]
        status=assessment.status,
        scheme=scheme.slug,
        scheme_version=version.number,
        organisation=OrganisationPublic(
            legal_name=organisation.legal_name,
            country=organisation.country,
            registration_number=organisation.registration_number,
        ),
        body=body.slug,
        auditor=auditor.pseudonym,
        certificate=certificate.code if certificate else None,
        audit_start=assessment.audit_start,
        audit_end=assessment.audit_end,
        submitted_at=assessment.submitted_at,
        scope=assessment.scope,
        domains=json.loads(assessment.domains),
        findings=findings_public(session, assessment),
    )


def list_for_body(
    session: Session, actor: Actor, status: str | None, limit: int, cursor: int | None
) -> Page[AssessmentPublic]:
    """A body's assessments, newest first (the decision queue when status=submitted)."""
    actor.require(Role.BODY_ADMIN, Role.AUDITOR, Role.STAFF)
    query = select(Assessment).order_by(col(Assessment.id).desc()).limit(limit + 1)
    if actor.role is not Role.STAFF:
        query = query.where(Assessment.body_id == actor.body_id)
    if status:
        query = query.where(Assessment.status == status)
    if cursor is not None:
        query = query.where(col(Assessment.id) < cursor)
    rows = list(session.exec(query))
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(
        items=[assessment_public(session, a) for a in rows],
        next=str(rows[-1].id) if more and rows else None,
    )
