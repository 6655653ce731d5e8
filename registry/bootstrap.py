"""Bringing a registry up: schema, keys, and the feature services one process runs.

``Services`` is the composition: each feature's service built once over one unit of work
and one set of caches. Handlers are given the one service they need (Litestar's
dependency injection; the hot raw-ASGI reads take it from the app's state); the command
line picks the one it calls.
"""

from __future__ import annotations

from dataclasses import dataclass

from registry.bodies.service import BodyService
from registry.certificates.service import CertificateService, DomainClaims
from registry.certification.service import CertificationService
from registry.clock import Clock, system_clock
from registry.config import Settings
from registry.db.database import Database
from registry.db.migrate import upgrade
from registry.edge.caches import Caches
from registry.edge.changes import ChangeSignal
from registry.feeds.service import FeedService
from registry.identity.service import IdentityService
from registry.misuse.service import MisuseService
from registry.opendata.service import OpenData
from registry.organisations.service import OrganisationService
from registry.schemes.service import SchemeService
from registry.search.service import Search
from registry.transparency.keys import KeyRing
from registry.transparency.service import TransparencyService
from registry.transparency.unit_of_work import UnitOfWork
from registry.webhooks.service import WebhookService
from registry.wellknown.service import WellKnownService


@dataclass(frozen=True)
class Services:
    """Every feature's service of one process, sharing its storage, clock and caches."""

    uow: UnitOfWork
    caches: Caches
    identity: IdentityService
    schemes: SchemeService
    bodies: BodyService
    certification: CertificationService
    certificates: CertificateService
    domains: DomainClaims
    transparency: TransparencyService
    webhooks: WebhookService
    misuse: MisuseService
    organisations: OrganisationService
    search: Search
    opendata: OpenData
    feeds: FeedService
    wellknown: WellKnownService

    @classmethod
    def build(
        cls,
        settings: Settings,
        db: Database,
        keyring: KeyRing,
        clock: Clock = system_clock,
        changes: ChangeSignal | None = None,
    ) -> Services:
        uow = UnitOfWork(
            settings, db, keyring, clock, changes or ChangeSignal(settings.change_path)
        )
        caches = Caches(
            uow.changes,
            clock,
            entries=settings.cache_entries,
            seconds=settings.cache_seconds,
            misses=settings.concurrent_misses,
        )
        identity = IdentityService(uow)
        return cls(
            uow=uow,
            caches=caches,
            identity=identity,
            schemes=SchemeService(uow, caches),
            bodies=BodyService(uow, caches),
            certification=CertificationService(uow),
            certificates=CertificateService(uow, caches, identity.send_mail),
            domains=DomainClaims(uow),
            transparency=TransparencyService(uow, caches),
            webhooks=WebhookService(uow),
            misuse=MisuseService(uow),
            organisations=OrganisationService(uow),
            search=Search(db, clock),
            opendata=OpenData(uow),
            feeds=FeedService(uow),
            wellknown=WellKnownService(uow),
        )


def open_registry(settings: Settings, clock: Clock = system_clock) -> Services:
    """The registry's services over an existing database."""
    return Services.build(
        settings, Database(settings.database_url), KeyRing.from_settings(settings), clock
    )


def initialise(settings: Settings, clock: Clock = system_clock) -> Services:
    """Apply migrations and make the credential key when there is none. Idempotent."""
    upgrade(settings.database_url)
    services = open_registry(settings, clock)
    services.transparency.ensure_keys()
    services.certificates.fill_read_rows()  # the certificates issued before read rows
    return services
