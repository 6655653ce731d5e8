"""The identity feature's input (``*Create``) and output (``*Public``) shapes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import msgspec
from msgspec import Meta

from registry.edge.schemas import Input, Output
from registry.identity.auth import Actor

Email = Annotated[str, Meta(min_length=3, max_length=254)]


class TokenCreate(Input, kw_only=True):
    label: Annotated[str, Meta(max_length=200)] = ""


class TokenIssued(Output, kw_only=True):
    """The token is shown once; only its hash is stored."""

    id: int
    token: str
    role: str
    person: str


class MembershipPublic(Output, kw_only=True):
    """One (role, party) of a person; ``party`` is a body's slug or an organisation's
    country-number, None for the registry's own staff."""

    id: int
    role: str
    party_type: str
    party: str | None
    party_name: str
    status: str


class MePublic(Output, kw_only=True):
    """The person behind a token or session, and the membership it acts through."""

    id: str
    name: str
    role: str
    body: str | None = None
    organisation: str | None = None
    membership: int | None = None
    email: str | None = None
    memberships: list[MembershipPublic] = msgspec.field(default_factory=list)


class OwnTokenCreate(Input, kw_only=True):
    """A token for one of the caller's own memberships (by default the calling one)."""

    label: Annotated[str, Meta(max_length=200)] = ""
    membership: Annotated[int, Meta(ge=1)] | None = None


class TokenPublic(Output, kw_only=True):
    """A token as its owner sees it later: never the token itself."""

    id: int
    label: str
    role: str
    membership: int | None
    created_at: str
    revoked: bool


class InvitationCreate(Input, kw_only=True):
    """An address for a person who has none yet (made before people had addresses)."""

    email: Email


@dataclass(frozen=True)
class Acting:
    """A signed-in person at work in a portal: the actor of one active membership of
    the portal's role, and the other such memberships they may switch to."""

    actor: Actor
    name: str
    csrf: str
    party_name: str
    party: str | None
    choices: list[MembershipPublic]
