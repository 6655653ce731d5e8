"""Who works for a body: its people, their memberships in it and the ties they declared
(what four-eyes and the conflict-of-interest rule read), as its admins and staff see them."""

from __future__ import annotations

from collections import defaultdict

from sqlmodel import Session, col, select

from registry.bodies.schemas import AffiliationPublic, BodyMemberPublic, MembershipStatus
from registry.db.identity_tables import Membership
from registry.db.tables import Affiliation, Person
from registry.domain.vocabulary import Role
from registry.errors import PermissionDeniedError
from registry.identity.auth import Actor


def body_people(session: Session, actor: Actor, body_id: int) -> list[BodyMemberPublic]:
    """The body's people by name; refused to anyone but staff and the body's own admins."""
    if actor.role is not Role.STAFF and not (
        actor.role is Role.BODY_ADMIN and actor.body_id == body_id
    ):
        raise PermissionDeniedError("only staff and this body's admins see its people")
    rows = session.exec(
        select(Membership, Person)
        .join(Person, col(Person.id) == Membership.person_id)
        .where(Membership.body_id == body_id)
        .order_by(col(Person.name), col(Membership.id))
    ).all()
    held: dict[int, list[MembershipStatus]] = defaultdict(list)
    people: dict[int, Person] = {}
    for membership, person in rows:
        assert person.id is not None
        people[person.id] = person
        held[person.id].append(MembershipStatus(role=membership.role, status=membership.status))
    ties: dict[int, list[AffiliationPublic]] = defaultdict(list)
    for tie in session.exec(
        select(Affiliation).where(col(Affiliation.person_id).in_(list(people)))
    ):
        ties[tie.person_id].append(
            AffiliationPublic(
                country=tie.country,
                registration_number=tie.registration_number,
                description=tie.description,
            )
        )
    return [
        BodyMemberPublic(
            id=person.pseudonym,
            name=person.name,
            email=person.email,
            memberships=held[person_id],
            affiliations=ties[person_id],
        )
        for person_id, person in people.items()
    ]
