"""Misuse reports: anyone may report a label seen on a site that may not hold it.

Reports hold personal data (an optional contact e-mail), so they live in the database
only and never enter the transparency log. The reporter's address is not stored: only an
HMAC of it under a random salt of the day, and the salts of past days are deleted, so a
stored hash can no longer be traced back to an address once its day is over. The same
hash keys a rate counter in the database, which every server process shares.

Kept whole (a little over 300 lines): the report, its rate limit and the daily salts are
one privacy design and read best together.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
import re
import secrets
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal, TypeVar

from msgspec import Meta
from sqlmodel import Session, col, delete, select

from registry.db.dialect import dialect_insert
from registry.db.tables import Body, Certificate, ClientRate, ClientSalt, MisuseReport, Person
from registry.domain.codes import normalise_code
from registry.domain.hosts import InvalidDomainError, host_key, normalise_domain
from registry.domain.vocabulary import Role
from registry.edge.schemas import Input, Output, Page
from registry.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    RateLimitedError,
)
from registry.identity.auth import Actor
from registry.misuse import foreign_embeds as badge_stats
from registry.misuse.foreign_embeds import ForeignEmbedSummary

T = TypeVar("T")

RATE_SCOPE = "misuse-report"
WINDOW = timedelta(hours=1)
MAX_SEEN = 2000
MAX_PAGE = 200
# RFC 5321 §4.5.3.1: 64 octets of local part, 254 for the whole path in practice.
_LOCAL_PART = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class MisuseReportCreate(Input, kw_only=True):
    site: Annotated[str, Meta(min_length=1, max_length=300)]
    certificate: Annotated[str, Meta(max_length=40)] | None = None
    seen: Annotated[str, Meta(min_length=1, max_length=MAX_SEEN)]
    contact_email: Annotated[str, Meta(max_length=254)] | None = None


class MisuseReportReceipt(Output, kw_only=True):
    id: str
    submitted_at: datetime


class MisuseHandled(Input, kw_only=True):
    note: Annotated[str, Meta(min_length=1, max_length=2000)]


class MisuseReportPublic(Output, kw_only=True):
    """A report as staff and the certificate's body see it, with the badge's foreign
    showings on the same domain beside it."""

    id: str
    site: str
    domain: str
    certificate: str | None
    certificate_known: bool
    body: str | None
    seen: str
    contact_email: str | None
    submitted_at: datetime
    handled_at: datetime | None
    handled_by: str | None
    handled_note: str | None
    foreign_embeds: list[ForeignEmbedSummary]


def normalise_email(text: str) -> str:
    """An e-mail address of a plausible shape, its domain IDNA-encoded and lowercased.

    Raises InvalidInputError naming what is wrong. Only the shape is checked: no mail is
    sent to find out whether the address exists.
    """
    local, at, domain = text.strip().rpartition("@")
    if not at or not local or not domain:
        raise InvalidInputError("not an e-mail address: it needs one @")
    if not _LOCAL_PART.fullmatch(local) or local.startswith(".") or local.endswith("."):
        raise InvalidInputError("the part before the @ is not one mail servers accept")
    try:
        host = normalise_domain(domain)
    except InvalidDomainError as error:
        raise InvalidInputError(f"no valid domain after the @: {error.detail}") from None
    address = f"{local}@{host}"
    if len(address) > 254:
        raise InvalidInputError("an e-mail address has at most 254 characters")
    return address


def client_key(address: str | None) -> str:
    """What identifies a client: its IPv4 address, or the /64 of an IPv6 one (a single
    host usually holds a whole /64)."""
    if not address:
        return "unknown"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:100]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def _salt_of(session: Session, day: date) -> bytes:
    """The day's salt, made by whichever process asks first; older days' are deleted."""
    session.execute(delete(ClientSalt).where(col(ClientSalt.day) < day))
    session.execute(
        dialect_insert(session, ClientSalt)
        .values(day=day, salt=secrets.token_bytes(32))
        .on_conflict_do_nothing(index_elements=["day"])
    )
    salt = session.exec(select(ClientSalt.salt).where(ClientSalt.day == day)).one()
    return bytes(salt)


def client_hash(session: Session, address: str | None, now: datetime) -> str:
    """HMAC-SHA256 of the client's key under the day's salt, in hex."""
    salt = _salt_of(session, now.date())
    return hmac.new(salt, client_key(address).encode("utf-8"), hashlib.sha256).hexdigest()


def count_request(session: Session, scope: str, hashed: str, limit: int, now: datetime) -> None:
    """Count one request of the client in the current hour; raises RateLimitedError
    (with the seconds until the hour ends) when that exceeds ``limit``.

    One upsert that returns the new count, so concurrent processes count exactly. When
    the caller's transaction rolls back, the request is not counted.
    """
    window = now.replace(minute=0, second=0, microsecond=0)
    session.execute(delete(ClientRate).where(col(ClientRate.window_start) < window - WINDOW))
    table = ClientRate.__table__  # type: ignore[attr-defined]
    statement = (
        dialect_insert(session, table)
        .values(scope=scope, client_hash=hashed, window_start=window, count=1)
        .on_conflict_do_update(
            index_elements=["scope", "client_hash", "window_start"],
            set_={"count": table.c["count"] + 1},
        )
        .returning(table.c["count"])
    )
    count = int(session.execute(statement).scalar_one())
    if count > limit:
        retry_after = max(1, math.ceil((window + WINDOW - now).total_seconds()))
        raise RateLimitedError(
            f"at most {limit} reports an hour from one address; try again in {retry_after} s",
            retry_after,
        )


def _field(name: str, parse: Callable[[str], T], value: str) -> T:
    """``parse(value)``, its refusal naming the field it came from."""
    try:
        return parse(value)
    except InvalidInputError as error:
        raise type(error)(f"{name}: {error.detail}", rule=error.rule) from None


def submit(
    session: Session,
    data: MisuseReportCreate,
    client_address: str | None,
    limit: int,
    now: datetime,
) -> MisuseReportReceipt:
    """Store a report from anyone, at most ``limit`` an hour per client.

    Raises InvalidInputError (or its domain and code kinds) naming the field that is
    wrong, and RateLimitedError. A well-formed code that no certificate has is kept: a
    made-up code on a badge is itself misuse worth reporting.
    """
    site = data.site.strip()
    domain = _field("site", host_key, site)
    seen = data.seen.strip()
    if not seen:
        raise InvalidInputError("seen: describe what you saw on the site")
    if _CONTROL.search(seen):
        raise InvalidInputError("seen: control characters are not accepted")
    wanted = (data.certificate or "").strip()
    code = _field("certificate", normalise_code, wanted) if wanted else None
    email = (
        _field("contact_email", normalise_email, data.contact_email) if data.contact_email else None
    )
    hashed = client_hash(session, client_address, now)
    count_request(session, RATE_SCOPE, hashed, limit, now)
    certificate = (
        session.exec(select(Certificate).where(Certificate.code == code)).first() if code else None
    )
    report = MisuseReport(
        public_id="mr_" + secrets.token_hex(8),
        site=site,
        domain=domain,
        certificate_code=code,
        certificate_id=certificate.id if certificate else None,
        body_id=certificate.body_id if certificate else None,
        seen=seen,
        contact_email=email,
        client_hash=hashed,
        submitted_at=now,
    )
    session.add(report)
    session.flush()
    return MisuseReportReceipt(id=report.public_id, submitted_at=now)


def _reader(actor: Actor) -> int | None:
    """The body whose reports the actor may see; None for staff (all of them)."""
    actor.require(Role.STAFF, Role.BODY_ADMIN)
    return actor.body_id if actor.role is Role.BODY_ADMIN else None


def _query(body_id: int | None) -> Any:
    query = (
        select(MisuseReport, Body.slug, Person.pseudonym)
        .outerjoin(Body, Body.id == MisuseReport.body_id)  # type: ignore[arg-type]
        .outerjoin(Person, Person.id == MisuseReport.handled_by_id)  # type: ignore[arg-type]
    )
    if body_id is not None:
        query = query.where(MisuseReport.body_id == body_id)
    return query


def _public(
    report: MisuseReport,
    body: str | None,
    handled_by: str | None,
    embeds: dict[str, list[ForeignEmbedSummary]],
) -> MisuseReportPublic:
    return MisuseReportPublic(
        id=report.public_id,
        site=report.site,
        domain=report.domain,
        certificate=report.certificate_code,
        certificate_known=report.certificate_id is not None,
        body=body,
        seen=report.seen,
        contact_email=report.contact_email,
        submitted_at=report.submitted_at,
        handled_at=report.handled_at,
        handled_by=handled_by,
        handled_note=report.handled_note,
        foreign_embeds=embeds.get(report.domain, []),
    )


def list_reports(
    session: Session,
    actor: Actor,
    status: Literal["open", "handled", "all"],
    limit: int,
    cursor: str | None,
) -> Page[MisuseReportPublic]:
    """Reports newest first: every one for staff, its certificates' for a body admin."""
    body_id = _reader(actor)
    limit = max(1, min(limit, MAX_PAGE))
    query = _query(body_id).order_by(col(MisuseReport.id).desc()).limit(limit + 1)
    if status == "open":
        query = query.where(col(MisuseReport.handled_at).is_(None))
    elif status == "handled":
        query = query.where(col(MisuseReport.handled_at).is_not(None))
    if cursor is not None:
        if not cursor.isdigit() or len(cursor) > 18:
            raise InvalidInputError("cursor is not one this API gave out")
        query = query.where(col(MisuseReport.id) < int(cursor))
    found = list(session.exec(query))
    page = found[:limit]
    embeds = badge_stats.summaries(session, (r.domain for r, _, _ in page), body_id)
    items = [_public(report, body, by, embeds) for report, body, by in page]
    last = page[-1][0].id if page else None
    return Page(items=items, next=str(last) if len(found) > limit else None)


def mark_handled(
    session: Session, actor: Actor, report_id: str, note: str, now: datetime
) -> MisuseReportPublic:
    """Close a report with a note; another body's report is reported as missing."""
    body_id = _reader(actor)
    found = session.exec(_query(body_id).where(MisuseReport.public_id == report_id)).first()
    if found is None:
        raise NotFoundError(f"no misuse report {report_id}")
    report, body, _ = found
    if report.handled_at is not None:
        raise ConflictError(f"misuse report {report_id} was already handled")
    report.handled_at = now
    report.handled_by_id = actor.person_id
    report.handled_note = note.strip()
    session.add(report)
    session.flush()
    embeds = badge_stats.summaries(session, [report.domain], body_id)
    return _public(report, body, actor.pseudonym, embeds)


class HolderReportPublic(Output, kw_only=True):
    """A report about one of the holder's certificates, as its holder sees it: what was
    seen where, and whether it was handled; never who reported it."""

    id: str
    site: str
    domain: str
    certificate: str
    seen: str
    submitted_at: datetime
    handled: bool


def holder_reports(session: Session, actor: Actor, limit: int = 100) -> list[HolderReportPublic]:
    """Reports naming the holder's certificates, newest first."""
    actor.require(Role.HOLDER)
    rows = session.exec(
        select(MisuseReport, Certificate.code)
        .join(Certificate, Certificate.id == MisuseReport.certificate_id)  # type: ignore[arg-type]
        .where(Certificate.organisation_id == actor.organisation_id)
        .order_by(col(MisuseReport.id).desc())
        .limit(max(1, min(limit, MAX_PAGE)))
    ).all()
    return [
        HolderReportPublic(
            id=report.public_id,
            site=report.site,
            domain=report.domain,
            certificate=code,
            seen=report.seen,
            submitted_at=report.submitted_at,
            handled=report.handled_at is not None,
        )
        for report, code in rows
    ]
