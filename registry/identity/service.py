"""Identity use cases: who a bearer token is, people invited into memberships, tokens
made by their own person, and the secret that signs the public forms' time tokens."""

from __future__ import annotations

from collections.abc import Sequence

from registry.bodies.schemas import AffiliationCreate, PersonPublic
from registry.domain.vocabulary import Role
from registry.errors import PermissionDeniedError
from registry.identity import auth, form_secret
from registry.identity.accounts import Accounts
from registry.identity.auth import Actor
from registry.identity.mail import Mailer as Mailer  # other features send notices through it
from registry.identity.memberships import Party
from registry.identity.portal import Portal
from registry.identity.schemas import Acting, MePublic, TokenIssued
from registry.transparency.unit_of_work import UnitOfWork


class IdentityService:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.accounts = Accounts(uow)
        self._form_secret: bytes | None = None
        self._portal: Portal | None = None

    def acting(
        self,
        cookie: str | None,
        role: Role,
        *,
        csrf: str | None = None,
        check_csrf: bool = False,
        membership_id: int | None = None,
    ) -> Acting:
        """The signed-in person of a browser session acting in ``role`` (the work
        portals); see ``portal.Portal.acting`` for what it raises."""
        if self._portal is None:
            from registry.identity.signin import SignIn

            self._portal = Portal(SignIn(self.uow), self.accounts)
        return self._portal.acting(
            cookie, role, csrf=csrf, check_csrf=check_csrf, membership_id=membership_id
        )

    def send_mail(self, to: str, subject: str, body: str) -> None:
        """One plain-text e-mail through the registry's mail settings (for notices that
        other features send to people)."""
        self.accounts.mailer.send(to, subject, body)

    def authenticate(self, token: str) -> Actor:
        with self.uow.db.read() as session:
            return auth.authenticate(session, token)

    def whoami(self, actor: Actor) -> MePublic:
        return self.accounts.me(actor)

    def invite(
        self,
        actor: Actor,
        name: str,
        email: str,
        role: Role,
        party: Party,
        affiliations: Sequence[AffiliationCreate] = (),
    ) -> PersonPublic:
        """Grant the person with ``email`` (made when new) ``role`` in ``party`` and mail
        them an invitation (see ``accounts.Accounts.invite``)."""
        return self.accounts.invite(actor, name, email, role, party, affiliations)

    def issue_token(self, actor: Actor, person_id: str, label: str) -> TokenIssued:
        """Refused: a token is made only by its own person (``POST /api/v1/me/tokens`` or
        the account pages), so that nobody can act as someone else."""
        raise PermissionDeniedError(
            "tokens are created only by the person they belong to: "
            "POST /api/v1/me/tokens or the account pages"
        )

    def revoke_token(self, actor: Actor, token_id: int) -> None:
        self.accounts.revoke_token(actor, token_id)

    def create_staff_token(
        self, name: str, label: str = "command line", email: str | None = None
    ) -> TokenIssued:
        """A staff membership and token: the way in for a new installation (CLI only)."""
        return self.accounts.bootstrap_staff(name, email, label)

    def form_secret(self) -> bytes:
        """The per-registry secret that signs the public forms' time tokens (made once,
        never changed, so kept after the first read)."""
        if self._form_secret is None:
            with self.uow.db.read() as session:
                found = form_secret.read_form_secret(session)
            if found is None:
                with self.uow.db.write() as session:
                    found = form_secret.ensure_form_secret(session)
            self._form_secret = found
        return self._form_secret
