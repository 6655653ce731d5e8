"""The bodies feature's input (``*Create``) and output (``*Public``) shapes."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from msgspec import Meta

from registry.edge.schemas import Country, Input, Name, Output, Slug


class BodyCreate(Input, kw_only=True):
    slug: Slug
    name: Name
    country: Country = "NL"
    website: Annotated[str, Meta(pattern=r"^https?://\S+$", max_length=300)]


class AccreditationCreate(Input, kw_only=True):
    accrediting_body: Name
    registration_number: Annotated[str, Meta(min_length=1, max_length=64)]
    valid_from: date
    valid_until: date
    schemes: Annotated[list[Slug], Meta(min_length=1, max_length=100)]


class AccreditationPublic(Output, kw_only=True):
    id: int
    accrediting_body: str
    registration_number: str
    valid_from: date
    valid_until: date
    status: str
    schemes: list[str]


class BodyPublic(Output, kw_only=True):
    slug: str
    name: str
    country: str
    website: str
    accreditations: list[AccreditationPublic]


class AffiliationCreate(Input, kw_only=True):
    country: Country = "NL"
    registration_number: Annotated[str, Meta(min_length=1, max_length=40)]
    description: Annotated[str, Meta(max_length=500)] = ""


class PersonCreate(Input, kw_only=True):
    """A person to invite: the address is who they are (one e-mail, one person)."""

    name: Name
    email: Annotated[str, Meta(min_length=3, max_length=254)]
    role: Literal["auditor", "body_admin"]
    affiliations: Annotated[list[AffiliationCreate], Meta(max_length=100)] = []


class PersonPublic(Output, kw_only=True):
    id: str
    name: str
    role: str
    body: str | None = None


class HolderPersonCreate(Input, kw_only=True):
    name: Name
    email: Annotated[str, Meta(min_length=3, max_length=254)]


class AffiliationPublic(Output, kw_only=True):
    country: str
    registration_number: str
    description: str


class MembershipStatus(Output, kw_only=True):
    role: str
    status: str


class BodyMemberPublic(Output, kw_only=True):
    """A person of a body as its admins see them: memberships in the body and the ties
    to organisations they declared."""

    id: str
    name: str
    email: str | None
    memberships: list[MembershipStatus]
    affiliations: list[AffiliationPublic]
