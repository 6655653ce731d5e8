"""Schemes and their versions."""

from __future__ import annotations

from litestar import Controller, delete, get, patch, post, put

from registry.identity.auth import Actor
from registry.schemes.schemas import (
    SchemeCreate,
    SchemePublic,
    SchemeUpdate,
    SchemeVersionCreate,
    SchemeVersionPublic,
)
from registry.schemes.service import SchemeService


class SchemeController(Controller):
    path = "/api/v1/schemes"
    tags = ("schemes",)

    @get("/", operation_id="ListSchemes", sync_to_thread=True)
    def list_schemes(self, schemes: SchemeService) -> list[SchemePublic]:
        """Every scheme with its versions and independence profile."""
        return schemes.schemes()

    @get("/{slug:str}", operation_id="GetScheme", sync_to_thread=True)
    def get_scheme(self, schemes: SchemeService, slug: str) -> SchemePublic:
        return schemes.scheme(slug)

    @get("/{slug:str}/versions/{number:int}", operation_id="GetSchemeVersion", sync_to_thread=True)
    def get_version(self, schemes: SchemeService, slug: str, number: int) -> SchemeVersionPublic:
        return schemes.scheme_version(slug, number)

    @post("/", operation_id="CreateScheme", sync_to_thread=True)
    def create_scheme(
        self, schemes: SchemeService, actor: Actor, data: SchemeCreate
    ) -> SchemePublic:
        """Create a scheme (staff)."""
        return schemes.create_scheme(actor, data)

    @patch("/{slug:str}", operation_id="UpdateScheme", sync_to_thread=True)
    def update_scheme(
        self, schemes: SchemeService, actor: Actor, slug: str, data: SchemeUpdate
    ) -> SchemePublic:
        """Change a scheme's names, description or profile (staff); versions never change."""
        return schemes.update_scheme(actor, slug, data)

    @post(
        "/{slug:str}/versions",
        operation_id="PublishSchemeVersion",
        sync_to_thread=True,
    )
    def publish_version(
        self, schemes: SchemeService, actor: Actor, slug: str, data: SchemeVersionCreate
    ) -> SchemeVersionPublic:
        """Publish the next, immutable version of a scheme (staff)."""
        return schemes.publish_version(actor, slug, data)

    @put(
        "/{slug:str}/versions/{number:int}",
        operation_id="ReplaceSchemeVersion",
        sync_to_thread=True,
    )
    def replace_version(self, schemes: SchemeService, slug: str, number: int) -> None:
        """Refused: a published version never changes."""
        schemes.refuse_version_edit(slug, number)

    @patch(
        "/{slug:str}/versions/{number:int}", operation_id="EditSchemeVersion", sync_to_thread=True
    )
    def edit_version(self, schemes: SchemeService, slug: str, number: int) -> None:
        """Refused: a published version never changes."""
        schemes.refuse_version_edit(slug, number)

    @delete(
        "/{slug:str}/versions/{number:int}", operation_id="DeleteSchemeVersion", sync_to_thread=True
    )
    def delete_version(self, schemes: SchemeService, slug: str, number: int) -> None:
        """Refused: a published version is never removed."""
        schemes.refuse_version_edit(slug, number)
