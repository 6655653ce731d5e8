"""Which rows a transaction changed through the ORM, kept on the session until commit.

Derived data that must change in the same transaction as its sources (the certificate
read rows) asks here, so that a feature written later gets it without knowing: every
row added, changed or deleted through the session is noted with the names of the
columns that changed. Rows written by bulk statements are not seen; those writers also
append log entries, which the journal notes (``transparency/journal.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, UOWTransaction

_KEY = "touched_rows"


@dataclass(frozen=True)
class Touched:
    """One row the transaction wrote: its table, the row, and the columns that changed
    (every column for a row added or deleted)."""

    table: str
    row: Any
    changed: frozenset[str]
    how: str  # "added" | "changed" | "deleted"


def touched(session: Session) -> list[Touched]:
    """The rows written through ``session`` since it began (flush first)."""
    found: list[Touched] = session.info.get(_KEY, [])
    return found


def forget(session: Session) -> None:
    session.info.pop(_KEY, None)


def _changed_columns(row: Any) -> frozenset[str]:
    state = inspect(row)
    return frozenset(attr.key for attr in state.attrs if attr.history.has_changes())


@event.listens_for(Session, "after_flush")
def _note(session: Session, _context: UOWTransaction) -> None:
    noted: list[Touched] = session.info.setdefault(_KEY, [])
    for row in session.new:
        noted.append(Touched(_table(row), row, frozenset(), "added"))
    for row in session.dirty:
        changed = _changed_columns(row)
        if changed:
            noted.append(Touched(_table(row), row, changed, "changed"))
    for row in session.deleted:
        noted.append(Touched(_table(row), row, frozenset(), "deleted"))


def _table(row: Any) -> str:
    return str(getattr(row, "__tablename__", type(row).__name__.lower()))
