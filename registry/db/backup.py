"""Consistent copies of the database, and putting one back.

SQLite: the online backup API (``sqlite3.Connection.backup``), which copies a
consistent snapshot page by page while servers keep writing; copying the file and its
WAL by hand can catch them half-way and give a copy that fails ``registry log verify``.
PostgreSQL: ``pg_dump`` in its custom format (one consistent snapshot of the database)
and ``pg_restore --clean``. Both need the servers stopped for a restore, not a backup.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from registry.errors import ConflictError, InvalidInputError

SQLITE_HEADER = b"SQLite format 3\x00"
PGDUMP_HEADER = b"PGDMP"


def _sqlite_path(database_url: str) -> Path | None:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return None
    if not url.database or url.database == ":memory:":
        raise InvalidInputError("an in-memory SQLite database has nothing to back up")
    return Path(url.database)


def _libpq_url(database_url: str) -> str:
    """The URL as ``pg_dump`` and ``pg_restore`` take it (no SQLAlchemy driver name)."""
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise ConflictError(f"{name} is not installed; it is needed to copy a PostgreSQL database")
    return found


def _sqlite_copy(source: Path, target: Path) -> None:
    """Copy the SQLite database ``source`` (opened read-only) page by page into
    ``target`` with SQLite's online backup API: consistent even while it is written."""
    reader = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    writer = sqlite3.connect(target)
    try:
        reader.backup(writer)
    finally:
        writer.close()
        reader.close()


def backup(database_url: str, target: Path) -> int:
    """Write a consistent copy of the database to ``target`` (refused if it exists);
    returns its size in bytes."""
    if target.exists():
        raise ConflictError(f"{target} exists already; a backup never overwrites a file")
    source_path = _sqlite_path(database_url)
    if source_path is not None:
        if not source_path.exists():
            raise InvalidInputError(f"there is no database at {source_path}")
        _sqlite_copy(source_path, target)
        return target.stat().st_size
    result = subprocess.run(  # noqa: S603  (fixed arguments, no shell)
        [
            _tool("pg_dump"),
            "--format=custom",
            "--no-owner",
            f"--file={target}",
            _libpq_url(database_url),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        target.unlink(missing_ok=True)
        raise ConflictError(f"pg_dump failed: {result.stderr.strip()}")
    return target.stat().st_size


def restore(database_url: str, source: Path) -> None:
    """Replace the database's content with the backup in ``source``. The servers must be
    stopped: a restore is no online operation."""
    if not source.is_file():
        raise InvalidInputError(f"there is no backup at {source}")
    header = source.read_bytes()[:16]
    target_path = _sqlite_path(database_url)
    if target_path is not None:
        if not header.startswith(SQLITE_HEADER):
            raise InvalidInputError(f"{source} is not a SQLite backup")
        _sqlite_copy(source, target_path)
        return
    if not header.startswith(PGDUMP_HEADER):
        raise InvalidInputError(f"{source} is not a pg_dump backup (custom format)")
    result = subprocess.run(  # noqa: S603  (fixed arguments, no shell)
        [
            _tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            f"--dbname={_libpq_url(database_url)}",
            str(source),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise ConflictError(f"pg_restore failed: {result.stderr.strip()}")
