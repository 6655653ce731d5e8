"""Memberships: (role, party) pairs of a person, granted and changed by someone entitled.

Who may grant what: staff grant a body's admins, a holder's contacts and other staff;
a body admin grants auditors and admins of their own body. Who may suspend, reinstate
or remove: the same people, for the same parties. Nobody grants themselves anything, and
nobody acts as another person: there is no call that makes a token or a password for
someone else. Each change is also a write record (the caller's ``_write``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlmodel import Session, col, select

from registry.db.identity_tables import Membership
from registry.db.tables import Affiliation, Body, Certificate, Organisation, Person, pk
from registry.domain.vocabulary import PARTY_OF_ROLE, PartyType, Role
from registry.errors import ConflictError, NotFoundError, PermissionDeniedError
from registry.identity.auth import Actor

ACTIVE: Final = "active"
SUSPENDED: Final = "suspended"
REVOKED: Final = "revoked"


@dataclass(frozen=True)
class Party:
    """Where a membership belongs: the registry, one body or one organisation."""

    type: PartyType
    body_id: int | None = None
    organisation_id: int | None = None


def may_manage_in(session: Session, actor: Actor, role: Role, party: Party) -> None:
    """``may_manage``, knowing whether the actor's body certified the organisation."""
    certified = False
    if actor.role is Role.BODY_ADMIN and party.organisation_id is not None:
        certified = (
            session.exec(
                select(Certificate.id).where(
                    Certificate.organisation_id == party.organisation_id,
                    Certificate.body_id == actor.body_id,
                )
            ).first()
            is not None
        )
    may_manage(actor, role, party, certified_by_actors_body=certified)


def may_manage(
    actor: Actor, role: Role, party: Party, *, certified_by_actors_body: bool = False
) -> None:
    """Raise unless ``actor`` may grant or change a ``role`` membership in ``party``: staff
    for everyone but auditors; a body admin for their own body, and for the holder
    contacts of an organisation their body certified."""
    if PARTY_OF_ROLE[role] is not party.type:
        raise PermissionDeniedError(f"a {role.value} belongs to a {PARTY_OF_ROLE[role].value}")
    if actor.role is Role.STAFF:
        if role is Role.AUDITOR:
            raise PermissionDeniedError(
                "staff add a body's first admins; the body adds its auditors"
            )
        return
    if actor.role is Role.BODY_ADMIN and party.type is PartyType.BODY:
        if party.body_id != actor.body_id:
            raise PermissionDeniedError("a body admin may manage people only of their own body")
        return
    if actor.role is Role.BODY_ADMIN and role is Role.HOLDER:
        if not certified_by_actors_body:
            raise PermissionDeniedError(
                "a body admin may invite holder contacts only of organisations its body certified"
            )
        return
    raise PermissionDeniedError(
        "only staff, or an admin of the body, may manage the people of a party; "
        f"you act as {actor.role.value}"
    )


def grant(
    session: Session, actor: Actor | None, person: Person, role: Role, party: Party, now: datetime
) -> Membership:
    """Grant ``person`` ``role`` in ``party`` (``actor`` None: the command-line bootstrap).

    An active or suspended membership of the same kind is returned as it is: granting
    twice changes nothing, and never lifts a suspension.
    """
    if actor is not None:
        may_manage_in(session, actor, role, party)
        if actor.person_id == person.id:
            raise PermissionDeniedError("nobody grants themselves a membership")
    existing = session.exec(
        select(Membership).where(
            Membership.person_id == pk(person),
            Membership.role == role.value,
            Membership.body_id == party.body_id,
            Membership.organisation_id == party.organisation_id,
            Membership.status != REVOKED,
        )
    ).first()
    if existing is not None:
        return existing
    membership = Membership(
        person_id=pk(person),
        role=role.value,
        party_type=party.type.value,
        body_id=party.body_id,
        organisation_id=party.organisation_id,
        status=ACTIVE,
        granted_by_id=actor.person_id if actor else None,
        granted_at=now,
    )
    session.add(membership)
    session.flush()
    return membership


def change_status(
    session: Session, actor: Actor, membership: Membership, status: str, now: datetime
) -> Membership:
    """Suspend, reinstate or remove (``revoked``, final) a membership."""
    may_manage_in(session, actor, Role(membership.role), party_of(membership))
    if membership.person_id == actor.person_id:
        raise PermissionDeniedError("you cannot suspend or remove your own membership")
    if membership.status == REVOKED:
        raise ConflictError("this membership was removed; grant a new one instead")
    if membership.status != status:
        membership.status = status
        membership.changed_by_id = actor.person_id
        membership.changed_at = now
        session.add(membership)
        session.flush()
    return membership


def party_of(membership: Membership) -> Party:
    return Party(PartyType(membership.party_type), membership.body_id, membership.organisation_id)


def memberships_of(session: Session, person_id: int, *, live: bool = False) -> list[Membership]:
    """A person's memberships, oldest first; ``live``: only active ones."""
    query = select(Membership).where(Membership.person_id == person_id)
    if live:
        query = query.where(Membership.status == ACTIVE)
    return list(session.exec(query.order_by(col(Membership.id))))


def membership_in(session: Session, person_id: int, role: Role, body_id: int) -> Membership:
    """The person's membership of ``role`` in body ``body_id`` (any status)."""
    found = session.exec(
        select(Membership)
        .where(
            Membership.person_id == person_id,
            Membership.role == role.value,
            Membership.body_id == body_id,
        )
        .order_by(col(Membership.id).desc())
    ).first()
    if found is None:
        raise NotFoundError(f"this person has no {role.value} membership in this body")
    return found


def ties(session: Session, person_id: int) -> frozenset[tuple[str, str]]:
    """Organisations (country, registration number) a person is tied to through any
    membership (a holder contact) or a declared affiliation: four-eyes reads these."""
    declared = session.exec(
        select(Affiliation.country, Affiliation.registration_number).where(
            Affiliation.person_id == person_id
        )
    ).all()
    held = session.exec(
        select(Organisation.country, Organisation.registration_number)
        .join(Membership, col(Membership.organisation_id) == Organisation.id)
        .where(Membership.person_id == person_id, Membership.status != REVOKED)
    ).all()
    return frozenset((c, n) for c, n in [*declared, *held])


def party_name(session: Session, membership: Membership) -> tuple[str, str | None]:
    """A membership's party as shown to its person: (name, slug or registration)."""
    if membership.body_id is not None:
        body = session.get(Body, membership.body_id)
        assert body is not None
        return body.name, body.slug
    if membership.organisation_id is not None:
        org = session.get(Organisation, membership.organisation_id)
        assert org is not None
        return org.legal_name, f"{org.country}-{org.registration_number}"
    return "", None
