"""Invitations: a one-time link by e-mail, valid 72 hours, that proves the address.

Only the SHA-256 of the link's token is stored. Accepting one marks the address verified
(and gives a migrated person, who had none, their address); the link then stops working.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Final

from sqlmodel import Session, select

from registry.db.identity_tables import Invitation
from registry.db.tables import Person, pk
from registry.errors import AuthenticationError, InvalidInputError
from registry.identity.persons import attach_email, normalise_email

VALID_FOR: Final = timedelta(hours=72)
TOKEN_BYTES: Final = 32


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create(
    session: Session, person: Person, email: str, invited_by: int | None, now: datetime
) -> str:
    """A new invitation of ``person`` at ``email``; the plain link token, returned once."""
    shown, key = normalise_email(email)
    if person.email_key is not None and person.email_key != key:
        raise InvalidInputError(f"person {person.pseudonym} has another e-mail address")
    plain = secrets.token_urlsafe(TOKEN_BYTES)
    session.add(
        Invitation(
            token_hash=_hash(plain),
            person_id=pk(person),
            email=shown,
            invited_by_id=invited_by,
            created_at=now,
            expires_at=now + VALID_FOR,
        )
    )
    session.flush()
    return plain


def find(session: Session, token: str, now: datetime) -> tuple[Invitation, Person]:
    """The open invitation behind ``token``: unknown, used and expired links are refused
    with the reason, so a person knows to ask for a new one."""
    if not token or len(token) > 100:
        raise AuthenticationError("this invitation link is not valid")
    invitation = session.exec(
        select(Invitation).where(Invitation.token_hash == _hash(token))
    ).first()
    if invitation is None:
        raise AuthenticationError("this invitation link is not valid")
    if invitation.used_at is not None:
        raise AuthenticationError("this invitation link was already used")
    if invitation.expires_at <= now:
        raise AuthenticationError("this invitation link has expired; ask for a new one")
    person = session.get(Person, invitation.person_id)
    assert person is not None
    return invitation, person


def accept(session: Session, invitation: Invitation, person: Person, now: datetime) -> None:
    """Use the invitation: the address is verified from now on."""
    attach_email(session, person, invitation.email)
    person.email_verified_at = person.email_verified_at or now
    invitation.used_at = now
    session.add(person)
    session.add(invitation)
    session.flush()
