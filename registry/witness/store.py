"""The witness's own small database: the logs it follows and the latest checkpoint it
cosigned for each (all tlog-witness asks it to keep), in one SQLite file.

Checking the old size against the stored checkpoint and storing the new one happen in
one ``BEGIN IMMEDIATE`` transaction, so two requests can never roll the record back
(tlog-witness v1.0.0, the race described under "add-checkpoint").
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

DATABASE_FILE = "witness.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS log (
    origin TEXT NOT NULL,
    vkey TEXT NOT NULL PRIMARY KEY
);
CREATE TABLE IF NOT EXISTS latest (
    origin TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    root_hash BLOB NOT NULL,
    checkpoint TEXT NOT NULL,
    cosigned_at INTEGER NOT NULL
);
"""


@dataclass(frozen=True)
class Latest:
    size: int
    root_hash: bytes


class WitnessStore:
    def __init__(self, folder: Path) -> None:
        self.path = folder / DATABASE_FILE
        with self._connect() as db:
            db.executescript(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")  # a cosigned size must survive power loss
        return db

    def add_log(self, origin: str, vkey: str) -> None:
        with self._connect() as db:
            db.execute("INSERT OR IGNORE INTO log (origin, vkey) VALUES (?, ?)", (origin, vkey))

    def log_keys(self, origin: str) -> list[str]:
        with self._connect() as db:
            rows = db.execute("SELECT vkey FROM log WHERE origin = ?", (origin,)).fetchall()
        return [str(r[0]) for r in rows]

    def logs(self) -> list[tuple[str, str]]:
        with self._connect() as db:
            rows = db.execute("SELECT origin, vkey FROM log ORDER BY origin").fetchall()
        return [(str(o), str(v)) for o, v in rows]

    @contextmanager
    def locked(self) -> Iterator[Transaction]:
        """One writer transaction: read the latest, maybe store a new one, commit."""
        db = self._connect()
        try:
            db.execute("BEGIN IMMEDIATE")
            yield Transaction(db)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        finally:
            db.close()


class Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def latest(self, origin: str) -> Latest | None:
        row = self._db.execute(
            "SELECT size, root_hash FROM latest WHERE origin = ?", (origin,)
        ).fetchone()
        return None if row is None else Latest(int(row[0]), bytes(row[1]))

    def store(self, origin: str, size: int, root_hash: bytes, checkpoint: str, at: int) -> None:
        self._db.execute(
            "INSERT INTO latest (origin, size, root_hash, checkpoint, cosigned_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT(origin) DO UPDATE SET size = excluded.size, "
            "root_hash = excluded.root_hash, checkpoint = excluded.checkpoint, "
            "cosigned_at = excluded.cosigned_at",
            (origin, size, root_hash, checkpoint, at),
        )
