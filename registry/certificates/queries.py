"""What the public reads about certificates: one certificate, and filtered pages of them.

The status shown is always computed from the stored status and the clock, so nothing
read here can claim ``valid`` after ``valid_until``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

import msgspec
from sqlalchemy import ColumnElement, and_, or_
from sqlmodel import Session, col, select

from registry.certificates.schemas import (
    BodyRef,
    CertificatePublic,
    CoveredDomain,
    HistoryItem,
    SchemeRef,
)
from registry.certificates.store import basis_assessment, certificate_by_code, covered_domains
from registry.certification.assessments import findings_public
from registry.certification.schemas import OrganisationPublic
from registry.db.tables import (
    Assessment,
    Body,
    Certificate,
    CertificateDomain,
    CertificateEvent,
    Organisation,
    Person,
    Scheme,
    SchemeVersion,
)
from registry.domain.hosts import host_key
from registry.domain.kvk import normalise_registration_number
from registry.domain.status import CertificateStatus, effective_status
from registry.edge.schemas import Page
from registry.errors import InvalidInputError

MAX_PAGE = 200


def certificate_public(
    session: Session, certificate: Certificate, now: datetime
) -> CertificatePublic:
    organisation = session.get(Organisation, certificate.organisation_id)
    version = session.get(SchemeVersion, certificate.scheme_version_id)
    body = session.get(Body, certificate.body_id)
    assert organisation and version and body and certificate.id is not None
    scheme = session.get(Scheme, version.scheme_id)
    assert scheme is not None
    basis = basis_assessment(session, certificate)
    auditor = session.get(Person, basis.auditor_id)
    assert auditor is not None
    status = effective_status(CertificateStatus(certificate.status), certificate.valid_until, now)
    reason, changed_at = certificate.status_reason, certificate.status_changed_at
    if status is CertificateStatus.EXPIRED and certificate.status != CertificateStatus.EXPIRED:
        reason, changed_at = "validity period ended", certificate.valid_until
    history_rows = session.exec(
        select(CertificateEvent, Assessment)
        .join(Assessment, Assessment.id == CertificateEvent.assessment_id, isouter=True)  # type: ignore[arg-type]
        .where(CertificateEvent.certificate_id == certificate.id)
        .order_by(col(CertificateEvent.id))
    ).all()
    return CertificatePublic(
        code=certificate.code,
        status=status.value,
        status_reason=reason,
        status_changed_at=changed_at,
        holder=OrganisationPublic(
            legal_name=organisation.legal_name,
            country=organisation.country,
            registration_number=organisation.registration_number,
        ),
        scheme=SchemeRef(slug=scheme.slug, name_nl=scheme.name_nl, name_en=scheme.name_en),
        scheme_version=version.number,
        body=BodyRef(slug=body.slug, name=body.name),
        auditor=auditor.pseudonym,
        scope=basis.scope,
        valid_from=certificate.valid_from,
        valid_until=certificate.valid_until,
        issued_at=certificate.issued_at,
        domains=[
            CoveredDomain(domain=d.domain, source=d.source, added_at=d.added_at)  # type: ignore[arg-type]
            for d in covered_domains(session, certificate.id)
        ],
        findings=findings_public(session, basis),
        history=[
            HistoryItem(
                type=event.type,
                at=event.at,
                reason=event.reason,
                assessment=assessment.public_id if assessment else None,
                assessment_type=assessment.type if assessment else None,
                log_index=event.log_index,
            )
            for event, assessment in history_rows
        ],
        credential_kid=certificate.credential_kid,
    )


def strong_etag(body: bytes) -> str:
    """A strong ``ETag`` for exactly these bytes (RFC 9110 §8.8.3)."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


@dataclass(frozen=True)
class CertificateSnapshot:
    """A certificate as the public reads it, with its JSON bytes and their ETag made once:
    what a server keeps in memory between changes."""

    public: CertificatePublic
    json: bytes
    etag: str
    until: datetime | None
    """When the clock alone changes the status shown (expiry); None if it never will."""

    @classmethod
    def of(cls, public: CertificatePublic) -> CertificateSnapshot:
        body = msgspec.json.encode(public)
        changes = public.status in (CertificateStatus.VALID, CertificateStatus.SUSPENDED)
        return cls(public, body, strong_etag(body), public.valid_until if changes else None)


def certificate_by_code_public(session: Session, code: str, now: datetime) -> CertificatePublic:
    return certificate_public(session, certificate_by_code(session, code), now)


def _status_filter(status: str, now: datetime) -> ColumnElement[bool]:
    """SQL for an effective status (precedence: withdrawn, expired, suspended, valid)."""
    stored, until = col(Certificate.status), col(Certificate.valid_until)
    if status == "withdrawn":
        return stored == "withdrawn"
    if status == "expired":
        return or_(stored == "expired", and_(stored.in_(("valid", "suspended")), until <= now))
    if status in ("valid", "suspended"):
        return and_(stored == status, until > now)
    raise InvalidInputError(
        f"unknown status {status!r}; use valid, suspended, withdrawn or expired"
    )


def list_certificates(
    session: Session,
    now: datetime,
    *,
    limit: int = 50,
    cursor: str | None = None,
    status: str | None = None,
    scheme: str | None = None,
    organisation: str | None = None,
    domain: str | None = None,
) -> Page[CertificatePublic]:
    """A page of certificates in issue order; ``next`` continues after the last one."""
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInputError(f"limit must be between 1 and {MAX_PAGE}, got {limit}")
    query = select(Certificate).order_by(col(Certificate.id)).limit(limit + 1)
    if cursor is not None:
        if not cursor.isdigit() or len(cursor) > 18:
            raise InvalidInputError("cursor is not one this API gave out")
        query = query.where(col(Certificate.id) > int(cursor))
    if status:
        query = query.where(_status_filter(status, now))
    if scheme:
        query = (
            query.join(SchemeVersion, SchemeVersion.id == Certificate.scheme_version_id)  # type: ignore[arg-type]
            .join(Scheme, Scheme.id == SchemeVersion.scheme_id)  # type: ignore[arg-type]
            .where(Scheme.slug == scheme)
        )
    if organisation:
        country, _, number = organisation.rpartition(":")
        country = (country or "NL").upper()
        number = normalise_registration_number(country, number)
        query = query.join(Organisation, Organisation.id == Certificate.organisation_id).where(  # type: ignore[arg-type]
            Organisation.country == country, Organisation.registration_number == number
        )
    if domain:
        key = host_key(domain)
        covering = select(CertificateDomain.certificate_id).where(
            col(CertificateDomain.domain).in_((key, f"www.{key}")),
            col(CertificateDomain.removed_at).is_(None),
        )
        query = query.where(col(Certificate.id).in_(covering))
    rows = list(session.exec(query))
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(
        items=[certificate_public(session, c, now) for c in rows],
        next=str(rows[-1].id) if more and rows else None,
    )


def credential_of(session: Session, code: str) -> str:
    """The stored compact JWS, byte for byte as signed."""
    return certificate_by_code(session, code).credential
