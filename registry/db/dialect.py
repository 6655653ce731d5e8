"""Statements that differ between the two databases the registry runs on.

SQLite and PostgreSQL both offer ``INSERT ... ON CONFLICT``, but SQLAlchemy builds it
with each dialect's own ``insert``; the features that upsert (counters, the form secret,
the batch) ask here instead of knowing which database they are on.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session


def dialect_insert(session: Session, table: Any) -> Any:
    """An INSERT that offers ``ON CONFLICT`` on both SQLite and PostgreSQL."""
    name = session.get_bind().dialect.name
    return (postgresql.insert if name == "postgresql" else sqlite.insert)(table)
