"""The log's service side: checkpoints, proofs, tiles and entries for readers, and the
keys that sign them (made, rotated, marked compromised)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from registry.edge.caches import Caches, FreshCache, soon
from registry.edge.schemas import Page
from registry.transparency import journal, keys, queries
from registry.transparency.schemas import ConsistencyProof, InclusionProof, LogEntryPublic
from registry.transparency.unit_of_work import UnitOfWork


class TransparencyService:
    def __init__(self, uow: UnitOfWork, caches: Caches) -> None:
        self.uow = uow
        self.caches = caches
        self._checkpoint: FreshCache[str, str] = caches.fresh(max_entries=1)
        self._proofs: FreshCache[tuple[int, int], InclusionProof] = caches.fresh()
        self._tiles: FreshCache[str, tuple[bytes, bool]] = caches.fresh()

    def sign_checkpoint(self) -> int:
        return self.uow.sign_checkpoint()

    def log_checkpoint(self) -> str:
        return self._checkpoint.fetch("head", self._read_checkpoint)

    def _read_checkpoint(self) -> str:
        with self.uow.db.read() as session:
            return queries.published(session).note

    async def log_checkpoint_soon(self) -> str:
        return await soon(self._checkpoint, "head", self.log_checkpoint)

    async def inclusion_proof_soon(self, index: int, tree_size: int) -> InclusionProof:
        return await soon(
            self._proofs, (index, tree_size), lambda: self.inclusion_proof(index, tree_size)
        )

    async def log_tile_soon(self, path: str) -> tuple[bytes, bool]:
        return await soon(self._tiles, path, lambda: self.log_tile(path))

    def log_vkey(self) -> str:
        def read() -> str:
            with self.uow.db.read() as session:
                return queries.vkey(session)

        return self.caches.remember(("log_vkey",), read)

    def log_entries(self, start: int, end: int) -> Page[LogEntryPublic]:
        with self.uow.db.read() as session:
            return queries.entries(session, start, end)

    def inclusion_proof(self, index: int, tree_size: int) -> InclusionProof:
        """RFC 9162 inclusion proof with the latest checkpoint; kept until the log grows."""

        def read() -> InclusionProof:
            with self.uow.db.read() as session:
                return queries.inclusion(session, index, tree_size)

        return self._proofs.fetch((index, tree_size), read)

    def consistency_proof(self, first: int, second: int) -> ConsistencyProof:
        with self.uow.db.read() as session:
            return queries.consistency(session, first, second)

    def log_tile(self, path: str) -> tuple[bytes, bool]:
        """A tile's bytes and whether it is full; a missing tile is not kept."""

        def read() -> tuple[bytes, bool]:
            with self.uow.db.read() as session:
                return queries.tile(session, path)

        return self._tiles.fetch(path, read)

    def certificate_proof(self, code: str) -> bytes:
        with self.uow.db.read() as session:
            return queries.certificate_proof(session, code)

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
        """Fix the log's origin and make the log and credential keys when missing."""
        uow = self.uow
        with uow.db.write() as session:
            journal.serialise(session)  # two servers starting at once make one set of keys
            journal.ensure_origin(session, uow.settings.public_host, uow.settings.log_origin)
            uow.keyring.ensure(session, uow.clock(), keys.LOG)
            kid = uow.keyring.ensure(session, uow.clock()).kid
        self.sign_checkpoint()
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
