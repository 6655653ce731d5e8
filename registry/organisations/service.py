"""Organisation use cases for staff: which holders' names imitate each other's."""

from __future__ import annotations

from registry.identity.auth import Actor
from registry.organisations import queries
from registry.organisations.schemas import LookalikeGroup
from registry.transparency.unit_of_work import UnitOfWork


class OrganisationService:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    def lookalike_groups(self, actor: Actor) -> list[LookalikeGroup]:
        """Organisations whose different legal names look alike (staff): to check by hand.
        Computed on demand in one read; nothing is stored or refused."""
        with self.uow.db.read() as session:
            return queries.lookalike_groups(session, actor)
