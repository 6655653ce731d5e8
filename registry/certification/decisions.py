"""The certification decision: four-eyes, then issue, renew or record."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from registry.certificates import store as certificates
from registry.certification.assessments import assessment_by_id
from registry.certification.schemas import DecisionCreate
from registry.db.tables import Assessment, Decision, Finding, Organisation, pk
from registry.domain.decisions import CertificateAction, check_decision
from registry.domain.independence import check_decider_untied, check_four_eyes
from registry.domain.reasons import NO_REASON
from registry.domain.vocabulary import AssessmentType, Role
from registry.errors import ConflictError, PermissionDeniedError, RuleViolationError
from registry.identity import memberships
from registry.identity.auth import Actor


def decide(
    session: Session,
    issuer: certificates.Issuer,
    actor: Actor,
    assessment_id: str,
    data: DecisionCreate,
    now: datetime,
) -> Decision:
    """Take the decision on a submitted assessment.

    Refused when the decider is the assessment's auditor (whatever token they use), when
    the assessment belongs to another body, was already decided, or (to certify) has a
    major nonconformity.
    """
    actor.require(Role.BODY_ADMIN)
    return decide_on(session, issuer, actor, assessment_by_id(session, assessment_id), data, now)


def may_decide(
    decider: Actor,
    body_id: int,
    auditor_id: int,
    organisation: tuple[str, str] | None = None,
    decider_ties: frozenset[tuple[str, str]] = frozenset(),
) -> None:
    """The decider is an admin of the assessing body, and not a person who audited or
    submitted it or is tied to its organisation (four-eyes, checked by person, whatever
    membership, token or session they use)."""
    decider.require(Role.BODY_ADMIN)
    if body_id != decider.body_id:
        raise PermissionDeniedError("this assessment belongs to another certification body")
    check_four_eyes(auditor_id, decider.person_id)
    if organisation is not None:
        check_decider_untied(decider_ties, *organisation)


def decision_values(
    assessment_id: int,
    decider: Actor,
    data: DecisionCreate,
    now: datetime,
    certificate_id: int | None,
) -> dict[str, Any]:
    """The decision row's columns: what ``decide_on`` stores, and a batch stores in bulk."""
    reason = data.given_reason()
    return {
        "assessment_id": assessment_id,
        "decided_by_id": decider.person_id,
        "outcome": data.outcome,
        "reason": reason.nl,
        "reason_en": reason.en,
        "action": data.action,
        "deadline": data.deadline,
        "decided_at": now,
        "certificate_id": certificate_id,
    }


def decide_on(
    session: Session,
    issuer: certificates.Issuer,
    actor: Actor,
    assessment: Assessment,
    data: DecisionCreate,
    now: datetime,
) -> Decision:
    """``decide`` for an assessment already loaded."""
    organisation = session.get(Organisation, assessment.organisation_id)
    assert organisation is not None
    may_decide(
        actor,
        assessment.body_id,
        assessment.auditor_id,
        (organisation.country, organisation.registration_number),
        memberships.ties(session, actor.person_id),
    )
    if assessment.status != "submitted":
        raise ConflictError(
            f"assessment {assessment.public_id} was already decided ({assessment.status})"
        )
    certificate = None
    results = {
        f.criterion_code: f.result
        for f in session.exec(select(Finding).where(Finding.assessment_id == assessment.id))
    }
    kind = AssessmentType(assessment.type)
    action = CertificateAction(data.action) if data.action else None
    check_decision(kind, results, data.outcome, action, data.deadline, now.date())
    reason = data.given_reason()
    if data.outcome == "certify":
        if kind is AssessmentType.INITIAL:
            certificate = certificates.issue(session, issuer, assessment, actor, now)
        elif kind is AssessmentType.RECERTIFICATION:
            certificate = certificates.renew(
                session, issuer, assessment, actor, now, reason or certificates.RECERTIFIED
            )
        else:
            certificate = certificates.record_surveillance(session, assessment, actor, now, reason)
        assessment.status = "certified"
    else:
        if action is not None:
            if not reason:
                raise RuleViolationError(
                    f"to {action.value} the certificate give the public reason: reason_nl "
                    "(and reason_en)",
                    rule="status-reason",
                )
            certificate = certificates.act_on_audit(
                session, issuer, assessment, actor, action, reason, data.deadline, now
            )
        elif kind is not AssessmentType.INITIAL:
            certificate = certificates.record_refused_audit(
                session, assessment, actor, now, reason or NO_REASON
            )
        assessment.status = "refused"
    session.add(assessment)
    decision = Decision(
        **decision_values(
            pk(assessment),
            actor,
            data,
            now,
            certificate.id if certificate is not None else None,
        )
    )
    session.add(decision)
    session.flush()
    return decision
