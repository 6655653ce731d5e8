"""Each certificate's read row: everything a public read of it needs (its JSON and ETag,
the facts its badge and page show, the inputs of its log proof, the server's check of
its credential), kept in ``certificate_read`` and rewritten in the transaction of every
change that alters it, so that a read that misses memory costs one key lookup.

The rows are kept in one place for every feature: the unit of work calls
``refresh_written`` before each commit, which finds the certificates concerned from
what the transaction wrote (rows written through the ORM, ``db/touched.py``, and the log
entries it appended) and computes their rows afresh with the same code that the list
uses. A feature added later that writes a certificate's rows, or a log entry naming its
code, gets its rows kept without knowing of them. Only the clock changes a row's meaning
without a write: expiry is applied when the row is read, from its stored instant.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import zlib
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, time, timedelta
from typing import Any, Final

import msgspec
from sqlalchemy import delete, insert
from sqlmodel import Session, col, select

from registry.certificates import queries
from registry.certificates.audits import overdue
from registry.certificates.credential_check import CredentialCheck, check_credential
from registry.certificates.queries import CertificateSnapshot
from registry.certificates.schemas import CertificatePublic
from registry.certificates.store import EXPIRED
from registry.db.status_sql import CREDENTIAL_EVENTS
from registry.db.tables import (
    Accreditation,
    Assessment,
    Certificate,
    CertificateRead,
    SchemeVersion,
)
from registry.db.touched import forget, touched
from registry.domain.status import SIGNATURE_BEING_REPLACED, CertificateStatus
from registry.edge.http import strong_etag
from registry.signing import KeyRecord, format_time, parse_jwks, parse_time
from registry.transparency import journal
from registry.transparency import keys as key_store

BATCH: Final = 500
# Shown statuses that the clock alone turns into "expired" at ``valid_until``.
_CLOCK_ENDS: Final = frozenset(
    {CertificateStatus.VALID.value, CertificateStatus.SUSPENDED.value, SIGNATURE_BEING_REPLACED}
)
# Reference rows a certificate's view shows: a change to these columns (not the row's
# creation, which concerns no existing certificate) rewrites the rows of its certificates.
_SHOWN: Final = {
    "organisation": frozenset({"legal_name", "country", "registration_number"}),
    "body": frozenset({"slug", "name"}),
    "scheme": frozenset({"slug", "name_nl", "name_en"}),
    "person": frozenset({"pseudonym"}),
    "signing_key": frozenset({"status", "compromised_at"}),
}


def refresh_written(session: Session, now: datetime) -> int:
    """Rewrite the read row of every certificate this transaction's writes concern.
    Returns how many were rewritten."""
    ids = certificates_written(session)
    forget(session)
    session.info.pop(journal.APPENDED_ENTRIES, None)
    refresh(session, ids, now)
    return len(ids)


def certificates_written(session: Session) -> set[int]:
    """The ids of the certificates whose public view the transaction may have changed."""
    ids: set[int] = set()
    wanted: dict[str, set[Any]] = {
        "organisation": set(),
        "body": set(),
        "scheme": set(),
        "person": set(),
        "signing_key": set(),
        "accreditation": set(),
        "assessment": set(),
        "code": set(),
    }
    for written in touched(session):
        row, table = written.row, written.table
        if table == "certificate":
            ids.add(row.id)
        elif table == CertificateRead.__tablename__:
            continue
        elif table in _SHOWN:
            if written.how == "deleted" or written.changed & _SHOWN[table]:
                wanted[table].add(row.kid if table == "signing_key" else row.id)
        elif table == "accreditation":
            wanted["body"].add(row.body_id)
        elif table == "accreditation_scheme":
            wanted["accreditation"].add(row.accreditation_id)
        elif table == "finding":
            wanted["assessment"].add(row.assessment_id)
        elif isinstance(getattr(row, "certificate_id", None), int):
            # Any row of a certificate (domains, history, assessments, and whatever a
            # later feature keeps per certificate).
            ids.add(row.certificate_id)
    for entry in session.info.get(journal.APPENDED_ENTRIES, ()):
        try:
            document = json.loads(entry)
        except ValueError:
            continue
        data = document.get("data") if isinstance(document, dict) else None
        if isinstance(data, dict) and isinstance(data.get("code"), str):
            wanted["code"].add(data["code"])
    return ids | _resolve(session, wanted)


def _resolve(session: Session, wanted: dict[str, set[Any]]) -> set[int]:
    by: list[Any] = []
    if wanted["code"]:
        by.append(col(Certificate.code).in_(wanted["code"]))
    if wanted["organisation"]:
        by.append(col(Certificate.organisation_id).in_(wanted["organisation"]))
    if wanted["accreditation"]:
        wanted["body"] |= set(
            session.exec(
                select(Accreditation.body_id).where(
                    col(Accreditation.id).in_(wanted["accreditation"])
                )
            ).all()
        )
    if wanted["body"]:
        by.append(col(Certificate.body_id).in_(wanted["body"]))
    if wanted["scheme"]:
        by.append(
            col(Certificate.scheme_version_id).in_(
                select(SchemeVersion.id).where(col(SchemeVersion.scheme_id).in_(wanted["scheme"]))
            )
        )
    if wanted["signing_key"]:
        by.append(col(Certificate.credential_kid).in_(wanted["signing_key"]))
    assessments = [
        col(Assessment.id).in_(wanted["assessment"]) if wanted["assessment"] else None,
        col(Assessment.auditor_id).in_(wanted["person"]) if wanted["person"] else None,
    ]
    found: set[int] = set()
    for condition in assessments:
        if condition is not None:
            found |= {
                i
                for i in session.exec(select(Assessment.certificate_id).where(condition)).all()
                if i is not None
            }
    for condition in by:
        found |= set(session.exec(select(Certificate.id).where(condition)).all())  # type: ignore[arg-type]
    return found


def refresh(session: Session, certificate_ids: Iterable[int], now: datetime) -> None:
    """Compute the read rows of ``certificate_ids`` afresh and store them."""
    keys: list[KeyRecord] | None = None
    for chunk in _chunks(sorted(set(certificate_ids)), BATCH):
        if keys is None:
            keys = parse_jwks(key_store.jwks(session))
        certificates = list(session.exec(select(Certificate).where(col(Certificate.id).in_(chunk))))
        rows = [
            row_values(certificate, public, keys, now)
            for certificate, public in zip(
                certificates, queries.certificates_public(session, certificates, now), strict=True
            )
        ]
        session.execute(
            delete(CertificateRead).where(col(CertificateRead.certificate_id).in_(chunk))
        )
        if rows:
            session.execute(insert(CertificateRead), rows)


def row_values(
    certificate: Certificate, public: CertificatePublic, keys: list[KeyRecord], now: datetime
) -> dict[str, Any]:
    """The read row of ``certificate`` whose view is ``public`` (columns as a mapping)."""
    carried = [h for h in public.history if h.type in CREDENTIAL_EVENTS]
    latest = carried[-1] if carried else None
    # The log entry's time, as the entry says it (whole seconds): what a verifier compares.
    logged_at = parse_time(format_time(latest.at)) if latest is not None else None
    body = msgspec.json.encode(public)
    token = certificate.credential
    return {
        "code": certificate.code,
        "certificate_id": certificate.id,
        "public": zlib.compress(body, 6),
        "etag": strong_etag(body),
        "status": public.status,
        "valid_until": certificate.valid_until,
        "credential_index": latest.log_index if latest is not None else None,
        "credential_sha256": hashlib.sha256(token.encode("ascii")).hexdigest(),
        "checked": check_credential(token, keys, logged_at, public).to_json(),
        "written_at": now,
    }


def rebuild_batch(
    session: Session, now: datetime, after: int, *, missing_only: bool = True
) -> list[int]:
    """Write the read rows of the next ``BATCH`` certificates after id ``after`` (only
    those without one, by default). Returns their ids, in order (none: done)."""
    query = select(Certificate.id).where(col(Certificate.id) > after)
    if missing_only:
        query = query.where(col(Certificate.id).not_in(select(CertificateRead.certificate_id)))
    ids = [i for i in session.exec(query.order_by(col(Certificate.id)).limit(BATCH)).all() if i]
    refresh(session, ids, now)
    return ids


def read_row(session: Session, code: str) -> CertificateRead | None:
    return session.get(CertificateRead, code)


def snapshot(row: CertificateRead, now: datetime, read_at: datetime) -> CertificateSnapshot:
    """The certificate as the public reads it at ``now``, from its read row: the stored
    JSON as it is, unless the clock alone has changed what it shows since (its validity
    ended, or a suspension deadline or surveillance date passed)."""
    body = zlib.decompress(row.public)
    public = msgspec.json.decode(body, type=CertificatePublic)
    check = CredentialCheck.from_json(row.checked)
    shown = _as_of(public, row, now)
    until = _next_change(shown, row, now)
    if shown is not public:
        made = CertificateSnapshot.of(
            shown,
            read_at=read_at,
            check=check,
            credential_index=row.credential_index,
            credential_sha256=row.credential_sha256,
        )
        return dataclasses.replace(made, until=until)
    return CertificateSnapshot(
        public,
        body,
        row.etag,
        until,
        read_at,
        check,
        row.credential_index,
        row.credential_sha256,
    )


def _as_of(public: CertificatePublic, row: CertificateRead, now: datetime) -> CertificatePublic:
    """``public`` with what the clock alone changed since the row was written; the same
    object when nothing did."""
    shown = public
    if row.status in _CLOCK_ENDS and now >= row.valid_until:
        shown = msgspec.structs.replace(
            shown,
            status=CertificateStatus.EXPIRED.value,
            status_reason=EXPIRED.nl,
            status_reason_nl=EXPIRED.nl,
            status_reason_en=EXPIRED.en,
            status_changed_at=row.valid_until,
        )
    passed = overdue(shown.status, shown.status_deadline, shown.surveillance_due, now.date())
    if passed != shown.overdue:
        shown = msgspec.structs.replace(shown, overdue=passed)
    return shown


def _next_change(shown: CertificatePublic, row: CertificateRead, now: datetime) -> datetime | None:
    """The next moment the clock alone changes what ``shown`` says: its expiry, or the
    first day after a suspension deadline or a surveillance date (``audits.overdue``)."""
    if row.status not in _CLOCK_ENDS or now >= row.valid_until:
        return None
    moments = [row.valid_until]
    dates = [shown.surveillance_due]
    if shown.status == CertificateStatus.SUSPENDED.value:
        dates.append(shown.status_deadline)
    for day in dates:
        if day is not None:
            start = datetime.combine(day + timedelta(days=1), time(), tzinfo=UTC)
            if start > now:
                moments.append(start)
    return min(moments)


def snapshots_by_id(
    session: Session, ids: list[int], now: datetime
) -> dict[int, CertificateSnapshot]:
    """The read rows' views of the certificates ``ids`` that have a row, by id."""
    rows = session.exec(
        select(CertificateRead).where(col(CertificateRead.certificate_id).in_(ids))
    ).all()
    return {row.certificate_id: snapshot(row, now, now) for row in rows}


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
