"""The passkey ceremonies of ``/account``: register one (signed in), sign in with one.

The challenge of a ceremony lives in the browser's session row and is used once. A
passkey sign-in is never slowed per account nor stopped by a lock (see ``throttle``).
"""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from registry.db.identity_tables import Passkey
from registry.db.tables import pk
from registry.errors import RegistryError
from registry.identity import passkeys, persons, sessions
from registry.identity.signin import SignIn, SignInRefused, needs_second_factor


class PasskeyFlows:
    def __init__(self, signin: SignIn) -> None:
        self.signin = signin
        self.registry = signin.registry

    def _rp(self) -> passkeys.RelyingParty:
        if self.signin.rp is None:
            raise SignInRefused(
                "no_passkeys", "passkeys need a host name; this registry is served on an IP address"
            )
        return self.signin.rp

    def register_options(self, cookie: str | None, csrf: str | None) -> str:
        rp = self._rp()
        with self.registry.write() as session:
            row, person = self.signin.signed_in(session, cookie, csrf)
            existing = list(
                session.exec(select(Passkey.credential_id).where(Passkey.person_id == person.id))
            )
            options, challenge = passkeys.registration_options(
                rp,
                person.pseudonym.encode(),
                person.email or person.pseudonym,
                person.name,
                existing,
            )
            row.challenge = "register:" + challenge
            session.add(row)
            return options

    def register(self, cookie: str | None, csrf: str | None, name: str, credential: Any) -> None:
        rp = self._rp()
        now = self.registry.clock()
        with self.registry.write() as session:
            row, person = self.signin.signed_in(session, cookie, csrf)
            challenge = (row.challenge or "").removeprefix("register:")
            if not (row.challenge or "").startswith("register:"):
                raise SignInRefused("passkey_failed", "start adding the passkey again")
            row.challenge = None
            session.add(row)
            try:
                new = passkeys.verify_registration(rp, credential, challenge)
            except RegistryError as error:
                raise SignInRefused("passkey_failed", error.detail) from None
            session.add(
                Passkey(
                    person_id=pk(person),
                    credential_id=new.credential_id,
                    public_key=new.public_key,
                    sign_count=new.sign_count,
                    name=(name.strip() or "passkey")[:100],
                    created_at=now,
                )
            )

    def remove(self, cookie: str | None, csrf: str | None, passkey_id: int) -> None:
        """Remove one's passkey, unless one's role would be left without a second factor."""
        with self.registry.write() as session:
            _, person = self.signin.signed_in(session, cookie, csrf)
            found = session.get(Passkey, passkey_id)
            if found is None or found.person_id != person.id:
                raise SignInRefused("not_found", "no such passkey of yours")
            session.delete(found)
            session.flush()
            if needs_second_factor(session, pk(person)):
                raise SignInRefused(
                    "last_factor", "your role needs a passkey or TOTP: set up TOTP first"
                )

    def sign_in_options(self, cookie: str | None, csrf: str | None) -> str:
        rp = self._rp()
        with self.registry.write() as session:
            row = self.signin._checked(session, cookie, csrf)
            options, challenge = passkeys.authentication_options(rp)
            row.challenge = "authenticate:" + challenge
            session.add(row)
            return options

    def sign_in(self, cookie: str | None, csrf: str | None, credential: Any) -> str:
        """Check the assertion and sign its person in: the new session's cookie."""
        rp = self._rp()
        now = self.registry.clock()
        with self.registry.write() as session:
            row = self.signin._checked(session, cookie, csrf)
            challenge = (row.challenge or "").removeprefix("authenticate:")
            if not (row.challenge or "").startswith("authenticate:"):
                raise SignInRefused("passkey_failed", "start the passkey sign-in again")
            credential_id = passkeys.credential_id_of(credential)
            found = session.exec(
                select(Passkey).where(Passkey.credential_id == credential_id)
            ).first()
            if found is None:
                raise SignInRefused("passkey_failed", "this passkey is not known here")
            try:
                count = passkeys.verify_authentication(
                    rp, credential, challenge, found.public_key, found.sign_count
                )
            except RegistryError as error:
                raise SignInRefused("passkey_failed", error.detail) from None
            found.sign_count, found.last_used_at = count, now
            session.add(found)
            persons.person_by_id(session, found.person_id)
            new_id, _ = sessions.replace(session, row, now, found.person_id)
            return new_id
