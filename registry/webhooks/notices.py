"""Status changes by e-mail: the alternative to webhooks for holders without a receiver.

A holder contact opts in for their organisation (``status_mail``). A status change queues
one notice per such contact in the change's own transaction (``mail_outbox``), beside the
webhook messages; the server's mail task sends them after the commit through the
registry's mail code and deletes each once sent, or after ``MAX_ATTEMPTS``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final

from sqlmodel import Session, col, delete, select

from registry.db.identity_tables import Membership
from registry.db.tables import Certificate, MailOutbox, Person, StatusMail
from registry.domain.vocabulary import Role
from registry.identity.auth import Actor

MAX_ATTEMPTS: Final = 5
RETRY: Final = timedelta(minutes=5)
WHAT: Final = {
    "certificate.issued": ("is uitgegeven", "was issued"),
    "certificate.renewed": ("is verlengd", "was renewed"),
    "certificate.suspended": ("is geschorst", "was suspended"),
    "certificate.reinstated": ("is hersteld", "was reinstated"),
    "certificate.withdrawn": ("is ingetrokken", "was withdrawn"),
    "certificate.expired": ("is verlopen", "has expired"),
    "certificate.domain_lapsed": (
        "geldt niet meer voor een webdomein: de controle ervan slaagde niet meer",
        "no longer holds for a web domain: its check no longer passes",
    ),
}


def _organisation_of(actor: Actor) -> int:
    actor.require(Role.HOLDER)
    assert actor.organisation_id is not None, "a holder acts for an organisation"
    return actor.organisation_id


def subscribed(session: Session, actor: Actor) -> bool:
    key = (actor.person_id, _organisation_of(actor))
    return session.get(StatusMail, key) is not None


def subscribe(session: Session, actor: Actor, wanted: bool, now: datetime) -> None:
    """Start or stop e-mail at status changes for the actor, for their organisation."""
    row = session.get(StatusMail, (actor.person_id, _organisation_of(actor)))
    if wanted and row is None:
        session.add(
            StatusMail(
                person_id=actor.person_id, organisation_id=_organisation_of(actor), since=now
            )
        )
    elif not wanted and row is not None:
        session.delete(row)
    session.flush()


def enqueue(
    session: Session,
    certificate: Certificate,
    event_type: str,
    at: datetime,
    reason: str,
    domain: str | None,
) -> int:
    """Queue the notice of a status change for each opted-in, active holder contact of
    the certificate's organisation; the number queued."""
    if event_type not in WHAT:
        return 0
    addresses = session.exec(
        select(Person.email)
        .join(StatusMail, StatusMail.person_id == Person.id)  # type: ignore[arg-type]
        .join(Membership, Membership.person_id == Person.id)  # type: ignore[arg-type]
        .where(
            StatusMail.organisation_id == certificate.organisation_id,
            Membership.organisation_id == certificate.organisation_id,
            Membership.role == Role.HOLDER.value,
            Membership.status == "active",
        )
    ).all()
    nl, en = WHAT[event_type]
    where = f" ({domain})" if domain else ""
    body = (
        f"Certificaat {certificate.code} {nl}{where}.\n"
        + (f"Reden: {reason}\n" if reason else "")
        + f"\nCertificate {certificate.code} {en}{where}.\n"
        + (f"Reason: {reason}\n" if reason else "")
    )
    subject = f"Keurmerkenregister / trust label registry: {certificate.code}"
    found = sorted({a for a in addresses if a})
    for address in found:
        session.add(
            MailOutbox(to=address, subject=subject, body=body, created_at=at, next_attempt_at=at)
        )
    session.flush()
    return len(found)


def any_due(session: Session, now: datetime) -> bool:
    return (
        session.exec(select(MailOutbox.id).where(MailOutbox.next_attempt_at <= now)).first()
        is not None
    )


def claim_due(session: Session, now: datetime, limit: int) -> list[tuple[int, str, str, str]]:
    """``(id, to, subject, body)`` of due notices, leased for ``RETRY``."""
    rows = session.exec(
        select(MailOutbox)
        .where(MailOutbox.next_attempt_at <= now)
        .order_by(col(MailOutbox.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    for row in rows:
        row.next_attempt_at = now + RETRY
        session.add(row)
    session.flush()
    return [(row.id or 0, row.to, row.subject, row.body) for row in rows]


def record(session: Session, notice_id: int, sent: bool) -> None:
    """A sent notice goes; a failed one is tried again after ``RETRY``, at most
    ``MAX_ATTEMPTS`` times."""
    row = session.get(MailOutbox, notice_id)
    if row is None:
        return
    row.attempts += 1
    if sent or row.attempts >= MAX_ATTEMPTS:
        session.exec(delete(MailOutbox).where(col(MailOutbox.id) == notice_id))
    else:
        session.add(row)
    session.flush()
