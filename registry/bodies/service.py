"""Body use cases: register conformity assessment bodies, their accreditations and
people, and the reads every page needs (kept until the next change)."""

from __future__ import annotations

from registry.bodies import people, store
from registry.bodies.schemas import (
    AccreditationCreate,
    AccreditationPublic,
    BodyCreate,
    BodyMemberPublic,
    BodyPublic,
    PersonCreate,
    PersonPublic,
)
from registry.db.tables import pk
from registry.domain.vocabulary import PartyType, Role
from registry.edge.caches import Caches
from registry.errors import NotFoundError, PermissionDeniedError
from registry.identity.auth import Actor
from registry.identity.memberships import Party
from registry.identity.service import IdentityService
from registry.transparency.unit_of_work import UnitOfWork


class BodyService:
    def __init__(self, uow: UnitOfWork, caches: Caches) -> None:
        self.uow = uow
        self.caches = caches

    def register_body(self, actor: Actor, data: BodyCreate) -> BodyPublic:
        with self.uow.write(actor, "register_body") as session:
            return store.body_public(
                session, store.register_body(session, actor, data, self.uow.clock())
            )

    def add_accreditation(
        self, actor: Actor, slug: str, data: AccreditationCreate
    ) -> AccreditationPublic:
        with self.uow.write(actor, "add_accreditation") as session:
            row = store.add_accreditation(session, actor, slug, data, self.uow.clock())
            public = store.body_public(session, store.body_by_slug(session, slug))
            return next(a for a in public.accreditations if a.id == row.id)

    def bodies(self) -> list[BodyPublic]:
        def read() -> list[BodyPublic]:
            with self.uow.db.read() as session:
                return store.list_bodies(session)

        return self.caches.remember(("bodies",), read)

    def body(self, slug: str) -> BodyPublic:
        def read() -> BodyPublic:
            with self.uow.db.read() as session:
                return store.body_public(session, store.body_by_slug(session, slug))

        return self.caches.remember(("body", slug), read)

    def people(self, actor: Actor, slug: str) -> list[BodyMemberPublic]:
        """The body's people, memberships and declared ties (staff, the body's admins)."""
        with self.uow.db.read() as session:
            return people.body_people(session, actor, pk(store.body_by_slug(session, slug)))

    def add_person(self, actor: Actor, slug: str, data: PersonCreate) -> PersonPublic:
        """Invite a body's auditor or admin by e-mail (the identity feature's use case)."""
        actor.require(Role.STAFF, Role.BODY_ADMIN)
        with self.uow.db.read() as session:
            body_id = pk(store.body_by_slug(session, slug))
        return IdentityService(self.uow).invite(
            actor,
            data.name,
            data.email,
            Role(data.role),
            Party(PartyType.BODY, body_id=body_id),
            data.affiliations,
        )

    def add_holder_person(
        self, actor: Actor, country: str, number: str, name: str, email: str
    ) -> PersonPublic:
        """Invite a contact of a certified organisation (staff, or an admin of a body
        that certified it), by e-mail."""
        actor.require(Role.STAFF, Role.BODY_ADMIN)
        with self.uow.db.read() as session:
            try:
                organisation_id = pk(store.organisation_by_number(session, country, number))
            except NotFoundError:
                if actor.role is Role.STAFF:
                    raise
                # No organisation is one this body certified: the same answer as for any other.
                raise PermissionDeniedError(
                    "a body admin may invite holder contacts only of organisations its body"
                    " certified"
                ) from None
        return IdentityService(self.uow).invite(
            actor,
            name,
            email,
            Role.HOLDER,
            Party(PartyType.ORGANISATION, organisation_id=organisation_id),
        )
