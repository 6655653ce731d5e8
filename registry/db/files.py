"""The SQLite file holds webhook secrets and token hashes: owner-only from its first byte.

SQLite creates the file with the process's umask (usually 0644) and gives its ``-wal``
and ``-shm`` companions the database file's own mode. So the registry makes the file
itself, mode 0600, before SQLite or Alembic opens it, and takes group and other access
away from a file (and companions) that an earlier version or a copy left open.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from sqlalchemy.engine import make_url

COMPANIONS = ("", "-wal", "-shm", "-journal")


def sqlite_path(url: str) -> Path | None:
    """The file of a ``sqlite:///`` URL; None for another backend or an in-memory one."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    if parsed.database == ":memory:" or parsed.database.startswith("file:"):
        return None
    return Path(parsed.database)


def secure_sqlite_file(url: str) -> None:
    """Create the database file owner-only, or make an existing one so."""
    path = sqlite_path(url)
    if path is None:
        return
    if path.parent != Path() and not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        os.close(descriptor)
    except FileExistsError:
        pass
    for suffix in COMPANIONS:
        companion = path.with_name(path.name + suffix)
        try:
            mode = stat.S_IMODE(companion.stat().st_mode)
        except FileNotFoundError:
            continue
        if mode & 0o077:
            os.chmod(companion, mode & 0o700)
