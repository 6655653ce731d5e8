"""Engines and units of work.

SQLite: WAL, foreign keys, a busy timeout and ``synchronous=FULL`` (the log must survive
power loss); writers begin with ``BEGIN IMMEDIATE`` so that a deferred transaction never
fails half-way with ``SQLITE_BUSY``. PostgreSQL: one engine, the database serialises.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar, cast

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlmodel import Session

from registry.db.files import secure_sqlite_file
from registry.errors import UnavailableError

T = TypeVar("T")

_SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=10000",
    "PRAGMA synchronous=FULL",
)


def make_engine(url: str, *, pool_size: int = 5) -> Engine:
    """An engine for ``url``, tuned per backend."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        secure_sqlite_file(url)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_size=pool_size, max_overflow=10, pool_pre_ping=True)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself, so writers can ask for IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in _SQLITE_PRAGMAS:
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


class Database:
    """The one store: read sessions for queries, write sessions for one use case each."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        self._write_engine = (
            self.engine.execution_options(sqlite_begin="IMMEDIATE")
            if self.is_sqlite
            else self.engine
        )

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; it never commits.

        Raises UnavailableError when the database cannot be reached or read.
        """
        with _failing_closed(), Session(self.engine, expire_on_commit=False) as session:
            yield session
            session.rollback()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session whose work commits as one transaction, or not at all.

        Raises UnavailableError when the database cannot be reached or written.
        """
        with _failing_closed(), Session(self._write_engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def ping(self) -> None:
        """Read the schema's version: the database answers and holds a registry.

        Raises UnavailableError when it does not.
        """
        with self.read() as session:
            session.connection().execute(text("SELECT version_num FROM alembic_version"))

    def dispose(self) -> None:
        self.engine.dispose()


@contextmanager
def _failing_closed() -> Iterator[None]:
    """The database being gone (refused, dropped, unreadable) as the registry's own
    error, so every answer that needed it can say so; other database errors (a
    constraint, a bug in SQL) pass through as they are."""
    try:
        yield
    except (OperationalError, InterfaceError) as error:
        raise UnavailableError(
            "the registry's database cannot be reached now, so no status can be confirmed;"
            " try again shortly"
        ) from error
    except DBAPIError as error:
        if error.connection_invalidated:
            raise UnavailableError(
                "the registry's database connection was lost; try again shortly"
            ) from error
        raise


def once_per_transaction(session: Session, key: Hashable, read: Callable[[], T]) -> T:
    """``read()`` the first time ``key`` is asked for in this session's transaction, the
    same answer after: for reference rows (a scheme, its criteria, an accreditation) that
    a batch would otherwise read once per item. Only for rows the transaction itself
    does not change; an empty answer (None) is not kept, as the row may yet be made."""
    memo: dict[Hashable, Any] = session.info.setdefault("once_per_transaction", {})
    if key in memo:
        return cast(T, memo[key])
    found = read()
    if found is not None:
        memo[key] = found
    return found
