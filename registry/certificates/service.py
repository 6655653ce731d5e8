"""Certificate use cases: reading certificates (from memory until the next change),
status changes, holder domains, expiry and credentials."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from registry.certificates import queries, store
from registry.certificates.queries import CertificateSnapshot
from registry.certificates.schemas import CertificatePublic, CoveredDomain
from registry.domain.status import Transition
from registry.edge.caches import Caches, FreshCache
from registry.edge.schemas import Page
from registry.errors import NotFoundError
from registry.identity.auth import Actor
from registry.transparency.unit_of_work import UnitOfWork


class CertificateService:
    def __init__(self, uow: UnitOfWork, caches: Caches) -> None:
        self.uow = uow
        self.caches = caches
        self._certificates: FreshCache[str, CertificateSnapshot | NotFoundError] = caches.fresh()

    def change_status(
        self, actor: Actor, code: str, transition: Transition, reason: str
    ) -> CertificatePublic:
        with self.uow.write(actor, "change_status") as session:
            now = self.uow.clock()
            certificate = store.change_status(session, actor, code, transition, reason, now)
            return queries.certificate_public(session, certificate, now)

    def expire_due(self) -> list[str]:
        with self.uow.write() as session:
            return store.expire_due(session, self.uow.clock())

    def add_domain(self, actor: Actor, code: str, domain: str) -> CoveredDomain:
        with self.uow.write(actor, "add_domain") as session:
            row = store.add_holder_domain(session, actor, code, domain, self.uow.clock())
            return CoveredDomain(domain=row.domain, source="holder", added_at=row.added_at)

    def remove_domain(self, actor: Actor, code: str, domain: str) -> None:
        with self.uow.write(actor, "remove_domain") as session:
            store.remove_holder_domain(session, actor, code, domain, self.uow.clock())

    def certificate(self, code: str) -> CertificatePublic:
        return self.certificate_snapshot(code).public

    def certificate_snapshot(self, code: str) -> CertificateSnapshot:
        """The certificate with its JSON and ETag, from memory until the next change."""
        return _found(self._certificates.fetch(code, lambda: self._load(code), _until))

    async def certificate_snapshot_soon(self, code: str) -> CertificateSnapshot:
        """``certificate_snapshot`` for async handlers: from memory on the event loop when
        fresh, else loaded in a worker thread."""
        return _found(await self._certificates.fetch_soon(code, lambda: self._load(code), _until))

    def _load(self, code: str) -> CertificateSnapshot | NotFoundError:
        """The snapshot, or the error saying there is none (kept too: unknown codes are
        asked for again and again)."""
        with self.uow.db.read() as session:
            try:
                public = queries.certificate_by_code_public(session, code, self.uow.clock())
            except NotFoundError as error:
                return error
        return CertificateSnapshot.of(public)

    def certificates(self, **filters: Any) -> Page[CertificatePublic]:
        with self.uow.db.read() as session:
            return queries.list_certificates(session, self.uow.clock(), **filters)

    def credential(self, code: str) -> str:
        with self.uow.db.read() as session:
            return queries.credential_of(session, code)


def _until(found: CertificateSnapshot | NotFoundError) -> datetime | None:
    return found.until if isinstance(found, CertificateSnapshot) else None


def _found(found: CertificateSnapshot | NotFoundError) -> CertificateSnapshot:
    """The snapshot; a fresh NotFoundError for a code known not to exist."""
    if isinstance(found, NotFoundError):
        raise NotFoundError(found.detail)
    return found
