"""Shared fixtures: a fresh database per test on SQLite and on PostgreSQL, keys, a clock.

PostgreSQL tests skip with a reason when no server answers, except under
``REGISTRY_TEST_STRICT=1`` (CI), where a missing server is a failure.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from litestar.testing import TestClient

from registry.app import create_app
from registry.bootstrap import Services, initialise
from registry.config import Settings
from registry.db.migrate import upgrade
from tests.support.env import TEST_KDF_ROUNDS, FakeClock, registry_env
from tests.support.pg import scratch_database
from tests.support.world import World, build_world


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "registry.sqlite3"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """One PostgreSQL database for this test run, migrated once, dropped at the end."""
    with scratch_database("registry_test") as url:
        yield url


def _truncate_all(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        # The log's tables refuse TRUNCATE by trigger; a test database may be emptied anyway.
        connection.exec_driver_sql("SET session_replication_role = replica")
        tables = (
            connection.exec_driver_sql(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
            )
            .scalars()
            .all()
        )
        if tables:
            quoted = ", ".join(f'"{t}"' for t in tables)
            connection.exec_driver_sql(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    """A fresh, migrated database for one test, on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "registry.sqlite3"
        shutil.copyfile(sqlite_template, path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("pg_database")
    _truncate_all(url)
    return url


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    keys = tmp_path / "keys"
    return Settings(
        database_url=database_url,
        keys_dir=keys,
        public_url="https://registry.test",
        key_passphrase="correct horse battery staple",
        key_kdf_rounds=TEST_KDF_ROUNDS,
    )


@pytest.fixture
def service(settings: Settings, clock: FakeClock) -> Services:
    """The registry's use cases over the test's database, keys and clock."""
    return initialise(settings, clock)


@pytest.fixture
def client(settings: Settings, clock: FakeClock, service: Services) -> Iterator[TestClient[Any]]:
    """The whole application over HTTP, in process."""
    app = create_app(settings, clock=clock, keyring=service.uow.keyring)
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def staff_token(service: Services) -> str:
    return service.identity.create_staff_token("Sam Staff").token


@pytest.fixture
def world(client: TestClient[Any], staff_token: str) -> World:
    """A scheme, an accredited body, two admins and two auditors, made through the API."""
    return build_world(client, staff_token)


@pytest.fixture
def env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The process environment set for ``settings``, so ``registry.cli.main`` uses them."""
    values = registry_env(settings)
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values
