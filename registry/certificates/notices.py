"""Telling a body that a date passed: a suspension's deadline, or a surveillance audit
that is overdue.

Nothing changes by itself when such a date passes: the certificate page says so, and the
body's admins get one e-mail per certificate, kind and date. The ``certificate_notice``
row is written in the transaction that finds the notice due, so that several sweeping
processes send each notice once; the e-mail goes out after that commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from registry.db.identity_tables import Membership
from registry.db.tables import (
    Assessment,
    Body,
    Certificate,
    CertificateNotice,
    Organisation,
    Person,
    Scheme,
    SchemeVersion,
    pk,
)
from registry.domain.validity import add_months
from registry.domain.vocabulary import Role

SUSPENSION_DEADLINE = "suspension_deadline"
SURVEILLANCE = "surveillance"


@dataclass(frozen=True)
class Notice:
    """One e-mail to send: to each address, about one certificate."""

    to: tuple[str, ...]
    subject: str
    body: str


def due_notices(session: Session, now: datetime, public_url: str) -> list[Notice]:
    """Record, and return, the notices due now and not yet sent."""
    today = now.date()
    live = (
        select(Certificate)
        .where(
            col(Certificate.status).in_(("valid", "suspended")),
            col(Certificate.valid_until) > now,
        )
        .order_by(col(Certificate.id))
    )
    found: list[tuple[Certificate, str, date]] = []
    for certificate in session.exec(
        live.where(
            Certificate.status == "suspended",
            col(Certificate.status_deadline).is_not(None),
            col(Certificate.status_deadline) < today,
        )
    ):
        assert certificate.status_deadline is not None
        found.append((certificate, SUSPENSION_DEADLINE, certificate.status_deadline))
    last_audit = (
        select(Assessment.certificate_id, func.max(Assessment.audit_end))
        .where(Assessment.status == "certified", col(Assessment.certificate_id).is_not(None))
        .group_by(col(Assessment.certificate_id))
    )
    last = {certificate_id: day for certificate_id, day in session.exec(last_audit)}
    intervals = {
        version_id: months
        for version_id, months in session.exec(
            select(SchemeVersion.id, Scheme.surveillance_interval_months).join(
                Scheme,
                col(Scheme.id) == col(SchemeVersion.scheme_id),
            )
        )
    }
    for certificate in session.exec(live):
        audited = last.get(certificate.id)
        if audited is None:
            continue
        due = add_months(audited, intervals[certificate.scheme_version_id])
        if due < today:
            found.append((certificate, SURVEILLANCE, due))
    notices: list[Notice] = []
    for certificate, kind, due in found:
        key = (certificate.id, kind, due)
        if session.get(CertificateNotice, key) is not None:
            continue
        session.add(
            CertificateNotice(certificate_id=pk(certificate), kind=kind, due=due, sent_at=now)
        )
        to = admins_of(session, certificate.body_id)
        if to:
            notices.append(_notice(session, certificate, kind, due, to, public_url))
    session.flush()
    return notices


def admins_of(session: Session, body_id: int) -> tuple[str, ...]:
    """The addresses of the body's active admins (as the body or staff gave them when
    inviting: the invitation went there too)."""
    rows = session.exec(
        select(Person.email)
        .join(Membership, col(Membership.person_id) == col(Person.id))
        .where(
            Membership.body_id == body_id,
            Membership.role == Role.BODY_ADMIN.value,
            Membership.status == "active",
            col(Person.email).is_not(None),
        )
        .order_by(col(Person.email))
    ).all()
    return tuple(dict.fromkeys(e for e in rows if e))


def _notice(
    session: Session,
    certificate: Certificate,
    kind: str,
    due: date,
    to: Sequence[str],
    public_url: str,
) -> Notice:
    holder = session.get(Organisation, certificate.organisation_id)
    body = session.get(Body, certificate.body_id)
    assert holder is not None and body is not None
    page = f"{public_url}/c/{certificate.code}"
    if kind == SUSPENSION_DEADLINE:
        subject = (
            f"Termijn van schorsing verstreken / Suspension deadline passed: {certificate.code}"
        )
        text = (
            f"De termijn van de schorsing van certificaat {certificate.code} "
            f"({holder.legal_name}) is op {due.isoformat()} verstreken. Er verandert niets "
            "vanzelf: herstel of trek het certificaat in.\n\n"
            f"The deadline of the suspension of certificate {certificate.code} "
            f"({holder.legal_name}) passed on {due.isoformat()}. Nothing changes by itself: "
            "reinstate or withdraw the certificate.\n"
        )
    else:
        subject = f"Controle-audit te laat / Surveillance audit overdue: {certificate.code}"
        text = (
            f"Voor certificaat {certificate.code} ({holder.legal_name}) was uiterlijk "
            f"{due.isoformat()} een controle-audit nodig; er is er geen gepubliceerd.\n\n"
            f"A surveillance audit of certificate {certificate.code} ({holder.legal_name}) "
            f"was due by {due.isoformat()}; none has been published.\n"
        )
    return Notice(to=tuple(to), subject=subject, body=f"{text}\n{page}\n\n{body.name}\n")
