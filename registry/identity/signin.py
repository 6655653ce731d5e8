"""Signing in to ``/account``: invitations, passwords, TOTP, and the session they open.

Each method is one transaction. Refusals are ``SignInRefused`` with a ``reason`` the
pages translate; the detail never tells whether an address has an account. Every
successful step that changes who is signed in replaces the session (a new id).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from sqlmodel import Session, select

from registry.db.identity_tables import Passkey, SignInSecret, WebSession
from registry.db.tables import Person, pk
from registry.domain.vocabulary import Role
from registry.errors import ErrorKind, RegistryError
from registry.identity import invitations, memberships, passwords, persons, sessions, throttle, totp
from registry.identity.passkeys import RelyingParty

if TYPE_CHECKING:
    from registry.transparency.unit_of_work import UnitOfWork

SECOND_FACTOR_ROLES = frozenset({Role.STAFF.value, Role.BODY_ADMIN.value})


class SignInRefused(RegistryError):
    """A sign-in step refused; ``reason`` names why for the page, ``wait`` in seconds."""

    kind: ClassVar[ErrorKind] = ErrorKind.UNAUTHENTICATED

    def __init__(self, reason: str, detail: str, wait: float = 0.0) -> None:
        super().__init__(detail)
        self.reason = reason
        self.wait = wait


@dataclass(frozen=True)
class Visit:
    """A browser's session as a page needs it; ``cookie`` is set when it is new."""

    csrf: str
    person_id: int | None
    pending_person_id: int | None
    cookie: str | None = None


def _secret(session: Session, person_id: int) -> SignInSecret:
    found = session.get(SignInSecret, person_id)
    if found is None:
        found = SignInSecret(person_id=person_id)
        session.add(found)
        session.flush()
    return found


def needs_second_factor(session: Session, person_id: int) -> bool:
    """Staff and body admins must hold a passkey or TOTP before they do anything else."""
    roles = {m.role for m in memberships.memberships_of(session, person_id, live=True)}
    if not roles & SECOND_FACTOR_ROLES:
        return False
    secret = session.get(SignInSecret, person_id)
    has_totp = secret is not None and secret.totp_secret is not None
    has_passkey = session.exec(select(Passkey.id).where(Passkey.person_id == person_id)).first()
    return not (has_totp or has_passkey is not None)


class SignIn:
    """The sign-in use cases over the registry's unit of work."""

    def __init__(self, registry: UnitOfWork) -> None:
        self.registry = registry
        self.rp = RelyingParty.of(registry.settings.public_url)

    def _now(self) -> datetime:
        return self.registry.clock()

    # --- sessions ---------------------------------------------------------------------

    def visit(self, cookie: str | None) -> Visit:
        """The browser's session, or a new anonymous one (which carries the CSRF token)."""
        now = self._now()
        with self.registry.write() as session:
            row = sessions.find(session, cookie, now)
            if row is not None:
                return Visit(row.csrf, row.person_id, row.pending_person_id)
            new_id, row = sessions.open_session(session, now)
            return Visit(row.csrf, None, None, cookie=new_id)

    def _checked(self, session: Session, cookie: str | None, csrf: str | None) -> WebSession:
        row = sessions.find(session, cookie, self._now())
        try:
            sessions.check_csrf(row, csrf)
        except RegistryError:
            raise SignInRefused("csrf", "the form's security token is missing or wrong") from None
        assert row is not None
        return row

    def signed_in(
        self, session: Session, cookie: str | None, csrf: str | None
    ) -> tuple[WebSession, Person]:
        """The session and person of a signed-in form post (CSRF checked)."""
        row = self._checked(session, cookie, csrf)
        if row.person_id is None:
            raise SignInRefused("signed_out", "you are not signed in")
        return row, persons.person_by_id(session, row.person_id)

    def sign_out(self, cookie: str | None, csrf: str | None) -> None:
        with self.registry.write() as session:
            sessions.end(session, self._checked(session, cookie, csrf))

    # --- invitations ------------------------------------------------------------------

    def invitation(self, token: str) -> tuple[str, str]:
        """(name, e-mail) of an open invitation, or SignInRefused('invitation')."""
        with self.registry.db.read() as session:
            try:
                invitation, person = invitations.find(session, token, self._now())
            except RegistryError as error:
                raise SignInRefused("invitation", error.detail) from None
            return person.name, invitation.email

    def accept_invitation(
        self, cookie: str | None, csrf: str | None, token: str, password: str, repeated: str
    ) -> str:
        """Verify the address, set the password, and sign in: the new session's cookie."""
        now = self._now()
        if password != repeated:
            raise SignInRefused("mismatch", "the two passwords differ")
        if not passwords.MIN_LENGTH <= len(password) <= passwords.MAX_LENGTH:
            raise SignInRefused(
                "weak", f"a password needs at least {passwords.MIN_LENGTH} characters"
            )
        with self.registry.write() as session:
            row = self._checked(session, cookie, csrf)
            try:
                invitation, person = invitations.find(session, token, now)
                invitations.accept(session, invitation, person, now)
            except RegistryError as error:
                raise SignInRefused("invitation", error.detail) from None
            _secret(session, pk(person)).password_hash = passwords.hash_password(password)
            new_id, _ = sessions.replace(session, row, now, pk(person))
            return new_id

    # --- password and TOTP ------------------------------------------------------------

    def password(
        self, cookie: str | None, csrf: str | None, email: str, password: str, client: str
    ) -> tuple[str, bool]:
        """Check a password: (new session cookie, True when a TOTP code is still owed)."""
        now = self._now()
        key = email.strip().lower()[:254]
        failed: SignInRefused | None = None
        with self.registry.write() as session:
            row = self._checked(session, cookie, csrf)
            try:
                person = persons.person_by_email(session, email)
            except RegistryError:
                person = None
            secret = session.get(SignInSecret, person.id) if person is not None else None
            since = self._since(secret, now)
            wait = throttle.wait_seconds(session, key, client, now, since=since)
            if wait > 0:
                raise SignInRefused("slow", f"too many failed sign-ins: wait {wait:.0f} s", wait)
            locked = (
                secret is not None and secret.locked_until is not None and secret.locked_until > now
            )
            good = passwords.verify(secret.password_hash if secret else None, password)
            if locked:
                raise SignInRefused(
                    "locked",
                    "this account is locked for 15 minutes after repeated failures; a passkey still works",
                )
            if not good or person is None or person.email_verified_at is None:
                # Recorded in this transaction, which must commit: raised after it.
                self._fail(session, key, client, secret, now, since)
                failed = SignInRefused("wrong", "the e-mail address or password is wrong")
            else:
                assert person is not None and secret is not None
                return self._after_password(session, row, person, secret, key, now)
        assert failed is not None
        raise failed

    def _after_password(
        self,
        session: Session,
        row: WebSession,
        person: Person,
        secret: SignInSecret,
        key: str,
        now: datetime,
    ) -> tuple[str, bool]:
        """The right password: on to the TOTP step, or signed in (a new session)."""
        if secret.totp_secret is not None:
            new_id, _ = sessions.replace(session, row, now, pending=pk(person))
            return new_id, True
        roles = {m.role for m in memberships.memberships_of(session, pk(person), live=True)}
        has_passkey = session.exec(select(Passkey.id).where(Passkey.person_id == person.id)).first()
        if roles & SECOND_FACTOR_ROLES and has_passkey is not None:
            raise SignInRefused(
                "passkey_needed", "your role needs a second factor: sign in with your passkey"
            )
        throttle.forget(session, key, now)
        new_id, _ = sessions.replace(session, row, now, pk(person))
        return new_id, False

    def totp(self, cookie: str | None, csrf: str | None, code: str, client: str) -> str:
        """The second step after a password: a TOTP code; the signed-in session's cookie."""
        now = self._now()
        with self.registry.write() as session:
            row = self._checked(session, cookie, csrf)
            if row.pending_person_id is None:
                raise SignInRefused("signed_out", "sign in with your password first")
            person = persons.person_by_id(session, row.pending_person_id)
            key = person.email_key or person.pseudonym
            secret = _secret(session, pk(person))
            since = self._since(secret, now)
            wait = throttle.wait_seconds(session, key, client, now, since=since)
            if wait > 0:
                raise SignInRefused("slow", f"too many failed sign-ins: wait {wait:.0f} s", wait)
            if secret.locked_until is not None and secret.locked_until > now:
                raise SignInRefused("locked", "this account is locked for 15 minutes")
            step = totp.matching_step(secret.totp_secret or "", code, now, secret.totp_last_step)
            if step is None:
                self._fail(session, key, client, secret, now, since)
            else:
                secret.totp_last_step = step
                throttle.forget(session, key, now)
                new_id, _ = sessions.replace(session, row, now, pk(person))
                return new_id
        # The failure is committed before it is reported.
        raise SignInRefused("wrong_code", "the code is wrong or was already used")

    def _since(self, secret: SignInSecret | None, now: datetime) -> datetime | None:
        """Failures before a lock that has ended no longer count."""
        if secret is not None and secret.locked_until is not None and secret.locked_until <= now:
            return secret.locked_until
        return None

    def _fail(
        self,
        session: Session,
        key: str,
        client: str,
        secret: SignInSecret | None,
        now: datetime,
        since: datetime | None,
    ) -> None:
        if throttle.record_failure(session, key, client, now, since=since) and secret is not None:
            secret.locked_until = now + throttle.LOCK_FOR
            session.add(secret)

    # --- the second factor: TOTP set-up -----------------------------------------------

    def totp_begin(self, cookie: str | None, csrf: str | None) -> tuple[str, str]:
        """A new TOTP secret kept in the session until confirmed: (secret, otpauth URI)."""
        with self.registry.write() as session:
            row, person = self.signed_in(session, cookie, csrf)
            secret = totp.new_secret()
            row.challenge = "totp:" + secret
            session.add(row)
            account = person.email or person.pseudonym
            return secret, totp.provisioning_uri(secret, account, "Keurmerkenregister")

    def totp_confirm(self, cookie: str | None, csrf: str | None, code: str) -> None:
        now = self._now()
        with self.registry.write() as session:
            row, person = self.signed_in(session, cookie, csrf)
            pending = (row.challenge or "").removeprefix("totp:")
            if not (row.challenge or "").startswith("totp:") or not pending:
                raise SignInRefused("totp_expired", "start the TOTP set-up again")
            step = totp.matching_step(pending, code, now, None)
            if step is None:
                raise SignInRefused("wrong_code", "the code is wrong")
            secret = _secret(session, pk(person))
            secret.totp_secret, secret.totp_last_step = pending, step
            row.challenge = None
            session.add_all([secret, row])

    def totp_remove(self, cookie: str | None, csrf: str | None) -> None:
        with self.registry.write() as session:
            _, person = self.signed_in(session, cookie, csrf)
            secret = _secret(session, pk(person))
            has_passkey = session.exec(
                select(Passkey.id).where(Passkey.person_id == person.id)
            ).first()
            roles = {m.role for m in memberships.memberships_of(session, pk(person), live=True)}
            if roles & SECOND_FACTOR_ROLES and has_passkey is None:
                raise SignInRefused(
                    "last_factor", "your role needs a passkey or TOTP: add a passkey first"
                )
            secret.totp_secret, secret.totp_last_step = None, None
            session.add(secret)
