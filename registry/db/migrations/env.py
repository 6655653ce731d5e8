"""Alembic environment: the URL comes from the caller's configuration, never from a file."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import registry.db.status_tables
import registry.db.tables  # noqa: F401  (registers the tables on SQLModel.metadata)
from registry.db.database import make_engine

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is not None:
        context.configure(connection=connectable, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=engine.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()
