"""Identity use cases: who a bearer token is, tokens issued and revoked, and the secret
that signs the public forms' time tokens."""

from __future__ import annotations

from registry.bodies import store as people
from registry.bodies.schemas import PersonPublic
from registry.identity import auth, form_secret
from registry.identity.auth import Actor
from registry.identity.schemas import TokenIssued
from registry.transparency.unit_of_work import UnitOfWork


class IdentityService:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self._form_secret: bytes | None = None

    def authenticate(self, token: str) -> Actor:
        with self.uow.db.read() as session:
            return auth.authenticate(session, token)

    def whoami(self, actor: Actor) -> PersonPublic:
        with self.uow.db.read() as session:
            return people.person_public(
                session, people.person_by_pseudonym(session, actor.pseudonym)
            )

    def issue_token(self, actor: Actor, person_id: str, label: str) -> TokenIssued:
        with self.uow.write(actor, "issue_token") as session:
            person = people.person_by_pseudonym(session, person_id)
            row, plain = auth.issue_token_for(session, actor, person, label, self.uow.clock())
            assert row.id is not None
            return TokenIssued(id=row.id, token=plain, role=row.role, person=person.pseudonym)

    def revoke_token(self, actor: Actor, token_id: int) -> None:
        with self.uow.write(actor, "revoke_token") as session:
            auth.revoke_token(session, actor, token_id, self.uow.clock())

    def create_staff_token(self, name: str, label: str = "command line") -> TokenIssued:
        """A new staff person and token: the way in for a new installation (CLI only)."""
        with self.uow.write() as session:
            person = people.add_staff_person(session, name, self.uow.clock())
            row, plain = auth.issue_token(session, person, label, self.uow.clock())
            assert row.id is not None
            return TokenIssued(id=row.id, token=plain, role=row.role, person=person.pseudonym)

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
