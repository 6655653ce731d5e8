"""What the public reads about certificates: one certificate, and filtered pages of them.

The status shown is always computed from the stored status and the clock, so nothing
read here can claim ``valid`` after ``valid_until``.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

import msgspec
import sqlalchemy as sa
from sqlalchemy import ColumnElement, and_, not_, or_
from sqlmodel import Session, col, select

from registry.certificates.audits import PUBLISHED, counts_of, overdue
from registry.certificates.credential_check import CredentialCheck
from registry.certificates.schemas import (
    BodyRef,
    CertificatePublic,
    CoveredDomain,
    HistoryItem,
    SchemeRef,
)
from registry.certificates.store import (
    EXPIRED,
    certificate_by_code,
    compromised_keys,
    signed_at,
)
from registry.certification.assessments import public_findings
from registry.certification.schemas import (
    FindingPublic,
    OrganisationPublic,
    ResultCountsPublic,
)
from registry.db.status_sql import replacing_signature
from registry.db.tables import (
    Assessment,
    Body,
    Certificate,
    CertificateDomain,
    CertificateEvent,
    Criterion,
    Finding,
    Organisation,
    Person,
    Scheme,
    SchemeVersion,
)
from registry.domain.hosts import host_key
from registry.domain.kvk import normalise_registration_number
from registry.domain.reasons import Reason
from registry.domain.status import (
    SIGNATURE_BEING_REPLACED,
    CertificateStatus,
    effective_status,
    shown_status,
    signature_being_replaced,
)
from registry.domain.validity import add_months
from registry.edge.http import strong_etag
from registry.edge.schemas import Page
from registry.errors import InvalidInputError
from registry.search.service import organisations_named

MAX_PAGE = 200


def certificate_public(
    session: Session, certificate: Certificate, now: datetime
) -> CertificatePublic:
    return certificates_public(session, [certificate], now)[0]


def _by_id(session: Session, table: Any, ids: Iterable[int]) -> dict[int, Any]:
    return {row.id: row for row in session.exec(select(table).where(col(table.id).in_(set(ids))))}


def certificates_public(
    session: Session, certificates: Sequence[Certificate], now: datetime
) -> list[CertificatePublic]:
    """The public view of ``certificates``, read in a fixed number of statements whatever
    their number: each related table is read once for the whole page (no N+1)."""
    if not certificates:
        return []
    ids = [c.id for c in certificates if c.id is not None]
    organisations = _by_id(session, Organisation, (c.organisation_id for c in certificates))
    versions = _by_id(session, SchemeVersion, (c.scheme_version_id for c in certificates))
    bodies = _by_id(session, Body, (c.body_id for c in certificates))
    schemes = _by_id(session, Scheme, (v.scheme_id for v in versions.values()))
    # The basis of the current credential: the latest certified initial or
    # recertification assessment of each certificate; the findings shown: those of the
    # latest published audit (surveillance included, refused or not).
    basis: dict[int, Assessment] = {}
    latest: dict[int, Assessment] = {}
    last_passed: dict[int, date] = {}
    for assessment in session.exec(
        select(Assessment)
        .where(
            col(Assessment.certificate_id).in_(ids),
            col(Assessment.status).in_(PUBLISHED),
        )
        .order_by(col(Assessment.audit_end), col(Assessment.id))
    ):
        assert assessment.certificate_id is not None
        latest[assessment.certificate_id] = assessment
        if assessment.status == "certified":
            last_passed[assessment.certificate_id] = assessment.audit_end
            if assessment.type in ("initial", "recertification"):
                basis[assessment.certificate_id] = assessment
    auditors = _by_id(session, Person, (a.auditor_id for a in basis.values()))
    # Plain rows, not ORM objects: a page of certificates has thousands of findings.
    findings: dict[int, list[tuple[str, str, str, list[str]]]] = defaultdict(list)
    for assessment_id, criterion, result, summary, digests in session.execute(
        sa.select(
            col(Finding.assessment_id),
            col(Finding.criterion_code),
            col(Finding.result),
            col(Finding.evidence_summary),
            col(Finding.evidence_digests),
        ).where(col(Finding.assessment_id).in_([a.id for a in latest.values()]))
    ):
        findings[assessment_id].append((criterion, result, summary, json.loads(digests)))
    criteria: dict[int, list[Criterion]] = defaultdict(list)
    for criterion in session.exec(
        select(Criterion)
        .where(
            col(Criterion.version_id).in_(
                set(versions) | {a.scheme_version_id for a in latest.values()}
            )
        )
        .order_by(col(Criterion.position))
    ):
        criteria[criterion.version_id].append(criterion)
    domains: dict[int, list[CertificateDomain]] = defaultdict(list)
    for domain in session.exec(
        select(CertificateDomain)
        .where(
            col(CertificateDomain.certificate_id).in_(ids),
            col(CertificateDomain.removed_at).is_(None),
        )
        .order_by(col(CertificateDomain.domain))
    ):
        domains[domain.certificate_id].append(domain)
    history: dict[int, list[tuple[CertificateEvent, Assessment | None]]] = defaultdict(list)
    for event, assessment in session.exec(
        select(CertificateEvent, Assessment)
        .join(Assessment, Assessment.id == CertificateEvent.assessment_id, isouter=True)  # type: ignore[arg-type]
        .where(col(CertificateEvent.certificate_id).in_(ids))
        .order_by(col(CertificateEvent.id))
    ):
        history[event.certificate_id].append((event, assessment))
    compromised = compromised_keys(session, {c.credential_kid for c in certificates})
    pages: list[CertificatePublic] = []
    for certificate in certificates:
        assert certificate.id is not None
        version = versions[certificate.scheme_version_id]
        grounds = basis.get(certificate.id)
        assert grounds is not None and grounds.id is not None, (
            f"certificate {certificate.code} has no certified assessment"
        )
        shown = latest.get(certificate.id, grounds)
        assert shown.id is not None
        listed = public_findings(criteria[shown.scheme_version_id], findings[shown.id])
        scheme = schemes[version.scheme_id]
        passed = last_passed.get(certificate.id)
        pages.append(
            _public(
                certificate,
                organisations[certificate.organisation_id],
                version,
                schemes[version.scheme_id],
                bodies[certificate.body_id],
                grounds,
                auditors[grounds.auditor_id],
                AuditView(
                    shown.public_id,
                    listed,
                    counts_of(listed, len(criteria[shown.scheme_version_id])),
                    add_months(passed, scheme.surveillance_interval_months) if passed else None,
                ),
                domains[certificate.id],
                history[certificate.id],
                now,
                replacing_signature=signature_being_replaced(
                    compromised.get(certificate.credential_kid),
                    signed_at(event for event, _ in history[certificate.id]),
                ),
            )
        )
    return pages


@dataclass(frozen=True)
class AuditView:
    """What the certificate shows of its latest published audit."""

    id: str
    findings: list[FindingPublic]
    counts: ResultCountsPublic
    due: date | None
    """When the next surveillance audit is due."""


def _public(
    certificate: Certificate,
    organisation: Organisation,
    version: SchemeVersion,
    scheme: Scheme,
    body: Body,
    basis: Assessment,
    auditor: Person,
    audit: AuditView,
    domains: list[CertificateDomain],
    history: list[tuple[CertificateEvent, Assessment | None]],
    now: datetime,
    *,
    replacing_signature: bool,
) -> CertificatePublic:
    status = effective_status(CertificateStatus(certificate.status), certificate.valid_until, now)
    reason = Reason.stored(certificate.status_reason, certificate.status_reason_en)
    changed_at = certificate.status_changed_at
    if status is CertificateStatus.EXPIRED and certificate.status != CertificateStatus.EXPIRED:
        reason, changed_at = EXPIRED, certificate.valid_until
    deadline = certificate.status_deadline if status is CertificateStatus.SUSPENDED else None
    return CertificatePublic(
        code=certificate.code,
        status=shown_status(status, replacing_signature),  # type: ignore[arg-type]
        status_reason=reason.nl,
        status_reason_nl=reason.nl,
        status_reason_en=reason.en,
        status_deadline=deadline,
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
            for d in domains
        ],
        findings=audit.findings,
        findings_audit=audit.id,
        counts=audit.counts,
        surveillance_due=audit.due,
        overdue=overdue(status, deadline, audit.due, now.date()),
        history=[
            HistoryItem(
                type=event.type,
                at=event.effective_at or event.at,
                recorded_at=event.at if event.effective_at else None,
                reason=event.reason,
                reason_nl=event.reason,
                reason_en=event.reason_en,
                assessment=assessment.public_id if assessment else None,
                assessment_type=assessment.type if assessment else None,
                log_index=event.log_index,
            )
            for event, assessment in history
        ],
        credential_kid=certificate.credential_kid,
        signature="being_replaced" if replacing_signature else "current",
    )


@dataclass(frozen=True)
class CertificateSnapshot:
    """A certificate as the public reads it, with its JSON bytes and their ETag made once:
    what a server keeps in memory between changes."""

    public: CertificatePublic
    json: bytes
    etag: str
    until: datetime | None
    """When the clock alone changes the status shown (expiry); None if it never will."""
    read_at: datetime | None = None
    """When the database last confirmed it: what is made from it (a page) is kept no
    longer than ``REGISTRY_CACHE_SECONDS`` after that (``Caches.confirmed_until``)."""
    check: CredentialCheck | None = None
    """The server's check of the credential, made when the certificate last changed."""
    credential_index: int | None = None
    """The log index of the entry that carries the current credential."""
    credential_sha256: str = ""

    @classmethod
    def of(
        cls,
        public: CertificatePublic,
        read_at: datetime | None = None,
        *,
        check: CredentialCheck | None = None,
        credential_index: int | None = None,
        credential_sha256: str = "",
    ) -> CertificateSnapshot:
        body = msgspec.json.encode(public)
        changes = public.status in (
            CertificateStatus.VALID,
            CertificateStatus.SUSPENDED,
            SIGNATURE_BEING_REPLACED,
        )
        until = public.valid_until if changes else None
        return cls(
            public,
            body,
            strong_etag(body),
            until,
            read_at,
            check,
            credential_index,
            credential_sha256,
        )


def certificate_by_code_public(session: Session, code: str, now: datetime) -> CertificatePublic:
    return certificate_public(session, certificate_by_code(session, code), now)


def _status_filter(status: str, now: datetime) -> ColumnElement[bool]:
    """SQL for a status shown (precedence: withdrawn, expired, suspended, signature being
    replaced, valid)."""
    stored, until = col(Certificate.status), col(Certificate.valid_until)
    if status == "withdrawn":
        return stored == "withdrawn"
    if status == "expired":
        return or_(stored == "expired", and_(stored.in_(("valid", "suspended")), until <= now))
    if status == "suspended":
        return and_(stored == status, until > now)
    if status == "valid":
        return and_(stored == status, until > now, not_(replacing_signature()))
    if status == SIGNATURE_BEING_REPLACED:
        return and_(stored == "valid", until > now, replacing_signature())
    raise InvalidInputError(
        f"unknown status {status!r}; use valid, suspended, withdrawn, expired or "
        f"{SIGNATURE_BEING_REPLACED}"
    )


_REGISTERED: Final = re.compile(r"([A-Za-z]{2}):(.+)")
_NUMBER: Final = re.compile(r"[0-9][0-9 .]*")


def _organisation_filter(session: Session, organisation: str) -> ColumnElement[bool]:
    """Certificates of the organisation named by registration number or by name.

    ``COUNTRY:NUMBER`` and a text of digits (with spaces or dots: a KvK number, which must
    then have 8 digits) are registration numbers; anything else is a name, matched as the
    site's search matches it: names starting with its words, then similar names.
    """
    text_ = organisation.strip()
    registered = _REGISTERED.fullmatch(text_)
    if registered or _NUMBER.fullmatch(text_):
        country, number = registered.groups() if registered else ("NL", text_)
        country = country.upper()
        number = normalise_registration_number(country, number)
        return col(Certificate.organisation_id).in_(
            select(Organisation.id).where(
                Organisation.country == country, Organisation.registration_number == number
            )
        )
    return col(Certificate.organisation_id).in_(organisations_named(session, text_))


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
    body_id: int | None = None,
    present: Callable[
        [Session, Sequence[Certificate], datetime], list[CertificatePublic]
    ] = certificates_public,
) -> Page[CertificatePublic]:
    """A page of certificates in issue order; ``next`` continues after the last one.
    ``body_id``: only the certificates that body issued (its portal). ``present`` makes
    their public views (the read rows, when the service has them)."""
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
        query = query.where(_organisation_filter(session, organisation))
    if body_id is not None:
        query = query.where(Certificate.body_id == body_id)
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
        items=present(session, rows, now),
        next=str(rows[-1].id) if more and rows else None,
    )


def credential_of(session: Session, code: str) -> str:
    """The stored compact JWS, byte for byte as signed."""
    return certificate_by_code(session, code).credential


def codes_of_organisation(session: Session, organisation_id: int) -> list[str]:
    """Codes of an organisation's certificates, newest first."""
    return list(
        session.exec(
            select(Certificate.code)
            .where(Certificate.organisation_id == organisation_id)
            .order_by(col(Certificate.id).desc())
        )
    )
