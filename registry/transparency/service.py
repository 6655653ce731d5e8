"""The log's service side: checkpoints, proofs, tiles and entries for readers, and the
keys that sign them (made, rotated, marked compromised)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from registry.discovery.issuer import ensure_issuer_url
from registry.domain.vocabulary import Role
from registry.edge.caches import Caches, FreshCache
from registry.edge.schemas import Page
from registry.identity.auth import Actor
from registry.signing.jwks import KeyRecord
from registry.tlog.policy import Policy
from registry.transparency import continuation, cosigning, journal, keys, queries
from registry.transparency.schemas import ConsistencyProof, InclusionProof, LogEntryPublic
from registry.transparency.unit_of_work import UnitOfWork


class TransparencyService:
    def __init__(self, uow: UnitOfWork, caches: Caches) -> None:
        self.uow = uow
        self.caches = caches
        self._checkpoint: FreshCache[str, str] = caches.fresh(max_entries=1)
        self._proofs: FreshCache[tuple[int, int], InclusionProof] = caches.fresh()
        self._tiles: FreshCache[str, tuple[bytes, bool]] = caches.fresh()
        self.witness_policy: Policy | None = cosigning.load_policy(uow.settings.witnesses_file)

    def sign_checkpoint(self) -> int:
        return self.uow.sign_checkpoint()

    # --- restore ----------------------------------------------------------------------------

    def check_restored(self) -> continuation.RestoreCheck:
        """Compare a just-restored log with the checkpoint last published (kept beside the
        keys); a log behind it leaves the registry refusing to serve until
        ``continue_log``."""
        with self.uow.db.write() as session:
            return continuation.check_restored(session, self.uow.settings.keys_dir)

    def refuse_if_pending(self) -> None:
        """Raises ConflictError while a restore waits for ``registry log continue``."""
        with self.uow.db.read() as session:
            continuation.refuse_if_pending(session)

    def continue_log(self) -> str:
        """The operator's confirmation: a new log origin whose first entry carries the
        published checkpoint (``continuation.continue_log``); returns the new origin."""
        with self.uow.write(continuing=True) as session:
            origin = continuation.continue_log(
                session, self.uow.settings.keys_dir, self.uow.settings.public_host, self.uow.clock()
            )
        self._write_jwks_copy()
        return origin

    def log_checkpoint(self) -> str:
        return self._checkpoint.fetch("head", self._read_checkpoint)

    def _read_checkpoint(self) -> str:
        with self.uow.db.read() as session:
            return cosigning.cosigned_note(session, queries.published(session))

    def witness_status(self) -> cosigning.CosigningStatus | None:
        """How many witnesses cosigned the latest checkpoint (None without witnesses)."""
        policy = self.witness_policy
        if policy is None:
            return None

        def read() -> cosigning.CosigningStatus | None:
            with self.uow.db.read() as session:
                return cosigning.status(session, policy)

        return self.caches.remember(("witness_status",), read)

    async def log_checkpoint_soon(self) -> str:
        return await self._checkpoint.fetch_soon("head", self._read_checkpoint)

    async def inclusion_proof_soon(self, index: int, tree_size: int) -> InclusionProof:
        return await self._proofs.fetch_soon(
            (index, tree_size), lambda: self._read_inclusion_proof(index, tree_size)
        )

    async def log_tile_soon(self, path: str) -> tuple[bytes, bool]:
        return await self._tiles.fetch_soon(path, lambda: self._read_tile(path))

    def log_vkey(self) -> str:
        def read() -> str:
            with self.uow.db.read() as session:
                return queries.vkey(session)

        return self.caches.remember(("log_vkey",), read)

    def log_origin(self) -> str:
        """The log's origin, fixed at init."""

        def read() -> str:
            with self.uow.db.read() as session:
                return journal.origin(session)

        return self.caches.remember(("log_origin",), read)

    def log_entries(self, start: int, end: int) -> Page[LogEntryPublic]:
        with self.uow.db.read() as session:
            return queries.entries(session, start, end)

    def inclusion_proof(self, index: int, tree_size: int) -> InclusionProof:
        """RFC 9162 inclusion proof with the latest checkpoint; kept until the log grows."""
        return self._proofs.fetch(
            (index, tree_size), lambda: self._read_inclusion_proof(index, tree_size)
        )

    def _read_inclusion_proof(self, index: int, tree_size: int) -> InclusionProof:
        with self.uow.db.read() as session:
            return queries.inclusion(session, index, tree_size)

    def consistency_proof(self, first: int, second: int) -> ConsistencyProof:
        with self.uow.db.read() as session:
            return queries.consistency(session, first, second)

    def log_tile(self, path: str) -> tuple[bytes, bool]:
        """A tile's bytes and whether it is full; a missing tile is not kept."""
        return self._tiles.fetch(path, lambda: self._read_tile(path))

    def _read_tile(self, path: str) -> tuple[bytes, bool]:
        with self.uow.db.read() as session:
            return queries.tile(session, path)

    def certificate_proof(self, code: str) -> bytes:
        with self.uow.db.read() as session:
            return queries.certificate_proof(session, code)

    def entry_proof(self, index: int) -> bytes:
        """The proof bundle of entry ``index`` under the latest signed checkpoint (held
        in memory until the next change): two statements, the entry and its hashes."""
        note = self.log_checkpoint()
        with self.uow.db.read() as session:
            return queries.entry_proof(session, index, note)

    # --- keys -----------------------------------------------------------------------------

    def jwks(self) -> dict[str, Any]:
        def read() -> dict[str, Any]:
            with self.uow.db.read() as session:
                return keys.jwks(session)

        return self.caches.remember(("jwks",), read)

    def verify_keys(self) -> None:
        """Load every active key now, so that a wrong passphrase or a key file open to
        others stops a server at start, not at its first signature."""
        with self.uow.db.read() as session:
            self.uow.keyring.verify_active(session)

    def ensure_keys(self) -> str:
        """Fix the log's origin and the issuer URL, and make the log and credential keys
        when missing."""
        uow = self.uow
        with uow.db.write() as session:
            journal.serialise(session)  # two servers starting at once make one set of keys
            journal.ensure_origin(session, uow.settings.public_host, uow.settings.log_origin)
            ensure_issuer_url(session, uow.settings.public_url, uow.settings.issuer_url)
            uow.keyring.ensure(session, uow.clock(), keys.LOG)
            kid = uow.keyring.ensure(session, uow.clock()).kid
        self.sign_checkpoint()
        self._write_jwks_copy()
        return kid

    def cover_history_from(self, start: datetime) -> None:
        """Date the active keys' published validity back to ``start``.

        Only for a registry that has signed nothing yet and is about to be filled with a
        history dated in the past (the demo): an independent verifier that honours
        ``not_before`` must accept every credential of that history.
        """
        with self.uow.write() as session:
            self.uow.keyring.cover_from(session, start)
        self._write_jwks_copy()

    def key_status(self, actor: Actor) -> list[KeyRecord]:
        """Every credential key, oldest first, with its status and times (staff)."""
        actor.require(Role.STAFF)
        with self.uow.db.read() as session:
            return keys.key_records(session)

    def rotate_keys_by(self, actor: Actor) -> str:
        """``rotate_keys`` by a member of staff, recorded as their write."""
        actor.require(Role.STAFF)
        with self.uow.write(actor, "rotate_keys") as session:
            kid = self.uow.keyring.rotate(session, self.uow.clock()).kid
        self._write_jwks_copy()
        return kid

    def rotate_keys(self) -> str:
        with self.uow.write() as session:
            kid = self.uow.keyring.rotate(session, self.uow.clock()).kid
        self._write_jwks_copy()
        return kid

    def mark_compromised(self, kid: str, at: datetime) -> None:
        with self.uow.write() as session:
            self.uow.keyring.mark_compromised(session, kid, at, self.uow.clock())
        self._write_jwks_copy()

    def _write_jwks_copy(self) -> None:
        """Public copies of the JWKS and the log's verifier key beside the keys, for
        ``registry verify`` offline."""
        folder = Path(self.uow.settings.keys_dir)
        _replace_file(folder / "jwks.json", json.dumps(self.jwks(), indent=2) + "\n")
        _replace_file(folder / "log.vkey", self.log_vkey() + "\n")


def _replace_file(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (readers never see half a file)."""
    temporary = path.with_suffix(path.suffix + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
