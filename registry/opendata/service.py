"""Open-data use cases: the streamed exports and the daily snapshots.

A snapshot is the JSONL export of one moment, written under one consistent read
(PostgreSQL ``REPEATABLE READ``; on SQLite a read transaction already sees one
snapshot of the WAL), gzipped with a fixed header (no name, no time) so the same data
gives the same bytes, and kept as ``<data dir>/<date>.jsonl.gz`` for 30 days. Its SHA-256
goes into the transparency log as a ``snapshot.published`` entry, committed only after
the file is in place: the log never names a file that was not served.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Final

from sqlmodel import Session, col, select

from registry.db.tables import LogEntry
from registry.opendata import export, queries
from registry.transparency import events
from registry.transparency.unit_of_work import UnitOfWork

KEEP_DAYS: Final = 30
ENTRY_TYPE: Final = "snapshot.published"
LICENCE: Final = "CC0-1.0"
FILE_NAME: Final = re.compile(r"^(\d{4}-\d{2}-\d{2})\.jsonl\.gz$")
_CHUNK: Final = 1 << 16


@dataclass(frozen=True)
class Snapshot:
    """One published snapshot file, as the log and the /data page describe it."""

    day: date
    sha256: str
    size: int
    certificates: int
    log_index: int | None = None

    @property
    def name(self) -> str:
        return f"{self.day.isoformat()}.jsonl.gz"


@contextmanager
def consistent_read(uow: UnitOfWork) -> Iterator[Session]:
    """A read session whose every query sees the same committed state."""
    with uow.db.read() as session:
        if not uow.db.is_sqlite:
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        yield session


class OpenData:
    """Exports and snapshots over the registry's store, clock and log."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    @property
    def folder(self) -> Path:
        return self.uow.settings.data_path

    @property
    def public_url(self) -> str:
        """Where the registry is served: the base of the snapshot URLs."""
        return self.uow.settings.public_url

    # --- exports ---------------------------------------------------------------------

    def certificates_jsonl(self) -> Iterator[bytes]:
        """The JSONL export, streamed page by page under one consistent read."""
        with consistent_read(self.uow) as session:
            now = self.uow.clock()
            yield from export.jsonl_lines(queries.certificate_pages(session, now))

    def findings_csv(self) -> Iterator[bytes]:
        """The CSV export (certificate x criterion), streamed under one consistent read."""
        with consistent_read(self.uow) as session:
            now = self.uow.clock()
            yield from export.csv_lines(queries.certificate_pages(session, now))

    # --- snapshots -------------------------------------------------------------------

    def publish(self, day: date | None = None) -> Snapshot:
        """Write and publish the snapshot of ``day`` (today, UTC, by default).

        Once per day: when the log already names that day's snapshot and its file is
        here, that one is returned unchanged. Older files than 30 days are removed."""
        now = self.uow.clock()
        day = day or now.date()
        published = self.published().get(day)
        if published is not None and (self.folder / published.name).is_file():
            self.prune(now.date())
            return published
        self.folder.mkdir(parents=True, exist_ok=True)
        temporary = self.folder / f".{day.isoformat()}.{os.getpid()}.tmp"
        try:
            digest, size, count = self._write(temporary)
            # The unit of work queues for the log's writer slot (one publisher at a time,
            # and the re-check below runs under it) and signs a checkpoint after commit.
            with self.uow.write() as session:
                again = _published_in(session).get(day)
                if again is not None and (self.folder / again.name).is_file():
                    return again
                temporary.replace(self.folder / f"{day.isoformat()}.jsonl.gz")
                event = events.RegistryEvent(
                    type=ENTRY_TYPE,
                    at=now,
                    data={
                        "date": day.isoformat(),
                        "url": f"{self.public_url}/data/{day.isoformat()}.jsonl.gz",
                        "sha256": digest,
                        "bytes": size,
                        "certificates": count,
                        "licence": LICENCE,
                    },
                )
                events.record(session, event)
        finally:
            temporary.unlink(missing_ok=True)
        self.prune(now.date())
        return self.published()[day]

    def publish_due(self) -> str:
        """The server's daily run: publish today's snapshot unless it exists already."""
        before = self.published().get(self.uow.clock().date())
        snapshot = self.publish()
        return "" if before is not None else f"published {snapshot.name} ({snapshot.sha256})"

    def _write(self, path: Path) -> tuple[str, int, int]:
        """The export into ``path`` gzipped; its SHA-256, size and certificate count."""
        count = 0
        with path.open("wb") as raw:
            with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as compressed:
                for chunk in self.certificates_jsonl():
                    count += chunk.count(b"\n")
                    compressed.write(chunk)
            raw.flush()
            os.fsync(raw.fileno())
        digest = hashlib.sha256()
        with path.open("rb") as written:
            while block := written.read(_CHUNK):
                digest.update(block)
        return digest.hexdigest(), path.stat().st_size, count

    def published(self) -> dict[date, Snapshot]:
        """Every snapshot the log names, by day (the newest entry of a day wins)."""
        with self.uow.db.read() as session:
            return _published_in(session)

    def available(self) -> list[Snapshot]:
        """The published snapshots whose files are still kept, newest first."""
        return sorted(
            (s for s in self.published().values() if (self.folder / s.name).is_file()),
            key=lambda s: s.day,
            reverse=True,
        )

    @staticmethod
    def file_day(name: str) -> date:
        """The day a snapshot file name stands for; ValueError if it names none."""
        match = FILE_NAME.match(name)
        if match is None:
            raise ValueError(f"{name!r} is not a snapshot file name")
        return date.fromisoformat(match.group(1))

    def file(self, name: str) -> Path | None:
        """The kept file called ``name`` when the log names it; None otherwise."""
        try:
            day = self.file_day(name)
        except ValueError:
            return None
        if day not in self.published():
            return None
        path = self.folder / name
        return path if path.is_file() else None

    def prune(self, today: date) -> list[str]:
        """Remove snapshot files older than 30 days; the log keeps their hashes."""
        removed: list[str] = []
        if not self.folder.is_dir():
            return removed
        for path in self.folder.iterdir():
            match = FILE_NAME.match(path.name)
            if match is None:
                continue
            try:
                day = date.fromisoformat(match.group(1))
            except ValueError:
                continue
            if day < today - timedelta(days=KEEP_DAYS - 1):
                path.unlink(missing_ok=True)
                removed.append(path.name)
        return removed


def _published_in(session: Session) -> dict[date, Snapshot]:
    found: dict[date, Snapshot] = {}
    for index, data in session.exec(
        select(LogEntry.idx, LogEntry.data)
        .where(LogEntry.type == ENTRY_TYPE)
        .order_by(col(LogEntry.idx))
    ):
        body = json.loads(bytes(data))["data"]
        day = date.fromisoformat(body["date"])
        found[day] = Snapshot(day, body["sha256"], body["bytes"], body["certificates"], index)
    return found
