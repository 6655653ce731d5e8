"""Credential keys: which one signs, rotation, compromise, and the published JWKS.

Private keys stay in the key folder (``registry.signing``); the database holds only the
public half and its status, so every server process publishes the same JWKS.
"""

from __future__ import annotations

import os
import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from registry.config import Settings
from registry.db.tables import SigningKey
from registry.errors import ConflictError, InvalidInputError, NotFoundError
from registry.signing import FileKeyStore, KeyRecord, Kid, Signer, jwks_document, public_jwk
from registry.tlog import Ed25519NoteSigner
from registry.transparency import events

CREDENTIAL = "credential"
LOG = "log"


def resolve_passphrase(settings: Settings) -> bytes:
    """The key passphrase from the environment, a file, or (for a first run) a new file.

    A passphrase generated beside the keys only keeps a copied key file useless on its own;
    production sets ``REGISTRY_KEY_PASSPHRASE_FILE`` to a secret mounted elsewhere.
    """
    if settings.key_passphrase:
        return settings.key_passphrase.encode("utf-8")
    path = settings.key_passphrase_file or settings.keys_dir / "passphrase"
    if path.exists():
        value = path.read_bytes().strip()
        if not value:
            raise InvalidInputError(f"the key passphrase file {path.name} is empty")
        return value
    if settings.key_passphrase_file is not None:
        raise InvalidInputError(f"the key passphrase file {path} does not exist")
    if any(Path(settings.keys_dir).glob("*.key")):
        # A new random passphrase could never open the keys already there.
        raise InvalidInputError(
            "no key passphrase is set (REGISTRY_KEY_PASSPHRASE_FILE or REGISTRY_KEY_PASSPHRASE) "
            f"and {settings.keys_dir} holds encrypted keys: set the passphrase they were made with"
        )
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    value = secrets.token_urlsafe(32).encode("ascii")
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(value + b"\n")
    return value


class KeyRing:
    """The registry's signing keys as the services see them."""

    def __init__(self, store: FileKeyStore) -> None:
        self._store = store
        self._loaded: dict[str, Signer] = {}

    @classmethod
    def from_settings(cls, settings: Settings) -> KeyRing:
        store = FileKeyStore(
            Path(settings.keys_dir),
            resolve_passphrase(settings),
            kdf_rounds=settings.key_kdf_rounds,
        )
        return cls(store)

    def _active_row(self, session: Session, role: str) -> SigningKey | None:
        return session.exec(
            select(SigningKey).where(SigningKey.role == role, SigningKey.status == "active")
        ).first()

    def signer(self, session: Session, role: str = CREDENTIAL) -> Signer:
        """The active key of ``role``, loaded once per process."""
        row = self._active_row(session, role)
        if row is None:
            raise ConflictError(f"the registry has no active {role} key; run `registry init`")
        if row.kid not in self._loaded:
            self._loaded[row.kid] = self._store.load(role, row.kid)
        return self._loaded[row.kid]

    def verify_active(self, session: Session) -> None:
        """Load every active key now, so that a wrong passphrase or a key file open to
        others stops a server at start (KeyFileError naming the file), not at its first
        signature."""
        for role in (LOG, CREDENTIAL):
            if self._active_row(session, role) is not None:
                self.signer(session, role)

    def ensure(self, session: Session, now: datetime, role: str = CREDENTIAL) -> SigningKey:
        """The active key of ``role``, made (and published) when there is none."""
        row = self._active_row(session, role)
        return row if row is not None else self._add(session, role, now)

    def cover_from(self, session: Session, start: datetime) -> None:
        """Move the active keys' ``not_before`` back to ``start`` (see the service)."""
        for role in (LOG, CREDENTIAL):
            row = self._active_row(session, role)
            if row is not None and _aware(row.not_before) > start:
                row.not_before = start
                session.add(row)
        session.flush()

    def _add(self, session: Session, role: str, now: datetime) -> SigningKey:
        signer = self._store.create(role)
        jwk = public_jwk(signer.public_key())
        row = SigningKey(kid=signer.kid, role=role, x=jwk["x"], status="active", not_before=now)
        session.add(row)
        session.flush()
        self._loaded[signer.kid] = signer
        events.record(session, events.RegistryEvent(type="key.added", at=now, data=_key_data(row)))
        return row

    def note_signer(self, session: Session, origin: str) -> Ed25519NoteSigner:
        """The log key as a C2SP signed-note signer named after the log's origin."""
        signer = self.signer(session, LOG)
        return Ed25519NoteSigner(origin, signer.public_key().public_bytes_raw(), signer.sign)

    def rotate(self, session: Session, now: datetime, role: str = CREDENTIAL) -> SigningKey:
        """Publish a new key and retire the old one; the old stays in the JWKS forever."""
        old = self._active_row(session, role)
        if old is not None:
            old.status, old.retired_at = "retired", now
            session.add(old)
            session.flush()
            events.record(
                session, events.RegistryEvent(type="key.retired", at=now, data=_key_data(old))
            )
        return self._add(session, role, now)

    def mark_compromised(
        self, session: Session, kid: str, at: datetime, now: datetime
    ) -> SigningKey:
        """Flag a key as compromised since ``at``; an active key is replaced at once."""
        row = session.exec(select(SigningKey).where(SigningKey.kid == kid)).first()
        if row is None:
            raise NotFoundError(f"no key with id {kid!r}")
        if at > now:
            raise InvalidInputError("the time of compromise cannot be in the future")
        was_active = row.status == "active"
        row.status, row.compromised_at = "compromised", at
        if row.retired_at is None:
            row.retired_at = now
        session.add(row)
        session.flush()
        self._loaded.pop(kid, None)
        events.record(
            session, events.RegistryEvent(type="key.compromised", at=now, data=_key_data(row))
        )
        if was_active:
            self._add(session, row.role, now)
        return row


def key_records(session: Session, role: str = CREDENTIAL) -> list[KeyRecord]:
    rows = session.exec(
        select(SigningKey).where(SigningKey.role == role).order_by(col(SigningKey.id))
    ).all()
    return [key_record(r) for r in rows]


def jwks(session: Session) -> dict[str, Any]:
    """Every credential key the registry ever used, with its status."""
    return jwks_document(key_records(session))


def _key_data(row: SigningKey) -> dict[str, Any]:
    return {"role": row.role, **jwks_document([key_record(row)])["keys"][0]}


def key_record(row: SigningKey) -> KeyRecord:
    return KeyRecord(
        kid=Kid(row.kid),
        x=row.x,
        status=row.status,  # type: ignore[arg-type]
        not_before=row.not_before,
        retired_at=row.retired_at,
        compromised_at=row.compromised_at,
    )


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; every instant the registry stores is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
