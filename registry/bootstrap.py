"""Bringing a registry up: schema, keys, and the service the command line uses."""

from __future__ import annotations

from registry.config import Settings
from registry.db.database import Database
from registry.db.migrate import upgrade
from registry.services.clock import Clock, system_clock
from registry.services.keys import KeyRing
from registry.services.registry import RegistryService


def open_registry(settings: Settings, clock: Clock = system_clock) -> RegistryService:
    """The registry's services over an existing database."""
    return RegistryService(
        settings, Database(settings.database_url), KeyRing.from_settings(settings), clock
    )


def initialise(settings: Settings, clock: Clock = system_clock) -> RegistryService:
    """Apply migrations and make the credential key when there is none. Idempotent."""
    upgrade(settings.database_url)
    service = open_registry(settings, clock)
    service.ensure_keys()
    return service
