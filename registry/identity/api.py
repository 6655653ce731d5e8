"""The caller's own account over the API: who am I, and my own tokens.

``POST /api/v1/me/tokens`` is the one API path that makes a token, and only for the
caller's own person: the admin path that minted tokens for others answers 403 and is
not documented any more.
"""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post
from litestar.params import Parameter

from registry.domain.vocabulary import Role
from registry.identity.auth import Actor
from registry.identity.schemas import (
    InvitationCreate,
    MembershipPublic,
    MePublic,
    OwnTokenCreate,
    TokenCreate,
    TokenIssued,
)
from registry.identity.service import IdentityService


class AccountController(Controller):
    path = "/api/v1"
    tags = ("people",)

    @get("/me", operation_id="WhoAmI", sync_to_thread=True)
    def whoami(self, identity: IdentityService, actor: Actor) -> MePublic:
        """The person behind the token, the membership it acts through, and all of theirs."""
        return identity.accounts.me(actor)

    @post("/me/tokens", operation_id="CreateOwnToken", sync_to_thread=True)
    def create_own_token(
        self, identity: IdentityService, actor: Actor, data: OwnTokenCreate
    ) -> TokenIssued:
        """A new token of your own, for one of your memberships; it is shown once."""
        return identity.accounts.create_own_token(actor, data.label, data.membership)

    @post(
        "/people/{person_id:str}/tokens",
        operation_id="CreateToken",
        sync_to_thread=True,
        include_in_schema=False,
    )
    def refuse_token_for_another(
        self, identity: IdentityService, actor: Actor, person_id: str, data: TokenCreate
    ) -> TokenIssued:
        """Gone: nobody makes a token for someone else (403 for every caller)."""
        return identity.issue_token(actor, person_id, data.label)

    @post("/people/{person_id:str}/invitation", operation_id="InvitePerson", sync_to_thread=True)
    def invite_person(
        self, identity: IdentityService, actor: Actor, person_id: str, data: InvitationCreate
    ) -> None:
        """Invite a person who has no e-mail address yet (made before people had one),
        by staff or an admin of their party; the link is mailed, never answered."""
        identity.accounts.invite_existing(actor, person_id, data.email)

    @post(
        "/bodies/{slug:str}/people/{person_id:str}/{role:str}/{action:str}",
        operation_id="ChangeBodyMembership",
        sync_to_thread=True,
        status_code=200,
    )
    def change_membership(
        self,
        identity: IdentityService,
        actor: Actor,
        slug: str,
        person_id: str,
        role: Annotated[str, Parameter(pattern="^(auditor|body_admin)$")],
        action: Annotated[str, Parameter(pattern="^(suspend|reinstate|remove)$")],
    ) -> MembershipPublic:
        """Suspend, reinstate or remove a person's auditor or admin membership of a body
        (staff, or an admin of that body; never one's own)."""
        status = {"suspend": "suspended", "reinstate": "active", "remove": "revoked"}[action]
        return identity.accounts.set_body_membership(actor, slug, person_id, Role(role), status)
