"""What the organisations API answers."""

from __future__ import annotations

from registry.edge.schemas import Output


class LookalikeOrganisation(Output, kw_only=True):
    legal_name: str
    country: str
    registration_number: str


class LookalikeGroup(Output, kw_only=True):
    """Organisations whose different names read alike."""

    skeleton: str
    organisations: list[LookalikeOrganisation]
