"""A log that continues after a restore: never a silent fork, always a documented break.

Every signed checkpoint is also kept in ``<keys dir>/last-checkpoint`` (beside, not
inside, the database), so a database restored from a backup knows what was published.
A restored log that is behind that checkpoint must not sign again under the same origin
(entries written after the backup were published and are lost: new writes would fork
the log). So a restore behind it leaves the registry refusing to serve until an operator
confirms with ``registry log continue``, which:

1. writes the restored log's entries and checkpoints to
   ``<keys dir>/retired-logs/<origin id>.jsonl`` (the old origin is not rewritten: what
   monitors saw stays as they saw it, and the backup holds it too);
2. empties the log tables (the one place their append-only triggers are lifted, inside
   the transaction) and gives the log a new origin;
3. appends, as entry 0 of the new log, ``log.continued``, carrying the old origin, its
   last published checkpoint (the note as signed) and the size the restore went back to;
4. opens a new status list number, so no index handed out after the backup is drawn
   again.

Monitors that followed the old origin see the new origin's checkpoint, signed by the
same log key under the new name, whose first entry carries the checkpoint they last saw
(``registry log monitor`` checks exactly that and reports the continuation).
"""

from __future__ import annotations

import base64
import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import delete, func, text
from sqlmodel import Session, col, select

from registry.db.status_tables import StatusEntry
from registry.db.tables import LogCheckpoint, LogCosignature, LogEntry, LogNode, RegistryMeta
from registry.errors import ConflictError
from registry.status_lists.service import FLOOR_KEY
from registry.tlog import Checkpoint, CheckpointError
from registry.transparency import events, journal

LAST_CHECKPOINT = "last-checkpoint"
RETIRED_LOGS = "retired-logs"
PENDING_KEY = "log_continuation_pending"  # registry_meta: the published checkpoint
CONTINUED = "log.continued"
_LOG_TABLES = ("log_cosignature", "log_checkpoint", "log_node", "log_entry")


@dataclass(frozen=True)
class Published:
    """The last checkpoint the registry signed, as kept beside the keys."""

    note: str
    origin: str
    size: int
    root: bytes

    @classmethod
    def parse(cls, note: str) -> Published:
        """Raises ConflictError when ``note`` is no checkpoint."""
        body = note.split("\n\n", 1)[0] + "\n"
        try:
            checkpoint = Checkpoint.parse(body)
        except CheckpointError as error:
            raise ConflictError(f"{LAST_CHECKPOINT} holds no checkpoint ({error.detail})") from None
        return cls(note, checkpoint.origin, checkpoint.size, bytes(checkpoint.root_hash))


def last_checkpoint_path(keys_dir: Path) -> Path:
    return Path(keys_dir) / LAST_CHECKPOINT


def read_published(keys_dir: Path) -> Published | None:
    path = last_checkpoint_path(keys_dir)
    if not path.exists():
        return None
    return Published.parse(path.read_text(encoding="utf-8"))


def keep_published(keys_dir: Path, note: str) -> None:
    """Write ``note`` to ``last-checkpoint`` unless it already holds a bigger checkpoint
    of the same origin (another process signed later); atomically."""
    new = Published.parse(note)
    try:
        old = read_published(keys_dir)
    except ConflictError:
        old = None
    if old is not None and old.origin == new.origin and old.size >= new.size:
        return
    path = last_checkpoint_path(keys_dir)
    temporary = path.with_name(path.name + f".{secrets.token_hex(4)}.tmp")
    temporary.write_text(note, encoding="utf-8")
    temporary.replace(path)


@dataclass(frozen=True)
class RestoreCheck:
    """How a restored log stands against the checkpoint published before the restore."""

    published: Published | None
    origin: str
    size: int
    behind: bool

    def lines(self) -> list[str]:
        if self.published is None:
            return [f"no {LAST_CHECKPOINT} beside the keys: nothing to compare the log with"]
        head = (
            f"restored log {self.origin} has {self.size} entries; the last published "
            f"checkpoint is of {self.published.origin} at size {self.published.size}"
        )
        if not self.behind:
            return [head, "the restored log is not behind what was published: serving can go on"]
        return [
            head,
            "the restored log is BEHIND what was published: signing under the same origin "
            "would fork it, so the registry refuses to serve",
            "confirm with `registry log continue`: a new log origin whose first entry, "
            f"{CONTINUED}, carries the published checkpoint",
        ]


def check_restored(session: Session, keys_dir: Path) -> RestoreCheck:
    """Compare the restored log with ``last-checkpoint``; when it is behind (a smaller
    size, or another origin), mark the registry as waiting for ``registry log continue``."""
    published = read_published(keys_dir)
    origin = journal.origin(session)
    size = journal.tree_size(session)
    behind = published is not None and (published.origin != origin or size < published.size)
    if behind and published is not None:
        row = session.get(RegistryMeta, PENDING_KEY)
        if row is None:
            session.add(RegistryMeta(key=PENDING_KEY, value=published.note))
        else:
            row.value = published.note
            session.add(row)
        session.flush()
    return RestoreCheck(published, origin, size, behind)


def pending(session: Session) -> str | None:
    """The published checkpoint a restored log waits to continue from; None when serving."""
    row = session.get(RegistryMeta, PENDING_KEY)
    return None if row is None else row.value


def refuse_if_pending(session: Session) -> None:
    """Raises ConflictError while a restore waits for ``registry log continue``."""
    note = pending(session)
    if note is not None:
        published = Published.parse(note)
        raise ConflictError(
            f"this database was restored behind the published checkpoint of "
            f"{published.origin} at size {published.size}; it serves nothing until an "
            "operator runs `registry log continue` (see SECURITY.md, backup and restore)"
        )


def continue_log(session: Session, keys_dir: Path, host: str, now: datetime) -> str:
    """Start the new log (see the module's docstring); returns the new origin.

    Part of the caller's write transaction. Raises ConflictError when no restore waits.
    """
    note = pending(session)
    if note is None:
        raise ConflictError("no restore waits to continue the log; nothing was changed")
    published = Published.parse(note)
    journal.serialise(session)
    old_origin = journal.origin(session)
    restored_size = journal.tree_size(session)
    _retire(session, Path(keys_dir) / RETIRED_LOGS, old_origin)
    _empty_log_tables(session)
    new_origin = f"{host}/log/{secrets.token_hex(4)}"
    origin_row = session.get(RegistryMeta, journal.ORIGIN_KEY)
    assert origin_row is not None
    origin_row.value = new_origin
    session.add(origin_row)
    last_list = session.exec(select(func.max(StatusEntry.list_number))).one()
    _set_meta(session, FLOOR_KEY, str(int(last_list or 0) + 1))
    pending_row = session.get(RegistryMeta, PENDING_KEY)
    assert pending_row is not None
    session.delete(pending_row)
    session.flush()
    events.record(
        session,
        events.RegistryEvent(
            type=CONTINUED,
            at=now,
            reason="database restored from a backup behind the published log",
            data={
                "origin": published.origin,
                "checkpoint": published.note,
                "restored_origin": old_origin,
                "restored_size": restored_size,
            },
        ),
    )
    return new_origin


def _set_meta(session: Session, key: str, value: str) -> None:
    row = session.get(RegistryMeta, key)
    if row is None:
        session.add(RegistryMeta(key=key, value=value))
    else:
        row.value = value
        session.add(row)


def _retire(session: Session, folder: Path, origin: str) -> Path:
    """The restored log's entries and checkpoints, one JSON object a line."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    name = origin.rsplit("/", 1)[-1] or "log"
    path = folder / f"{name}-{secrets.token_hex(2)}.jsonl"
    with path.open("w", encoding="utf-8") as out:
        out.write(json.dumps({"origin": origin}) + "\n")
        for entry in session.exec(select(LogEntry).order_by(col(LogEntry.idx))):
            data = base64.b64encode(bytes(entry.data)).decode("ascii")
            out.write(json.dumps({"idx": entry.idx, "type": entry.type, "data": data}) + "\n")
        for checkpoint in session.exec(select(LogCheckpoint).order_by(col(LogCheckpoint.size))):
            out.write(json.dumps({"checkpoint": checkpoint.note}) + "\n")
    return path


def _empty_log_tables(session: Session) -> None:
    """Delete every row of the log tables, lifting their append-only triggers for this
    transaction only (the continuation is the one writer that may)."""
    bind = session.get_bind()
    tables = {
        "log_cosignature": LogCosignature,
        "log_checkpoint": LogCheckpoint,
        "log_node": LogNode,
        "log_entry": LogEntry,
    }
    if bind.dialect.name == "postgresql":
        for name in _LOG_TABLES:
            session.execute(text(f"ALTER TABLE {name} DISABLE TRIGGER USER"))
        for name in _LOG_TABLES:
            session.execute(delete(tables[name]))
        for name in _LOG_TABLES:
            session.execute(text(f"ALTER TABLE {name} ENABLE TRIGGER USER"))
        return
    triggers = session.execute(
        text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN "
            "('log_cosignature', 'log_checkpoint', 'log_node', 'log_entry')"
        )
    ).all()
    for name, _sql in triggers:
        session.execute(text(f'DROP TRIGGER "{name}"'))
    for name in _LOG_TABLES:
        session.execute(delete(tables[name]))
    for _name, sql in triggers:
        session.execute(text(sql))
