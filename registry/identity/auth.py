"""Bearer tokens: random, shown once, stored as SHA-256, scoped to one person and one of
their memberships, and made only by that person (the command-line bootstrap aside)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from registry.db.identity_tables import Membership
from registry.db.tables import ApiToken, Person, WriteRecord
from registry.domain.vocabulary import Role
from registry.errors import AuthenticationError, NotFoundError, PermissionDeniedError

TOKEN_PREFIX = "tlr_"  # noqa: S105  (a public marker, not a secret)
TOKEN_BYTES = 32  # 256 bits; the design asks for at least 128


@dataclass(frozen=True)
class Actor:
    """Who is calling: one person acting through one membership (a role in a party),
    with a token or, in the portal, a session (``token_id`` None)."""

    person_id: int
    pseudonym: str
    role: Role
    body_id: int | None
    organisation_id: int | None
    token_id: int | None
    membership_id: int | None = None

    def require(self, *roles: Role) -> None:
        """Raise unless the actor has one of ``roles``."""
        if self.role not in roles:
            allowed = " or ".join(r.value for r in roles)
            raise PermissionDeniedError(f"this needs a {allowed} token; yours is {self.role.value}")


def hash_token(token: str) -> str:
    """SHA-256 suffices: tokens carry 256 random bits, so no dictionary applies."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_pseudonym() -> str:
    """A stable pseudonymous id: the log names people only by this."""
    return "p-" + secrets.token_hex(8)


def issue_token(
    session: Session,
    person: Person,
    membership: Membership,
    label: str,
    now: datetime,
    *,
    created_by: int | None,
) -> tuple[ApiToken, str]:
    """A new token of ``person`` for ``membership``; the plain token is returned once.

    ``created_by`` is who made it: the person themselves, or None for the command-line
    bootstrap. Raises PermissionDeniedError for another person's or a lapsed membership.
    """
    if person.id is None or membership.id is None:
        raise ValueError("person and membership must be stored before a token is issued")
    if membership.person_id != person.id:
        raise PermissionDeniedError("a token can only be made for one's own membership")
    if created_by is not None and created_by != person.id:
        raise PermissionDeniedError("a token is made only by the person it belongs to")
    if membership.status != "active":
        raise PermissionDeniedError(f"this membership is {membership.status}")
    plain = TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    row = ApiToken(
        person_id=person.id,
        membership_id=membership.id,
        created_by_id=created_by,
        role=membership.role,
        token_hash=hash_token(plain),
        label=label,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row, plain


def authenticate(session: Session, token: str) -> Actor:
    """The actor behind a bearer token; unknown and revoked tokens are refused alike."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        raise AuthenticationError("the bearer token is not a registry token")
    found = session.exec(
        select(ApiToken, Person, Membership)
        .join(Person, Person.id == ApiToken.person_id)  # type: ignore[arg-type]
        .join(Membership, Membership.id == ApiToken.membership_id)  # type: ignore[arg-type]
        .where(ApiToken.token_hash == hash_token(token))
    ).first()
    if found is None:
        raise AuthenticationError("the bearer token is unknown")
    row, person, membership = found
    if row.revoked_at is not None:
        raise AuthenticationError("the bearer token was revoked")
    if membership.status != "active":
        raise AuthenticationError(f"the bearer token's membership is {membership.status}")
    assert row.id is not None and person.id is not None
    return actor_of(person, membership, token_id=row.id)


def actor_of(person: Person, membership: Membership, *, token_id: int | None) -> Actor:
    """The actor that ``person`` is when acting through ``membership``."""
    assert person.id is not None
    return Actor(
        person_id=person.id,
        pseudonym=person.pseudonym,
        role=Role(membership.role),
        body_id=membership.body_id,
        organisation_id=membership.organisation_id,
        token_id=token_id,
        membership_id=membership.id,
    )


def revoke_token(session: Session, actor: Actor, token_id: int, now: datetime) -> None:
    """Revoke a token: one's own, a body's people's (body admin), or any (staff)."""
    found = session.exec(
        select(ApiToken, Membership)
        .join(Membership, Membership.id == ApiToken.membership_id)  # type: ignore[arg-type]
        .where(ApiToken.id == token_id)
    ).first()
    if found is None:
        raise NotFoundError(f"no token with id {token_id}")
    row, membership = found
    own = row.person_id == actor.person_id
    body_admin_of = actor.role is Role.BODY_ADMIN and membership.body_id == actor.body_id
    if not (own or body_admin_of or actor.role is Role.STAFF):
        raise PermissionDeniedError("you may revoke only your own tokens or those of your party")
    if row.revoked_at is None:
        row.revoked_at = now
        session.add(row)


def record_write(session: Session, actor: Actor, action: str, now: datetime) -> None:
    """Every authenticated write is recorded with who did it, and with which token."""
    session.add(
        WriteRecord(
            person_id=actor.person_id,
            token_id=actor.token_id,
            role=actor.role.value,
            action=action,
            at=now,
        )
    )
    session.flush()
