"""Status lists: each certificate's index, its bits, and the signed lists as served.

W3C Bitstring Status List v1.0. There is one list per purpose, ``revocation`` (set by a
withdrawal, never cleared) and ``suspension`` (set by a suspension, cleared by a
reinstatement or a renewal), each of 131,072 entries, published at
``<issuer>/status/<n>/<purpose>``. A certificate draws one random index at its first
credential, used in both lists of its number and kept across renewals and reissues; an
index is never drawn twice. A new number opens when the current one is half used, so a
random draw finds a free index in two tries on average. Expiry is not a list matter:
the credential's ``validUntil`` says it.

A list is re-signed in the transaction that changes one of its bits, so the very next
request reads the new list; what is served is the stored signed text, byte for byte.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import insert
from sqlmodel import Session, col, func, select

from registry.db.status_tables import StatusEntry, StatusListCredential
from registry.db.tables import Certificate, RegistryMeta
from registry.discovery.context import VC_CONTEXT, context_url
from registry.domain.bitstring import LIST_SIZE, encode
from registry.domain.status import Transition
from registry.errors import NotFoundError
from registry.signing import Signer, format_time, sign_credential, stored_kid

PURPOSES: Final = ("revocation", "suspension")
MEDIA_TYPE: Final = "application/vc+jwt"  # VC-JOSE-COSE §6.1
_ALLOCATION = "status_allocation"  # session.info: this transaction's _Allocation
FLOOR_KEY = "status_list_floor"  # registry_meta: the first list number a draw may use


@dataclass(frozen=True)
class ListSigner:
    """Who signs the lists, as which issuer (the same key and form as the certificates)."""

    signer: Signer
    issuer: str


def list_url(issuer: str, number: int, purpose: str) -> str:
    return f"{issuer}/status/{number}/{purpose}"


def credential_status(issuer: str, number: int, index: int) -> list[dict[str, Any]]:
    """The credential's two ``BitstringStatusListEntry`` objects (§2.1)."""
    return [
        {
            "id": f"{list_url(issuer, number, purpose)}#{index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": purpose,
            "statusListIndex": str(index),
            "statusListCredential": list_url(issuer, number, purpose),
        }
        for purpose in PURPOSES
    ]


class _Allocation:
    """The open list and its taken indexes, read once per transaction: the transaction
    holds the log's writer slot, so nobody else allocates meanwhile."""

    def __init__(self, session: Session) -> None:
        last = session.exec(select(func.max(StatusEntry.list_number))).one()
        # After a log continued from a restore, lists before the floor may hold indexes
        # handed out after the backup: new draws start at the floor, a list of its own.
        floor = session.get(RegistryMeta, FLOOR_KEY)
        self.number = max(int(last or 1), int(floor.value) if floor is not None else 1)
        self.taken = set(self._taken(session, self.number))
        self.opened = last is None or self.number > int(last)

    @staticmethod
    def _taken(session: Session, number: int) -> Iterable[int]:
        return session.exec(
            select(StatusEntry.list_index).where(StatusEntry.list_number == number)
        ).all()

    def draw(self) -> tuple[int, int, bool]:
        """A fresh (number, index), and whether that number is new."""
        opened, self.opened = self.opened, False
        if len(self.taken) >= LIST_SIZE // 2:
            self.number += 1
            self.taken = set()
            opened = True
        while True:
            index = secrets.randbelow(LIST_SIZE)
            if index not in self.taken:
                self.taken.add(index)
                return self.number, index, opened


def status_of(issuer: str, entry: StatusEntry) -> list[dict[str, Any]]:
    return credential_status(issuer, entry.list_number, entry.list_index)


def entry_of(session: Session, certificate: Certificate) -> StatusEntry | None:
    return session.get(StatusEntry, certificate.id)


def ensure_entry(
    session: Session, lists: ListSigner, certificate: Certificate, now: datetime
) -> StatusEntry:
    """The certificate's entry, drawn now if it has none. A certificate that is already
    withdrawn or suspended gets its bit set (an installation from before the lists)."""
    found = entry_of(session, certificate)
    if found is not None:
        return found
    assert certificate.id is not None, "certificate must be flushed before its status entry"
    number, index = draw_index(session, lists, now)
    entry = StatusEntry(
        certificate_id=certificate.id,
        list_number=number,
        list_index=index,
        revoked=certificate.status == "withdrawn",
        suspended=certificate.status == "suspended",
    )
    session.add(entry)
    session.flush()
    if entry.revoked or entry.suspended:
        sign_list(session, lists, number, "revocation" if entry.revoked else "suspension", now)
    return entry


def draw_index(session: Session, lists: ListSigner, now: datetime) -> tuple[int, int]:
    """A fresh (list number, index) for a certificate; a list opened by the draw is
    signed at once (all zeros), so every index handed out points at a published list."""
    allocation = session.info.get(_ALLOCATION)
    if allocation is None:
        allocation = session.info[_ALLOCATION] = _Allocation(session)
    number, index, opened = allocation.draw()
    if opened:
        for purpose in PURPOSES:
            sign_list(session, lists, number, purpose, now)
    return number, index


def add_entries(session: Session, entries: Iterable[tuple[int, int, int]]) -> None:
    """Store ``(certificate id, number, index)`` drawn for new, valid certificates, in one
    insert (the batch path issues thousands at a time)."""
    rows = [
        {
            "certificate_id": c,
            "list_number": n,
            "list_index": i,
            "revoked": False,
            "suspended": False,
        }
        for c, n, i in entries
    ]
    if rows:
        session.execute(insert(StatusEntry), rows)


def certificates_without_entry(session: Session, limit: int) -> list[Certificate]:
    """Certificates whose credential predates the status lists, oldest first."""
    return list(
        session.exec(
            select(Certificate)
            .where(
                ~select(StatusEntry).where(StatusEntry.certificate_id == Certificate.id).exists()
            )
            .order_by(col(Certificate.id))
            .limit(limit)
        ).all()
    )


def apply_transition(
    session: Session,
    lists: ListSigner,
    certificate: Certificate,
    transition: Transition,
    now: datetime,
) -> None:
    """Set or clear the certificate's bit for ``transition`` and re-sign that list.
    Expiry changes nothing; a certificate without an entry has no list to change."""
    entry = entry_of(session, certificate)
    if entry is None:
        return
    changed: str | None = None
    if transition is Transition.WITHDRAW and not entry.revoked:
        entry.revoked, changed = True, "revocation"
    elif transition is Transition.SUSPEND and not entry.suspended:
        entry.suspended, changed = True, "suspension"
    elif transition in (Transition.REINSTATE, Transition.RENEW) and entry.suspended:
        entry.suspended, changed = False, "suspension"
    if changed is None:
        return
    session.add(entry)
    session.flush()
    sign_list(session, lists, entry.list_number, changed, now)


def _set_bits(session: Session, number: int, purpose: str) -> list[int]:
    flag = StatusEntry.revoked if purpose == "revocation" else StatusEntry.suspended
    return list(
        session.exec(
            select(StatusEntry.list_index).where(
                StatusEntry.list_number == number, col(flag).is_(True)
            )
        ).all()
    )


def sign_list(
    session: Session, lists: ListSigner, number: int, purpose: str, now: datetime
) -> StatusListCredential:
    """Sign list ``number`` of ``purpose`` as it stands in this transaction and store it."""
    url = list_url(lists.issuer, number, purpose)
    payload = {
        "@context": [VC_CONTEXT, context_url(lists.issuer)],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": lists.issuer,
        "validFrom": format_time(now),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": encode(_set_bits(session, number, purpose)),
        },
        "iss": lists.issuer,
        "jti": url,
        "iat": int(now.timestamp()),
    }
    token = sign_credential(lists.signer, payload)
    row = session.get(StatusListCredential, (number, purpose))
    if row is None:
        row = StatusListCredential(number=number, purpose=purpose, credential=token, updated_at=now)
    else:
        row.credential, row.updated_at = token, now
    session.add(row)
    session.flush()
    return row


def resign_lists_of(
    session: Session, lists: ListSigner, kids: Iterable[str], now: datetime
) -> list[tuple[int, str]]:
    """Sign again, with ``lists.signer``, every list last signed by one of ``kids`` (the
    compromised keys); returns the (number, purpose) of each list signed."""
    wanted = set(kids)
    resigned = []
    for row in session.exec(select(StatusListCredential)).all():
        if stored_kid(row.credential) in wanted:
            sign_list(session, lists, row.number, row.purpose, now)
            resigned.append((row.number, row.purpose))
    return resigned


def read_list(session: Session, number: int, purpose: str) -> str:
    """The signed list as stored. Raises NotFoundError for a list never opened."""
    if purpose not in PURPOSES:
        raise NotFoundError(
            f"no status purpose {purpose!r}; the lists are " + " and ".join(PURPOSES)
        )
    row = session.get(StatusListCredential, (number, purpose))
    if row is None:
        raise NotFoundError(f"no status list {number} for {purpose}")
    return row.credential
