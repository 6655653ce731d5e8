"""Certification bodies, accreditations, people and their tokens."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, delete, get, post
from litestar.params import Parameter

from registry.bodies.schemas import (
    AccreditationCreate,
    AccreditationPublic,
    BodyCreate,
    BodyPublic,
    HolderPersonCreate,
    PersonCreate,
    PersonPublic,
)
from registry.bodies.service import BodyService
from registry.identity.auth import Actor
from registry.identity.service import IdentityService


class BodyController(Controller):
    path = "/api/v1/bodies"
    tags = ("bodies",)

    @get("/", operation_id="ListBodies", sync_to_thread=True)
    def list_bodies(self, bodies: BodyService) -> list[BodyPublic]:
        """Every certification body with its accreditations."""
        return bodies.bodies()

    @get("/{slug:str}", operation_id="GetBody", sync_to_thread=True)
    def get_body(self, bodies: BodyService, slug: str) -> BodyPublic:
        return bodies.body(slug)

    @post("/", operation_id="RegisterBody", sync_to_thread=True)
    def register_body(self, bodies: BodyService, actor: Actor, data: BodyCreate) -> BodyPublic:
        """Register a certification body (staff)."""
        return bodies.register_body(actor, data)

    @post("/{slug:str}/accreditations", operation_id="AddAccreditation", sync_to_thread=True)
    def add_accreditation(
        self, bodies: BodyService, actor: Actor, slug: str, data: AccreditationCreate
    ) -> AccreditationPublic:
        """Record an accreditation and the schemes in its scope (staff)."""
        return bodies.add_accreditation(actor, slug, data)

    @post("/{slug:str}/people", operation_id="AddBodyPerson", sync_to_thread=True)
    def add_person(
        self, bodies: BodyService, actor: Actor, slug: str, data: PersonCreate
    ) -> PersonPublic:
        """Invite a body admin (staff) or an auditor or admin (the body's admin) by e-mail;
        an address that already has a person adds the membership to that person."""
        return bodies.add_person(actor, slug, data)


class PeopleController(Controller):
    path = "/api/v1"
    tags = ("people",)

    @post(
        "/organisations/{country:str}/{number:str}/people",
        operation_id="AddHolderPerson",
        sync_to_thread=True,
    )
    def add_holder(
        self,
        bodies: BodyService,
        actor: Actor,
        country: str,
        number: str,
        data: HolderPersonCreate,
    ) -> PersonPublic:
        """Invite a person who acts for a certified organisation (staff, or an admin of a
        body that certified it), by e-mail."""
        return bodies.add_holder_person(actor, country, number, data.name, data.email)

    @delete("/tokens/{token_id:int}", operation_id="RevokeToken", sync_to_thread=True)
    def revoke_token(
        self, identity: IdentityService, actor: Actor, token_id: Annotated[int, Parameter(ge=1)]
    ) -> None:
        """Revoke a token at once."""
        identity.revoke_token(actor, token_id)
