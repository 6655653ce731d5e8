"""Bearer tokens: random, shown once, stored as SHA-256, scoped to one person and role."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from registry.db.tables import ApiToken, Person, WriteRecord
from registry.domain.vocabulary import PARTY_OF_ROLE, PartyType, Role
from registry.errors import AuthenticationError, NotFoundError, PermissionDeniedError

TOKEN_PREFIX = "tlr_"  # noqa: S105  (a public marker, not a secret)
TOKEN_BYTES = 32  # 256 bits; the design asks for at least 128


@dataclass(frozen=True)
class Actor:
    """Who is calling: one named person acting in one role for one party."""

    person_id: int
    pseudonym: str
    role: Role
    body_id: int | None
    organisation_id: int | None
    token_id: int

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
    session: Session, person: Person, label: str, now: datetime
) -> tuple[ApiToken, str]:
    """A new token for ``person`` in their role; the plain token is returned once."""
    if person.id is None:
        raise ValueError("person must be stored before a token is issued")
    role = Role(person.role)
    if PARTY_OF_ROLE[role] != PartyType(person.party_type):
        raise ValueError(
            f"person {person.pseudonym} has role {role.value} outside a {person.party_type}"
        )
    plain = TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    row = ApiToken(
        person_id=person.id,
        role=role.value,
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
        select(ApiToken, Person)
        .join(Person, Person.id == ApiToken.person_id)  # type: ignore[arg-type]
        .where(ApiToken.token_hash == hash_token(token))
    ).first()
    if found is None:
        raise AuthenticationError("the bearer token is unknown")
    row, person = found
    if row.revoked_at is not None:
        raise AuthenticationError("the bearer token was revoked")
    assert row.id is not None and person.id is not None
    return Actor(
        person_id=person.id,
        pseudonym=person.pseudonym,
        role=Role(row.role),
        body_id=person.body_id,
        organisation_id=person.organisation_id,
        token_id=row.id,
    )


def revoke_token(session: Session, actor: Actor, token_id: int, now: datetime) -> None:
    """Revoke a token: one's own, a body's people's (body admin), or any (staff)."""
    found = session.exec(
        select(ApiToken, Person)
        .join(Person, Person.id == ApiToken.person_id)  # type: ignore[arg-type]
        .where(ApiToken.id == token_id)
    ).first()
    if found is None:
        raise NotFoundError(f"no token with id {token_id}")
    row, person = found
    own = row.person_id == actor.person_id
    body_admin_of = actor.role is Role.BODY_ADMIN and person.body_id == actor.body_id
    if not (own or body_admin_of or actor.role is Role.STAFF):
        raise PermissionDeniedError("you may revoke only your own tokens or those of your party")
    if row.revoked_at is None:
        row.revoked_at = now
        session.add(row)


def issue_token_for(
    session: Session, actor: Actor, person: Person, label: str, now: datetime
) -> tuple[ApiToken, str]:
    """Issue a token for ``person`` on behalf of ``actor``: staff for anyone, a body admin
    for the people of their own body, anyone for themselves."""
    own = person.id == actor.person_id
    body_admin_of = (
        actor.role is Role.BODY_ADMIN
        and person.body_id is not None
        and person.body_id == actor.body_id
    )
    if not (own or body_admin_of or actor.role is Role.STAFF):
        raise PermissionDeniedError(
            "you may create tokens only for yourself or the people of your body"
        )
    return issue_token(session, person, label, now)


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
