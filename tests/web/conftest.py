"""Fixtures of the page tests.

``client``/``world``: a fresh registry per test, for tests that change it (status, clock,
stored rows). ``site``: one registry per test run and backend holding the cast of
``site.populate``, for the many tests that only read; building it once keeps the suite
fast on PostgreSQL too.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from registry.app import create_app
from registry.bootstrap import Services, initialise
from registry.config import Settings
from tests.support.env import TEST_KDF_ROUNDS, FakeClock
from tests.support.pg import scratch_database
from tests.support.world import World, build_world
from tests.web.site import populate


def app_with_pages(settings: Settings, clock: FakeClock, service: Services) -> Litestar:
    """``create_app`` as served, with the test's clock and keys."""
    return create_app(settings, clock=clock, keyring=service.uow.keyring)


def site_settings(database_url: str, folder: Path) -> Settings:
    return Settings(
        database_url=database_url,
        keys_dir=folder / "keys",
        public_url="https://registry.test",
        key_passphrase="correct horse battery staple",
        key_kdf_rounds=TEST_KDF_ROUNDS,
    )


@pytest.fixture
def service(settings: Settings, clock: FakeClock) -> Services:
    return initialise(settings, clock)


@pytest.fixture
def client(settings: Settings, clock: FakeClock, service: Services) -> Iterator[TestClient[Any]]:
    with TestClient(app_with_pages(settings, clock, service)) as test_client:
        yield test_client


@pytest.fixture
def staff_token(service: Services) -> str:
    return service.identity.create_staff_token("Sam Staff").token


@pytest.fixture
def world(client: TestClient[Any], staff_token: str) -> World:
    return build_world(client, staff_token)


@dataclass
class Site:
    world: World
    codes: dict[str, str]
    service: Services

    @property
    def client(self) -> TestClient[Any]:
        return self.world.client


@pytest.fixture(
    scope="session",
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    """A populated registry, read-only for the tests that share it."""
    database_url = request.getfixturevalue(f"_site_database_{request.param}")
    settings = site_settings(database_url, tmp_path_factory.mktemp("site-keys"))
    clock = FakeClock()
    service = initialise(settings, clock)
    with TestClient(app_with_pages(settings, clock, service)) as client:
        world = build_world(client, service.identity.create_staff_token("Sam Staff").token)
        yield Site(world=world, codes=populate(world), service=service)
    service.uow.db.dispose()


@pytest.fixture(scope="session")
def _site_database_sqlite(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> str:
    path = tmp_path_factory.mktemp("site") / "registry.sqlite3"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def _site_database_postgresql() -> Iterator[str]:
    """A PostgreSQL database of its own, so tests that truncate theirs never touch it."""
    with scratch_database("registry_web") as url:
        yield url
