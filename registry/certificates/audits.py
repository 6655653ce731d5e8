"""Every published audit of a certificate, and what follows from their dates.

An audit is public once decided when it concerns a certificate: the initial assessment
that led to it and every surveillance or recertification after, positive or refused. A
refused initial assessment has no certificate and stays with its body. Read in a fixed
number of statements whatever the number of audits.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from sqlmodel import Session, col, select

from registry.certificates.schemas import AuditPublic, BodyRef, DecisionSummary, Overdue
from registry.certification.assessments import public_findings
from registry.certification.schemas import FindingPublic, ResultCountsPublic
from registry.db.tables import (
    Assessment,
    Body,
    Certificate,
    Criterion,
    Decision,
    Finding,
    Person,
    Scheme,
    SchemeVersion,
)
from registry.domain.assessments import count_results
from registry.domain.status import CertificateStatus
from registry.domain.validity import add_months
from registry.domain.vocabulary import Result

PUBLISHED = ("certified", "refused")


def counts_of(findings: Sequence[FindingPublic], criteria: int) -> ResultCountsPublic:
    """What an audit's findings count, out of the version's ``criteria``: a criterion
    without a finding (optional, left out) does not apply."""
    results = [f.result for f in findings]
    results += [Result.NOT_APPLICABLE.value] * max(0, criteria - len(results))
    counted = count_results(results)
    return ResultCountsPublic(
        total=counted.total,
        applicable=counted.applicable,
        conforming=counted.conforming,
        minor_nonconformity=counted.minor,
        major_nonconformity=counted.major,
    )


def certificate_audits(session: Session, certificate: Certificate) -> list[AuditPublic]:
    """The certificate's decided audits, oldest first (by end of audit, then submission)."""
    assessments = list(
        session.exec(
            select(Assessment)
            .where(
                Assessment.certificate_id == certificate.id,
                col(Assessment.status).in_(PUBLISHED),
            )
            .order_by(col(Assessment.audit_end), col(Assessment.id))
        )
    )
    if not assessments:
        return []
    ids = [a.id for a in assessments]
    decisions = {
        d.assessment_id: d
        for d in session.exec(select(Decision).where(col(Decision.assessment_id).in_(ids)))
    }
    findings: dict[int, list[Finding]] = defaultdict(list)
    for finding in session.exec(select(Finding).where(col(Finding.assessment_id).in_(ids))):
        findings[finding.assessment_id].append(finding)
    version_ids = {a.scheme_version_id for a in assessments}
    versions = {
        v.id: v
        for v in session.exec(select(SchemeVersion).where(col(SchemeVersion.id).in_(version_ids)))
    }
    criteria: dict[int, list[Criterion]] = defaultdict(list)
    for criterion in session.exec(
        select(Criterion)
        .where(col(Criterion.version_id).in_(version_ids))
        .order_by(col(Criterion.position))
    ):
        criteria[criterion.version_id].append(criterion)
    bodies = {
        b.id: b
        for b in session.exec(
            select(Body).where(col(Body.id).in_({a.body_id for a in assessments}))
        )
    }
    auditors = {
        p.id: p.pseudonym
        for p in session.exec(
            select(Person).where(col(Person.id).in_({a.auditor_id for a in assessments}))
        )
    }
    audits: list[AuditPublic] = []
    for assessment in assessments:
        assert assessment.id is not None
        listed = public_findings(
            criteria[assessment.scheme_version_id],
            [
                (f.criterion_code, f.result, f.evidence_summary, json.loads(f.evidence_digests))
                for f in findings[assessment.id]
            ],
        )
        decision = decisions.get(assessment.id)
        body = bodies[assessment.body_id]
        audits.append(
            AuditPublic(
                id=assessment.public_id,
                type=assessment.type,  # type: ignore[arg-type]
                audit_start=assessment.audit_start,
                audit_end=assessment.audit_end,
                submitted_at=assessment.submitted_at,
                scheme_version=versions[assessment.scheme_version_id].number,
                body=BodyRef(slug=body.slug, name=body.name),
                auditor=auditors[assessment.auditor_id],
                counts=counts_of(listed, len(criteria[assessment.scheme_version_id])),
                findings=listed,
                decision=None
                if decision is None
                else DecisionSummary(
                    outcome=decision.outcome,  # type: ignore[arg-type]
                    decided_at=decision.decided_at,
                    reason_nl=decision.reason,
                    reason_en=decision.reason_en,
                    action=decision.action,  # type: ignore[arg-type]
                    deadline=decision.deadline,
                ),
            )
        )
    return audits


def surveillance_due(audits: Sequence[AuditPublic], interval_months: int) -> date | None:
    """When the next audit is due: the scheme's surveillance interval after the end of
    the latest audit that certified (a refused audit does not reset the clock)."""
    passed = [a.audit_end for a in audits if a.decision and a.decision.outcome == "certify"]
    if not passed:
        return None
    return add_months(max(passed), interval_months)


def overdue(
    status: str,
    suspension_deadline: date | None,
    due: date | None,
    today: date,
) -> list[Overdue]:
    """Dates that passed without their step, for a certificate still in force. Nothing
    happens by itself: the page says so and the body is told."""
    found: list[Overdue] = []
    if (
        status == CertificateStatus.SUSPENDED
        and suspension_deadline
        and suspension_deadline < today
    ):
        found.append(Overdue(kind="suspension_deadline", due=suspension_deadline))
    if status in (CertificateStatus.VALID, CertificateStatus.SUSPENDED) and due and due < today:
        found.append(Overdue(kind="surveillance", due=due))
    return found


def scheme_of(session: Session, certificate: Certificate) -> Scheme:
    version = session.get(SchemeVersion, certificate.scheme_version_id)
    assert version is not None
    scheme = session.get(Scheme, version.scheme_id)
    assert scheme is not None
    return scheme
