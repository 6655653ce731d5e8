"""Holders' domain claims in the database: made, checked, bound and unbound (staff
review is in ``claim_reviews.py``).

A claim binds through a ``CertificateDomain`` row (``source = "holder"``) that exists
only while the claim is verified (and approved when review was needed), so every reader
of covered domains (badge, search, page, exports) sees proven domains alone. Events of a
claim nobody has proved name the domain by its SHA-256 only and write no history row: the
public log then says that a claim changed, not that a holder has a domain.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, func, select

from registry.certificates.schemas import ClaimInstructions, DomainClaimPublic
from registry.certificates.store import _holders_certificate, certificate_by_code
from registry.db.tables import Certificate, CertificateDomain, DomainClaim, pk
from registry.domain import domain_control as dcv
from registry.domain.hosts import host_key, normalise_domain, unicode_form
from registry.domain.status import CertificateStatus, effective_status
from registry.domain.vocabulary import Role
from registry.errors import ConflictError, NotFoundError, PermissionDeniedError, RuleViolationError
from registry.identity.auth import Actor
from registry.transparency import events


@dataclass(frozen=True)
class Change:
    """What a check or review changed, for the notices sent after the commit."""

    claim: DomainClaimPublic
    lapsed: bool = False
    review_requested: bool = False
    organisation_id: int = 0


def public(claim: DomainClaim, code: str) -> DomainClaimPublic:
    shown, _ = unicode_form(claim.domain)
    return DomainClaimPublic(
        id=pk(claim),
        certificate=code,
        domain=claim.domain,
        shown=shown,
        state=claim.state,  # type: ignore[arg-type]  # one of ClaimState's values
        method=claim.method,
        verified_at=claim.verified_at,
        failure=claim.failure,
        review=claim.review,
        binds=dcv.binds(claim.state, claim.review),
        created_at=claim.created_at,
        checked_at=claim.checked_at,
        next_check_at=claim.next_check_at,
        instructions=ClaimInstructions(
            dns_name=dcv.txt_name(claim.domain),
            dns_value=dcv.txt_value(claim.token),
            http_url=f"https://{claim.domain}{dcv.http_path(claim.token)}",
            http_body=claim.token,
        ),
    )


def _active_claim(session: Session, certificate_id: int, domain: str) -> DomainClaim | None:
    return session.exec(
        select(DomainClaim).where(
            DomainClaim.certificate_id == certificate_id,
            DomainClaim.domain == domain,
            col(DomainClaim.removed_at).is_(None),
        )
    ).first()


def _bound_row(session: Session, certificate_id: int, domain: str) -> CertificateDomain | None:
    return session.exec(
        select(CertificateDomain).where(
            CertificateDomain.certificate_id == certificate_id,
            CertificateDomain.domain == domain,
            col(CertificateDomain.removed_at).is_(None),
        )
    ).first()


def log_event(
    session: Session,
    certificate: Certificate,
    kind: str,
    domain: str,
    now: datetime,
    *,
    proven: bool,
    reason: str = "",
    actor_id: int | None = None,
    extra: dict[str, str] | None = None,
) -> None:
    """One log entry; a proven domain is named and goes into the certificate's history."""
    data: dict[str, str] = {"code": certificate.code}
    if proven:
        data["domain"] = domain
    else:
        data["domain_sha256"] = dcv.domain_digest(domain)
    data.update(extra or {})
    events.record(
        session,
        events.RegistryEvent(type=f"certificate.{kind}", at=now, reason=reason, data=data),
        certificate=certificate if proven else None,
        actor_id=actor_id,
    )


def claim(session: Session, actor: Actor, code: str, raw: str, now: datetime) -> DomainClaimPublic:
    """A holder claims a domain: pending, with a new token, checked soon by the server.

    Raises ConflictError when the certificate already covers the domain or has an open
    claim on it, RuleViolationError beyond ``MAX_CLAIMS_PER_CERTIFICATE`` open claims.
    """
    certificate = _holders_certificate(session, actor, code, now)
    domain = normalise_domain(raw)
    if _bound_row(session, pk(certificate), domain) is not None:
        raise ConflictError(f"{domain} is already covered by certificate {certificate.code}")
    if _active_claim(session, pk(certificate), domain) is not None:
        raise ConflictError(f"{domain} is already claimed for certificate {certificate.code}")
    open_claims = session.exec(
        select(func.count())
        .select_from(DomainClaim)
        .where(DomainClaim.certificate_id == certificate.id, col(DomainClaim.removed_at).is_(None))
    ).one()
    if open_claims >= dcv.MAX_CLAIMS_PER_CERTIFICATE:
        raise RuleViolationError(
            f"certificate {certificate.code} has {open_claims} domain claims, the most allowed;"
            " remove one first",
            rule="too-many-domain-claims",
        )
    row = DomainClaim(
        certificate_id=pk(certificate),
        domain=domain,
        token=dcv.new_token(),
        state=dcv.ClaimState.PENDING,
        created_at=now,
        next_check_at=now,
    )
    session.add(row)
    session.flush()
    log_event(
        session, certificate, "domain_claimed", domain, now, proven=False, actor_id=actor.person_id
    )
    return public(row, certificate.code)


def holder_claims(
    session: Session, actor: Actor, code: str | None = None
) -> list[DomainClaimPublic]:
    """The open claims of the actor's organisation (of one certificate when ``code``)."""
    actor.require(Role.HOLDER)
    query = (
        select(DomainClaim, Certificate.code)
        .join(Certificate, Certificate.id == DomainClaim.certificate_id)  # type: ignore[arg-type]
        .where(
            Certificate.organisation_id == actor.organisation_id,
            col(DomainClaim.removed_at).is_(None),
        )
        .order_by(col(Certificate.code), col(DomainClaim.domain))
    )
    if code is not None:
        query = query.where(
            Certificate.id == pk(_holders_certificate_readable(session, actor, code))
        )
    return [public(row, found) for row, found in session.exec(query)]


def _holders_certificate_readable(session: Session, actor: Actor, code: str) -> Certificate:
    certificate = certificate_by_code(session, code)
    if certificate.organisation_id != actor.organisation_id:
        raise PermissionDeniedError(
            f"certificate {certificate.code} belongs to another organisation"
        )
    return certificate


def own_claim(session: Session, actor: Actor, code: str, raw: str) -> DomainClaim:
    """The actor's open claim on ``raw`` under ``code``; NotFoundError when there is none."""
    actor.require(Role.HOLDER)
    certificate = _holders_certificate_readable(session, actor, code)
    domain = normalise_domain(raw)
    row = _active_claim(session, pk(certificate), domain)
    if row is None:
        raise NotFoundError(f"certificate {certificate.code} has no claim on {domain}")
    return row


def due(session: Session, now: datetime, limit: int) -> list[tuple[int, str, str]]:
    """``(id, domain, token)`` of the claims whose scheduled check is due, oldest first.
    Claims of a withdrawn or expired certificate bind nothing any more: they are not
    checked (nor is anyone's site asked) until the certificate is renewed."""
    rows = session.exec(
        select(DomainClaim.id, DomainClaim.domain, DomainClaim.token)
        .join(Certificate, Certificate.id == DomainClaim.certificate_id)  # type: ignore[arg-type]
        .where(
            col(DomainClaim.removed_at).is_(None),
            col(DomainClaim.next_check_at) <= now,
            col(Certificate.status).not_in(
                (CertificateStatus.WITHDRAWN.value, CertificateStatus.EXPIRED.value)
            ),
            col(Certificate.valid_until) > now,
        )
        .order_by(col(DomainClaim.next_check_at))
        .limit(limit)
    ).all()
    return [(int(i or 0), d, t) for i, d, t in rows]


def _covered_elsewhere(
    session: Session, certificate: Certificate, domain: str, now: datetime
) -> bool:
    """Whether a live certificate of another organisation binds the domain (up to ``www.``)."""
    key = host_key(domain)
    rows = session.exec(
        select(Certificate)
        .join(CertificateDomain, CertificateDomain.certificate_id == Certificate.id)  # type: ignore[arg-type]
        .where(
            col(CertificateDomain.domain).in_((key, f"www.{key}")),
            col(CertificateDomain.removed_at).is_(None),
            Certificate.organisation_id != certificate.organisation_id,
        )
    ).all()
    ended = (CertificateStatus.WITHDRAWN, CertificateStatus.EXPIRED)
    return any(
        effective_status(CertificateStatus(c.status), c.valid_until, now) not in ended for c in rows
    )


def bind(session: Session, certificate: Certificate, claim: DomainClaim, now: datetime) -> None:
    if _bound_row(session, pk(certificate), claim.domain) is None:
        session.add(
            CertificateDomain(
                certificate_id=pk(certificate), domain=claim.domain, source="holder", added_at=now
            )
        )
        session.flush()


def _unbind(session: Session, certificate: Certificate, domain: str, now: datetime) -> None:
    row = _bound_row(session, pk(certificate), domain)
    if row is not None and row.source == "holder":
        row.removed_at = now
        session.add(row)
        session.flush()


def apply_outcome(
    session: Session, claim_id: int, outcome: dcv.Outcome, now: datetime
) -> Change | None:
    """Record one check's outcome; None when the claim was removed meanwhile."""
    claim = session.get(DomainClaim, claim_id)
    if claim is None or claim.removed_at is not None:
        return None
    certificate = session.get(Certificate, claim.certificate_id)
    assert certificate is not None
    claim.checked_at = now
    lapsed = review_requested = False
    was = claim.state
    if outcome.passed:
        assert outcome.method is not None
        claim.failure = None
        claim.attempts = 0
        first = was != dcv.ClaimState.VERIFIED or claim.method is None
        needs_review = (
            first
            and claim.review != dcv.Review.APPROVED
            and _covered_elsewhere(session, certificate, claim.domain, now)
        )
        if needs_review and claim.review == dcv.Review.REFUSED:
            # Refused once: a new proof does not put it before staff again (no flooding).
            claim.state = dcv.ClaimState.FAILED
            claim.failure = "refused after review by the registry's staff"
            claim.next_check_at = None
        elif needs_review:
            if was == dcv.ClaimState.VERIFIED:  # declared before validation, bound since
                _unbind(session, certificate, claim.domain, now)
                log_event(
                    session,
                    certificate,
                    "domain_lapsed",
                    claim.domain,
                    now,
                    proven=True,
                    reason="staff review needed",
                )
                lapsed = True
            claim.state = dcv.ClaimState.PENDING
            claim.method = outcome.method
            claim.next_check_at = None  # waits for staff, not for the clock
            if claim.review != dcv.Review.REQUIRED:
                claim.review = dcv.Review.REQUIRED
                review_requested = True
                log_event(
                    session, certificate, "domain_review_requested", claim.domain, now, proven=False
                )
        else:
            claim.state = dcv.ClaimState.VERIFIED
            claim.method = outcome.method
            claim.verified_at = now
            claim.next_check_at = dcv.revalidation_due(now)
            bind(session, certificate, claim, now)
            if first:
                log_event(
                    session,
                    certificate,
                    "domain_verified",
                    claim.domain,
                    now,
                    proven=True,
                    extra={"method": outcome.method.value},
                )
    else:
        claim.attempts += 1
        claim.failure = outcome.reason[:300]
        claim.next_check_at = dcv.next_retry(claim.attempts, now)
        if was == dcv.ClaimState.VERIFIED:
            claim.state = dcv.ClaimState.PENDING
            _unbind(session, certificate, claim.domain, now)
            log_event(
                session,
                certificate,
                "domain_lapsed",
                claim.domain,
                now,
                proven=True,
                reason="control of the domain no longer proved",
            )
            lapsed = True
        elif was == dcv.ClaimState.PENDING and claim.review != dcv.Review.REQUIRED:
            claim.state = dcv.ClaimState.FAILED
            log_event(session, certificate, "domain_failed", claim.domain, now, proven=False)
    session.add(claim)
    session.flush()
    return Change(
        public(claim, certificate.code),
        lapsed=lapsed,
        review_requested=review_requested,
        organisation_id=certificate.organisation_id,
    )


def remove(session: Session, actor: Actor, code: str, raw: str, now: datetime) -> bool:
    """End the holder's open claim on ``raw``, unbinding it; False when there is none."""
    certificate = _holders_certificate(session, actor, code, now)
    row = _active_claim(session, pk(certificate), normalise_domain(raw))
    if row is None:
        return False
    row.removed_at = now
    row.next_check_at = None
    session.add(row)
    if not dcv.binds(row.state, row.review):
        log_event(
            session,
            certificate,
            "domain_claim_removed",
            row.domain,
            now,
            proven=False,
            actor_id=actor.person_id,
        )
    session.flush()
    return True
