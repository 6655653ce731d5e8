"""What ``/account`` shows and the token actions it offers, for a signed-in session."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlmodel import col, select

from registry.db.identity_tables import Membership, Passkey, SignInSecret
from registry.db.tables import ApiToken, pk
from registry.domain.vocabulary import Role
from registry.identity import memberships, sessions
from registry.identity.accounts import Accounts, membership_public
from registry.identity.auth import actor_of
from registry.identity.persons import person_by_id
from registry.identity.schemas import Acting, MembershipPublic, TokenIssued
from registry.identity.signin import SignIn, SignInRefused, needs_second_factor

if TYPE_CHECKING:
    from datetime import datetime


@dataclass(frozen=True)
class PasskeyView:
    id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None


@dataclass(frozen=True)
class TokenView:
    id: int
    label: str
    role: str
    party_name: str
    created_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True)
class Overview:
    """Everything ``/account`` shows a signed-in person."""

    name: str
    email: str | None
    pseudonym: str
    memberships: list[MembershipPublic]
    tokens: list[TokenView]
    passkeys: list[PasskeyView]
    has_totp: bool
    needs_second_factor: bool
    passkeys_possible: bool
    csrf: str
    portals: list[tuple[str, str]] = field(default_factory=list)


# The work portals, by the role that opens each (the holder's portal has its own).
PORTALS: tuple[tuple[Role, str], ...] = (
    (Role.AUDITOR, "/account/auditor"),
    (Role.BODY_ADMIN, "/account/body"),
    (Role.STAFF, "/account/staff"),
)


class Portal:
    def __init__(self, signin: SignIn, accounts: Accounts) -> None:
        self.signin = signin
        self.registry = signin.registry
        self.accounts = accounts

    def overview(self, cookie: str | None) -> Overview | None:
        """The account of the signed-in person, or None when the session is not one."""
        with self.registry.db.read() as session:
            row = sessions.find(session, cookie, self.registry.clock())
            if row is None or row.person_id is None:
                return None
            person_id = row.person_id
            person = person_by_id(session, person_id)
            held = memberships.memberships_of(session, person_id)
            shown = {pk(m): membership_public(session, m) for m in held}
            tokens = [
                TokenView(
                    pk(t),
                    t.label,
                    t.role,
                    shown[t.membership_id].party_name if t.membership_id in shown else "",
                    t.created_at,
                    t.revoked_at,
                )
                for t in session.exec(
                    select(ApiToken)
                    .where(ApiToken.person_id == person_id)
                    .order_by(col(ApiToken.id).desc())
                )
            ]
            keys = [
                PasskeyView(pk(p), p.name, p.created_at, p.last_used_at)
                for p in session.exec(select(Passkey).where(Passkey.person_id == person_id))
            ]
            secret = session.get(SignInSecret, person_id)
            return Overview(
                name=person.name,
                email=person.email,
                pseudonym=person.pseudonym,
                memberships=list(shown.values()),
                tokens=tokens,
                passkeys=keys,
                has_totp=secret is not None and secret.totp_secret is not None,
                needs_second_factor=needs_second_factor(session, person_id),
                passkeys_possible=self.signin.rp is not None,
                csrf=row.csrf,
                portals=[
                    (path, role.value)
                    for role, path in PORTALS
                    if any(m.role == role.value and m.status == "active" for m in held)
                ],
            )

    def acting(
        self,
        cookie: str | None,
        role: Role,
        *,
        csrf: str | None = None,
        check_csrf: bool = False,
        membership_id: int | None = None,
    ) -> Acting:
        """The signed-in person acting through their active ``role`` membership (the one
        numbered ``membership_id``, else the oldest). A form post checks the CSRF token.

        Raises SignInRefused: ``signed_out`` without a signed-in session, ``csrf`` for a
        post without its token, ``second_factor_needed`` for a role that needs one and a
        person without it, ``not_found`` for a person without such a membership.
        """
        with self.registry.db.read() as session:
            if check_csrf:
                row, person = self.signin.signed_in(session, cookie, csrf)
            else:
                found = sessions.find(session, cookie, self.registry.clock())
                if found is None or found.person_id is None:
                    raise SignInRefused("signed_out", "you are not signed in")
                row, person = found, person_by_id(session, found.person_id)
            person_id = pk(person)
            if needs_second_factor(session, person_id):
                raise SignInRefused(
                    "second_factor_needed", "add a passkey or TOTP before you work here"
                )
            held = [
                m
                for m in memberships.memberships_of(session, person_id, live=True)
                if m.role == role.value
            ]
            chosen = next((m for m in held if m.id == membership_id), held[0] if held else None)
            if chosen is None:
                raise SignInRefused("not_found", f"you hold no active {role.value} membership")
            shown = membership_public(session, chosen)
            return Acting(
                actor=actor_of(person, chosen, token_id=None),
                name=person.name,
                csrf=row.csrf,
                party_name=shown.party_name,
                party=shown.party,
                choices=[membership_public(session, m) for m in held],
            )

    def create_token(
        self, cookie: str | None, csrf: str | None, membership_id: int, label: str
    ) -> TokenIssued:
        """A token of the signed-in person for one of their active memberships."""
        with self.registry.db.read() as session:
            _, person = self.signin.signed_in(session, cookie, csrf)
            if needs_second_factor(session, pk(person)):
                raise SignInRefused(
                    "second_factor_needed", "add a passkey or TOTP before you make a token"
                )
            membership = session.get(Membership, membership_id)
            if membership is None or membership.person_id != person.id:
                raise SignInRefused("not_found", "no such membership of yours")
            actor = actor_of(person, membership, token_id=None)
        try:
            return self.accounts.create_own_token(actor, label[:200], membership_id)
        except SignInRefused:
            raise
        except Exception as error:
            detail = getattr(error, "detail", str(error))
            raise SignInRefused("membership_inactive", detail) from None

    def revoke_token(self, cookie: str | None, csrf: str | None, token_id: int) -> None:
        with self.registry.db.read() as session:
            _, person = self.signin.signed_in(session, cookie, csrf)
            token = session.get(ApiToken, token_id)
            if token is None or token.person_id != person.id or token.membership_id is None:
                raise SignInRefused("not_found", "no such token of yours")
            membership = session.get(Membership, token.membership_id)
            assert membership is not None
            actor = actor_of(person, membership, token_id=None)
        self.accounts.revoke_token(actor, token_id)
