"""Staff's list of organisations whose names imitate each other."""

from __future__ import annotations

from litestar import Controller, get

from registry.identity.auth import Actor
from registry.organisations.schemas import LookalikeGroup
from registry.organisations.service import OrganisationService


class LookalikeController(Controller):
    path = "/api/v1/organisations/lookalikes"
    tags = ("organisations",)

    @get("/", operation_id="ListLookalikeOrganisations", sync_to_thread=True)
    def list_lookalikes(
        self, organisations: OrganisationService, actor: Actor
    ) -> list[LookalikeGroup]:
        """Organisations whose different legal names look alike (staff): to check by hand."""
        return organisations.lookalike_groups(actor)
