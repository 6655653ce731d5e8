"""Counts of badges shown on domains their certificate does not cover ("foreign embeds").

The badge counts such a showing per certificate, domain and day, nothing else: no
address, no page, no visitor. The holder sees its certificate's counts, the body those of
its certificates, and staff and bodies see them beside misuse reports of the same domain.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import func, literal
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from registry.bodies.store import body_by_slug
from registry.certificates.store import certificate_by_code
from registry.db.dialect import dialect_insert
from registry.db.tables import Body, Certificate, ForeignEmbed
from registry.domain.codes import normalise_code
from registry.domain.hosts import host_key
from registry.domain.vocabulary import Role
from registry.edge.schemas import Output
from registry.errors import PermissionDeniedError
from registry.identity.auth import Actor

MAX_ROWS = 1000
MAX_PENDING = 20_000  # distinct counters held in memory between two flushes, per process


class ForeignEmbedCount(Output, kw_only=True):
    certificate: str
    domain: str
    day: date
    count: int


class ForeignEmbedSummary(Output, kw_only=True):
    """A certificate's badge on one domain: how often, and over which days."""

    certificate: str
    domain: str
    total: int
    first_day: date
    last_day: date


class ForeignEmbedTally:
    """Showings counted in memory and written in batches, so that a badge on a foreign
    domain costs the badge request no database write. A crash loses at most the counts
    since the last flush: statistics, not records."""

    def __init__(self) -> None:
        self._counts: Counter[tuple[str, str, date]] = Counter()
        self._lock = threading.Lock()

    def add(self, certificate_code: str, domain: str, day: date) -> None:
        """Count one showing. Raises InvalidCodeError or InvalidDomainError for input that
        is not a code or a web domain (an IP address, for instance)."""
        key = (normalise_code(certificate_code), host_key(domain), day)
        with self._lock:
            if key in self._counts or len(self._counts) < MAX_PENDING:
                self._counts[key] += 1

    def take(self) -> Counter[tuple[str, str, date]]:
        """The counts so far, leaving the tally empty."""
        with self._lock:
            taken, self._counts = self._counts, Counter()
        return taken

    def __len__(self) -> int:
        return len(self._counts)


def record_foreign_embed(
    session: Session, certificate_code: str, domain: str, day: date, count: int = 1
) -> bool:
    """Count ``count`` showings of the certificate's badge on ``domain`` on ``day``.

    One statement (an INSERT ... SELECT with ON CONFLICT DO UPDATE). ``domain`` is keyed
    without a leading ``www.``, as domains match. Returns False when no certificate has
    the code. Raises InvalidCodeError or InvalidDomainError for input that is not a code
    or a web domain (an IP address, for instance).
    """
    code = normalise_code(certificate_code)
    key = host_key(domain)
    table = ForeignEmbed.__table__  # type: ignore[attr-defined]
    source = select(col(Certificate.id), literal(key), literal(day), literal(count)).where(
        Certificate.code == code
    )
    statement = (
        dialect_insert(session, table)
        .from_select(["certificate_id", "domain", "day", "count"], source)
        .on_conflict_do_update(
            index_elements=["certificate_id", "domain", "day"],
            set_={"count": table.c["count"] + count},
        )
        .returning(table.c["count"])  # rowcount is not reliable for INSERT ... SELECT
    )
    return session.execute(statement).first() is not None


def _counts(session: Session, query: Any) -> list[ForeignEmbedCount]:
    return [
        ForeignEmbedCount(certificate=code, domain=row.domain, day=row.day, count=row.count)
        for row, code in session.exec(query)
    ]


def _rows(since: date) -> Any:
    return (
        select(ForeignEmbed, Certificate.code)
        .join(Certificate, Certificate.id == ForeignEmbed.certificate_id)  # type: ignore[arg-type]
        .where(col(ForeignEmbed.day) >= since)
        .order_by(col(ForeignEmbed.day).desc(), col(Certificate.code), col(ForeignEmbed.domain))
        .limit(MAX_ROWS)
    )


def for_certificate(
    session: Session, actor: Actor, code: str, since: date
) -> list[ForeignEmbedCount]:
    """The holder's view: its certificate's counts from ``since``, newest day first."""
    actor.require(Role.HOLDER)
    certificate = certificate_by_code(session, code)
    if certificate.organisation_id != actor.organisation_id:
        raise PermissionDeniedError(
            f"certificate {certificate.code} belongs to another organisation"
        )
    return _counts(session, _rows(since).where(ForeignEmbed.certificate_id == certificate.id))


def for_body(session: Session, actor: Actor, slug: str, since: date) -> list[ForeignEmbedCount]:
    """A body's view (its admins, or staff): counts of all its certificates."""
    actor.require(Role.BODY_ADMIN, Role.STAFF)
    body: Body = body_by_slug(session, slug)
    if actor.role is Role.BODY_ADMIN and actor.body_id != body.id:
        raise PermissionDeniedError(f"you act for another body than {slug}")
    return _counts(session, _rows(since).where(Certificate.body_id == body.id))


def summaries(
    session: Session, domains: Iterable[str], body_id: int | None
) -> dict[str, list[ForeignEmbedSummary]]:
    """Per domain, each certificate's foreign showings on it (only ``body_id``'s
    certificates when given), most shown first. ``domains`` are keys as stored."""
    wanted = sorted(set(domains))
    found: dict[str, list[ForeignEmbedSummary]] = {d: [] for d in wanted}
    if not wanted:
        return found
    query = (
        sa_select(
            col(ForeignEmbed.domain),
            col(Certificate.code),
            func.sum(ForeignEmbed.count),
            func.min(ForeignEmbed.day),
            func.max(ForeignEmbed.day),
        )
        .join(Certificate, Certificate.id == ForeignEmbed.certificate_id)  # type: ignore[arg-type]
        .where(col(ForeignEmbed.domain).in_(wanted))
        .group_by(col(ForeignEmbed.domain), col(Certificate.code))
        .order_by(func.sum(ForeignEmbed.count).desc(), col(Certificate.code))
    )
    if body_id is not None:
        query = query.where(col(Certificate.body_id) == body_id)
    for domain, code, total, first, last in session.execute(query):
        found[domain].append(
            ForeignEmbedSummary(
                certificate=code, domain=domain, total=int(total), first_day=first, last_day=last
            )
        )
    return found
