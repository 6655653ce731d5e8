"""Throwaway PostgreSQL databases for tests: made, migrated, and dropped again."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from registry.db.migrate import upgrade
from tests.support.env import PG_SERVER, need


@contextmanager
def scratch_database(prefix: str, *, migrate: bool = True) -> Iterator[str]:
    """A new database named ``<prefix>_<random>``, dropped on exit.

    Skips (or fails under REGISTRY_TEST_STRICT=1) when no server answers.
    """
    admin = sa.create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except sa.exc.OperationalError as error:
        admin.dispose()
        need(False, f"no PostgreSQL server at {PG_SERVER} ({error.__class__.__name__})")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = f"{PG_SERVER}/{name}"
    try:
        if migrate:
            upgrade(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
