"""The Alembic migrations build exactly the tables the code declares.

A scratch SQLite and a scratch PostgreSQL database are upgraded to head, then Alembic's
autogenerate compares them with the SQLModel metadata: any difference (a column, type,
nullability, index, unique constraint or foreign key that one side has and the other not)
means a table definition changed without a migration, or a migration without the table.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import registry.db.tables  # noqa: F401  (registers the tables on SQLModel.metadata)
from registry.db.migrate import upgrade
from tests.support.pg import scratch_database

# Objects that exist only in the migrations, on purpose, each with its reason. Anything
# else found in the database and not in the metadata (or the reverse) is drift.
SEARCH_INDEX = "the name search index of migration 0003, kept by the database itself"
TRIGRAM_INDEX = "the similar-name candidates of migration 0009, kept by triggers"
MIGRATION_ONLY: dict[tuple[str, str], str] = {
    ("table", "alembic_version"): "Alembic's own bookkeeping",
    # SQLite: the FTS5 external-content table and the shadow tables SQLite makes for it.
    **{
        ("table", f"organisation_name_fts{suffix}"): SEARCH_INDEX
        for suffix in ("", "_data", "_idx", "_docsize", "_config")
    },
    # SQLite: the FTS5 trigram table of migration 0009 (it keeps its own content).
    **{
        ("table", f"organisation_trigram{suffix}"): TRIGRAM_INDEX
        for suffix in ("", "_data", "_idx", "_docsize", "_config", "_content")
    },
    # PostgreSQL: a trigram GIN index on an expression, which SQLModel cannot declare.
    ("index", "ix_organisation_name_folded"): SEARCH_INDEX,
}


def _include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    return not (reflected and compare_to is None and (type_, name or "") in MIGRATION_ONLY)


def differences(url: str) -> list[Any]:
    """What autogenerate would write into a new migration for the database at ``url``."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection,
                opts={
                    "compare_type": True,
                    "compare_server_default": False,
                    "include_object": _include_object,
                },
            )
            return list(compare_metadata(context, SQLModel.metadata))
    finally:
        engine.dispose()


def test_migrations_match_the_tables_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'scratch.sqlite3'}"
    upgrade(url)
    found = differences(url)
    assert found == [], "migrations and table definitions differ on SQLite:\n" + "\n".join(
        map(repr, found)
    )


@pytest.mark.postgres
def test_migrations_match_the_tables_on_postgresql() -> None:
    with scratch_database("registry_schema") as url:
        found = differences(url)
    assert found == [], "migrations and table definitions differ on PostgreSQL:\n" + "\n".join(
        map(repr, found)
    )
