"""Body use cases: register conformity assessment bodies, their accreditations and
people, and the reads every page needs (kept until the next change)."""

from __future__ import annotations

from registry.bodies import store
from registry.bodies.schemas import (
    AccreditationCreate,
    AccreditationPublic,
    BodyCreate,
    BodyPublic,
    PersonCreate,
    PersonPublic,
)
from registry.edge.caches import Caches
from registry.identity.auth import Actor
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

    def add_person(self, actor: Actor, slug: str, data: PersonCreate) -> PersonPublic:
        with self.uow.write(actor, "add_person") as session:
            return store.person_public(
                session, store.add_person(session, actor, slug, data, self.uow.clock())
            )

    def add_holder_person(self, actor: Actor, country: str, number: str, name: str) -> PersonPublic:
        with self.uow.write(actor, "add_holder_person") as session:
            person = store.add_holder_person(
                session, actor, country, number, name, self.uow.clock()
            )
            return store.person_public(session, person)
