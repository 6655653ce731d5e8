"""Tables of people's identities: memberships, invitations, sign-in secrets, passkeys,
sessions and failed sign-ins.

A person (``person``) is one human with one e-mail address; everything they may do
comes from a membership, a (role, party) pair granted and revoked by someone entitled to.
Secrets are stored only as hashes (invitation links, session ids) or as what a check
needs (Argon2id password hashes, passkey public keys, the TOTP seed).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, LargeBinary, Text
from sqlmodel import Field, SQLModel

from registry.db.tables import _instant


class Membership(SQLModel, table=True):
    """One role of one person in one party: staff of the registry, auditor or admin of a
    body, holder contact of an organisation."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    role: str = Field(max_length=16)
    party_type: str = Field(max_length=16)  # registry | body | organisation
    body_id: int | None = Field(default=None, foreign_key="body.id", index=True)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    status: str = Field(max_length=16)  # active | suspended | revoked
    granted_by_id: int | None = Field(default=None, foreign_key="person.id")  # None: migrated
    granted_at: datetime = _instant()
    changed_by_id: int | None = Field(default=None, foreign_key="person.id")
    changed_at: datetime | None = _instant(nullable=True)


class Invitation(SQLModel, table=True):
    """A one-time link that proves a person controls an e-mail address (hash only)."""

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    email: str = Field(max_length=254)
    invited_by_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = _instant()
    expires_at: datetime = _instant()
    used_at: datetime | None = _instant(nullable=True)


class SignInSecret(SQLModel, table=True):
    """A person's password hash (Argon2id), TOTP seed, and account lock."""

    __tablename__ = "sign_in_secret"

    person_id: int = Field(foreign_key="person.id", primary_key=True)
    password_hash: str | None = Field(default=None, max_length=200)
    totp_secret: str | None = Field(default=None, max_length=64)
    totp_last_step: int | None = Field(default=None, sa_type=BigInteger)  # a code is accepted once
    locked_until: datetime | None = _instant(nullable=True)


class Passkey(SQLModel, table=True):
    """A WebAuthn credential: its id and public key (COSE), never a secret."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    credential_id: str = Field(max_length=1400, unique=True, index=True)  # base64url
    public_key: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    sign_count: int = Field(default=0, sa_type=BigInteger)  # WebAuthn counts to 2^32 - 1
    name: str = Field(max_length=100)
    created_at: datetime = _instant()
    last_used_at: datetime | None = _instant(nullable=True)


class WebSession(SQLModel, table=True):
    """A browser session of ``/account``: only the SHA-256 of its id is kept.

    Before sign-in a session has no person (it carries the CSRF token and a WebAuthn
    challenge); sign-in always makes a new one, so a fixed id is never promoted.
    ``pending_person_id`` is a person who gave the right password and still owes a TOTP code.
    """

    __tablename__ = "web_session"

    id_hash: str = Field(max_length=64, primary_key=True)
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    pending_person_id: int | None = Field(default=None, foreign_key="person.id")
    csrf: str = Field(max_length=64)
    challenge: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = _instant()
    expires_at: datetime = _instant(index=True)


class SignInFailure(SQLModel, table=True):
    """A failed sign-in: counted per account and per client to slow guessing down."""

    __tablename__ = "sign_in_failure"

    id: int | None = Field(default=None, primary_key=True)
    account: str = Field(max_length=254, index=True)  # the e-mail key tried
    client: str = Field(max_length=64, index=True)  # the client's address
    at: datetime = _instant(index=True)
