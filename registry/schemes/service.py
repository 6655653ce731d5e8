"""Scheme use cases: create a scheme, publish a version (versions are never edited), and
the reads every page needs (kept until the next change)."""

from __future__ import annotations

from typing import Any

from registry.edge.caches import Caches
from registry.identity.auth import Actor
from registry.schemes import drafts, store
from registry.schemes.schemas import (
    SchemeCreate,
    SchemePublic,
    SchemeUpdate,
    SchemeVersionCreate,
    SchemeVersionPublic,
)
from registry.transparency.unit_of_work import UnitOfWork


class SchemeService:
    def __init__(self, uow: UnitOfWork, caches: Caches) -> None:
        self.uow = uow
        self.caches = caches

    def create_scheme(self, actor: Actor, data: SchemeCreate) -> SchemePublic:
        with self.uow.write(actor, "create_scheme") as session:
            now = self.uow.clock()
            scheme = store.create_scheme(session, actor, data, now)
            return store.scheme_public(session, scheme, now)

    def update_scheme(self, actor: Actor, slug: str, data: SchemeUpdate) -> SchemePublic:
        with self.uow.write(actor, "update_scheme") as session:
            now = self.uow.clock()
            scheme = store.update_scheme(session, actor, slug, data, now)
            return store.scheme_public(session, scheme, now)

    def publish_version(
        self, actor: Actor, slug: str, data: SchemeVersionCreate
    ) -> SchemeVersionPublic:
        with self.uow.write(actor, "publish_version") as session:
            version = store.publish_version(session, actor, slug, data, self.uow.clock())
            return store.version_public(session, slug, version.number)

    def version_draft(self, actor: Actor, slug: str) -> list[dict[str, Any]] | None:
        """The criteria of the scheme's draft version as staff left them, or None."""
        with self.uow.db.read() as session:
            return drafts.criteria(session, actor, slug)

    def save_version_draft(self, actor: Actor, slug: str, rows: list[dict[str, Any]]) -> None:
        """Keep the draft version's criteria, unchecked (empty: start from the newest
        version's criteria)."""
        with self.uow.db.write() as session:
            drafts.save(session, actor, slug, rows, self.uow.clock())

    def publish_version_draft(self, actor: Actor, slug: str) -> SchemeVersionPublic:
        """Publish the draft as the next version, checked as ``publish_version`` checks."""
        with self.uow.write(actor, "publish_version") as session:
            version = drafts.publish(session, actor, slug, self.uow.clock())
            return store.version_public(session, slug, version.number)

    def discard_version_draft(self, actor: Actor, slug: str) -> None:
        with self.uow.db.write() as session:
            drafts.discard(session, actor, slug)

    def refuse_version_edit(self, slug: str, number: int) -> None:
        with self.uow.db.read() as session:
            store.refuse_version_edit(session, slug, number)

    def schemes(self) -> list[SchemePublic]:
        def read() -> list[SchemePublic]:
            with self.uow.db.read() as session:
                return store.list_schemes(session, self.uow.clock())

        return self.caches.remember(("schemes",), read)

    def scheme(self, slug: str) -> SchemePublic:
        def read() -> SchemePublic:
            with self.uow.db.read() as session:
                return store.scheme_public(
                    session, store.scheme_by_slug(session, slug), self.uow.clock()
                )

        return self.caches.remember(("scheme", slug), read)

    def scheme_version(self, slug: str, number: int) -> SchemeVersionPublic:
        def read() -> SchemeVersionPublic:
            with self.uow.db.read() as session:
                return store.version_public(session, slug, number)

        return self.caches.remember(("scheme_version", slug, number), read)
