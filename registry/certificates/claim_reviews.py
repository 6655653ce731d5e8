"""Staff review of domain claims, and who is told: a holder who proved control of a
domain another organisation's certificate covers waits here until staff approve (the
domain binds) or refuse (the claim fails)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from registry.certificates.claims import Change, bind, log_event, public
from registry.certificates.schemas import DomainClaimPublic
from registry.db.identity_tables import Membership
from registry.db.tables import Certificate, DomainClaim, Person
from registry.domain import domain_control as dcv
from registry.domain.vocabulary import Role
from registry.errors import NotFoundError
from registry.identity.auth import Actor


def reviews(session: Session, actor: Actor) -> list[DomainClaimPublic]:
    """Claims waiting for staff: control proved on a domain another organisation has."""
    actor.require(Role.STAFF)
    rows = session.exec(
        select(DomainClaim, Certificate.code)
        .join(Certificate, Certificate.id == DomainClaim.certificate_id)  # type: ignore[arg-type]
        .where(
            DomainClaim.review == dcv.Review.REQUIRED,
            col(DomainClaim.removed_at).is_(None),
        )
        .order_by(col(DomainClaim.checked_at))
    ).all()
    return [public(row, code) for row, code in rows]


def decide(session: Session, actor: Actor, claim_id: int, approve: bool, now: datetime) -> Change:
    """Staff approve (the claim is verified and binds) or refuse (it fails) a claim."""
    actor.require(Role.STAFF)
    claim = session.get(DomainClaim, claim_id)
    if claim is None or claim.removed_at is not None or claim.review != dcv.Review.REQUIRED:
        raise NotFoundError(f"no domain claim {claim_id} waits for review")
    certificate = session.get(Certificate, claim.certificate_id)
    assert certificate is not None and claim.method is not None
    if approve:
        claim.review = dcv.Review.APPROVED
        claim.state = dcv.ClaimState.VERIFIED
        claim.verified_at = now
        claim.next_check_at = dcv.revalidation_due(now)
        bind(session, certificate, claim, now)
        log_event(
            session,
            certificate,
            "domain_verified",
            claim.domain,
            now,
            proven=True,
            reason="approved after staff review",
            actor_id=actor.person_id,
            extra={"method": claim.method},
        )
    else:
        claim.review = dcv.Review.REFUSED
        claim.state = dcv.ClaimState.FAILED
        claim.failure = "refused after review by the registry's staff"
        claim.next_check_at = None
        log_event(
            session,
            certificate,
            "domain_review_refused",
            claim.domain,
            now,
            proven=False,
            actor_id=actor.person_id,
        )
    session.add(claim)
    session.flush()
    return Change(public(claim, certificate.code), organisation_id=certificate.organisation_id)


def staff_addresses(session: Session) -> list[str]:
    """E-mail addresses of the registry's active staff, who handle reviews."""
    rows = session.exec(
        select(Person.email)
        .join(Membership, Membership.person_id == Person.id)  # type: ignore[arg-type]
        .where(Membership.role == Role.STAFF.value, Membership.status == "active")
    ).all()
    return sorted({e for e in rows if e})


def holder_addresses(session: Session, organisation_id: int) -> list[str]:
    """E-mail addresses of an organisation's active holder contacts."""
    rows = session.exec(
        select(Person.email)
        .join(Membership, Membership.person_id == Person.id)  # type: ignore[arg-type]
        .where(
            Membership.role == Role.HOLDER.value,
            Membership.status == "active",
            Membership.organisation_id == organisation_id,
        )
    ).all()
    return sorted({e for e in rows if e})
