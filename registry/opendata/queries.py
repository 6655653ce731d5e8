"""The SQL of the open-data exports: every certificate, page by page, in a few queries.

The export walks the certificates in id order by keyset pages (``id > last``), so each
page is one bounded query whatever the registry's size, and a page's holders, schemes,
domains and findings are read with one query each for the whole page: a page of 500
costs six queries, where reading each certificate as the API does would cost thousands.
Nothing of a page outlives it, so memory stays flat from 10 to 10^6 certificates.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import func
from sqlmodel import Session, col, select

from registry.db.status_sql import replacing_signature
from registry.db.tables import (
    Assessment,
    Body,
    Certificate,
    CertificateDomain,
    Criterion,
    Finding,
    Organisation,
    Scheme,
    SchemeVersion,
)
from registry.domain.status import CertificateStatus, effective_status, shown_status
from registry.opendata.schemas import (
    ExportBody,
    ExportCertificate,
    ExportFinding,
    ExportHolder,
    ExportScheme,
)

PAGE_SIZE = 500


def count_certificates(session: Session) -> int:
    return int(session.exec(select(func.count()).select_from(Certificate)).one())


def certificate_pages(
    session: Session, now: datetime, page_size: int | None = None
) -> Iterator[list[ExportCertificate]]:
    """Every certificate as exported, in pages of at most ``page_size``, in issue order.

    Run inside one read transaction for a consistent picture (the caller's choice)."""
    page_size = page_size or PAGE_SIZE
    after = 0
    criteria: dict[int, list[Criterion]] = {}  # per scheme version: few, reused by every page
    while True:
        rows = session.execute(
            sa.select(Certificate, Organisation, SchemeVersion, Scheme, Body, replacing_signature())
            .join(Organisation, col(Organisation.id) == col(Certificate.organisation_id))
            .join(SchemeVersion, col(SchemeVersion.id) == col(Certificate.scheme_version_id))
            .join(Scheme, col(Scheme.id) == col(SchemeVersion.scheme_id))
            .join(Body, col(Body.id) == col(Certificate.body_id))
            .where(col(Certificate.id) > after)
            .order_by(col(Certificate.id))
            .limit(page_size)
        ).all()
        if not rows:
            return
        ids = [c.id for c, *_ in rows if c.id is not None]
        domains = _domains(session, ids)
        findings = _findings(session, ids)
        for version_id in {c.scheme_version_id for c, *_ in rows} - criteria.keys():
            criteria[version_id] = list(
                session.exec(
                    select(Criterion)
                    .where(Criterion.version_id == version_id)
                    .order_by(col(Criterion.position))
                )
            )
        yield [
            _export(
                c,
                o,
                v,
                s,
                b,
                domains.get(c.id or 0, []),
                findings.get(c.id or 0, {}),
                criteria,
                now,
                replacing,
            )
            for c, o, v, s, b, replacing in rows
        ]
        after = ids[-1]


def _domains(session: Session, ids: Sequence[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for certificate_id, domain in session.exec(
        select(CertificateDomain.certificate_id, CertificateDomain.domain)
        .where(
            col(CertificateDomain.certificate_id).in_(ids),
            col(CertificateDomain.removed_at).is_(None),
        )
        .order_by(col(CertificateDomain.certificate_id), col(CertificateDomain.domain))
    ):
        found.setdefault(certificate_id, []).append(domain)
    return found


def _findings(session: Session, ids: Sequence[int]) -> dict[int, dict[str, tuple[str, int]]]:
    """Per certificate, ``criterion -> (result, number of evidence digests)`` of the
    assessment its credential rests on: the newest certified initial or recertification."""
    basis = (
        select(func.max(Assessment.id))
        .where(
            col(Assessment.certificate_id).in_(ids),
            col(Assessment.type).in_(("initial", "recertification")),
            Assessment.status == "certified",
        )
        .group_by(col(Assessment.certificate_id))
    )
    found: dict[int, dict[str, tuple[str, int]]] = {}
    for certificate_id, code, result, digests in session.exec(
        select(
            Assessment.certificate_id,
            Finding.criterion_code,
            Finding.result,
            Finding.evidence_digests,
        )
        .join(Assessment, col(Assessment.id) == col(Finding.assessment_id))
        .where(col(Assessment.id).in_(basis))
    ):
        if certificate_id is not None:
            found.setdefault(certificate_id, {})[code] = (result, len(json.loads(digests)))
    return found


def _export(
    certificate: Certificate,
    organisation: Organisation,
    version: SchemeVersion,
    scheme: Scheme,
    body: Body,
    domains: list[str],
    findings: dict[str, tuple[str, int]],
    criteria: dict[int, list[Criterion]],
    now: datetime,
    replacing: bool = False,
) -> ExportCertificate:
    status = effective_status(CertificateStatus(certificate.status), certificate.valid_until, now)
    return ExportCertificate(
        code=certificate.code,
        status=shown_status(status, replacing),
        status_changed_at=certificate.status_changed_at
        if status.value == certificate.status
        else certificate.valid_until,
        holder=ExportHolder(
            legal_name=organisation.legal_name,
            country=organisation.country,
            registration_number=organisation.registration_number,
        ),
        scheme=ExportScheme(slug=scheme.slug, name_en=scheme.name_en, version=version.number),
        body=ExportBody(slug=body.slug, name=body.name),
        valid_from=certificate.valid_from,
        valid_until=certificate.valid_until,
        issued_at=certificate.issued_at,
        domains=domains,
        findings=[
            ExportFinding(
                criterion=c.code,
                title_en=c.title_en,
                dimension=c.dimension,
                method=c.method,
                mandatory=c.mandatory,
                result=findings[c.code][0],
                evidence_count=findings[c.code][1],
            )
            for c in criteria[version.id or 0]
            if c.code in findings
        ],
    )
