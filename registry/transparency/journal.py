"""The registry's "personality" of the generic log: what goes in, how, and when it is signed.

Every registry event becomes one entry, the RFC 8785 canonical JSON of
``{"v": 1, "type", "time", "reason"?, "reason_en"?, "effective_at"?, "data"}``, appended in the same transaction as the
change it records. Appends are serialised by the database itself (an advisory
transaction lock on PostgreSQL; ``BEGIN IMMEDIATE`` on SQLite), never by a lock inside
one process, so several servers can write. A checkpoint is signed only after the entries
it covers are committed, and only after checking it is consistent with the previous one.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import rfc8785
from sqlalchemy import and_, func, insert, or_
from sqlmodel import Session, col, select

from registry.db.tables import LogCheckpoint, LogEntry, LogNode, RegistryMeta
from registry.errors import ConflictError, InvalidInputError
from registry.signing import format_time
from registry.tlog import (
    Checkpoint,
    Coord,
    Ed25519NoteSigner,
    Hash,
    append_nodes,
    consistency_proof,
    leaf_hash,
    root,
    sign_note,
    verify_consistency,
)

ENTRY_VERSION = 1
MAX_ENTRY_BYTES = 65_535
ORIGIN_KEY = "log_origin"
APPENDED = "log_appended"  # session.info flag: this transaction appended entries
APPENDED_ENTRIES = "log_appended_entries"  # session.info: the entries' bytes, in order
_APPENDING = "log_appending"  # session.info: the transaction's _Appending
_ADVISORY_LOCK = 0x7472757374  # "trust": the one lock every appender takes on PostgreSQL


class DbHashStore:
    """Full-subtree hashes read from ``log_node``, one query per call."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get_hashes(self, coords: Sequence[Coord]) -> Mapping[Coord, bytes]:
        if not coords:
            return {}
        by_level: dict[int, list[int]] = {}
        for level, index in coords:
            by_level.setdefault(level, []).append(index)
        # One "level = ? AND index IN (...)" term per level: both databases answer it from
        # the primary key, where a row-value IN makes SQLite scan the table.
        condition = or_(
            *(
                and_(col(LogNode.level) == level, col(LogNode.index).in_(indexes))
                for level, indexes in by_level.items()
            )
        )
        rows = self.session.exec(
            select(LogNode.level, LogNode.index, LogNode.hash).where(condition)
        ).all()
        return {(level, index): bytes(value) for level, index, value in rows}


def encode_entry(
    type_: str,
    at: datetime,
    reason: str,
    data: Mapping[str, Any],
    *,
    reason_en: str | None = None,
    effective_at: datetime | None = None,
) -> bytes:
    """The entry's exact bytes. Raises InvalidInputError beyond 65,535 bytes.

    ``reason`` is the Dutch reason and ``reason_en`` the English one, present only when
    given (entries written before it existed keep their bytes). ``time`` is always when
    the entry was appended; ``effective_at`` says when the event took effect when that
    is earlier (an expiry recorded after ``valid_until``): the log is never backdated.
    """
    document: dict[str, Any] = {
        "v": ENTRY_VERSION,
        "type": type_,
        "time": format_time(at),
        "data": dict(data),
    }
    if reason:
        document["reason"] = reason
    if reason_en:
        document["reason_en"] = reason_en
    if effective_at is not None:
        document["effective_at"] = format_time(effective_at)
    entry = rfc8785.dumps(document)
    if len(entry) > MAX_ENTRY_BYTES:
        raise InvalidInputError(
            f"a log entry is at most {MAX_ENTRY_BYTES} bytes; this {type_} entry has {len(entry)}"
        )
    return entry


def serialise(session: Session) -> None:
    """Take the log's one writer slot until the transaction ends (PostgreSQL; SQLite
    writers hold the database's write lock from ``BEGIN IMMEDIATE`` already)."""
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(_ADVISORY_LOCK)))


def tree_size(session: Session) -> int:
    last = session.exec(select(func.max(LogEntry.idx))).one()
    return 0 if last is None else int(last) + 1


class _Appending:
    """What one transaction knows of the log while it appends: the size, and the
    hashes it wrote itself. The transaction holds the log's writer slot, so nobody else
    can change either; a batch of appends then reads the database for the size once and
    for each older sibling hash at most once."""

    def __init__(self, session: Session) -> None:
        self.size = tree_size(session)
        self.written: dict[Coord, bytes] = {}
        self.database = DbHashStore(session)

    def get_hashes(self, coords: Sequence[Coord]) -> Mapping[Coord, bytes]:
        found = {c: self.written[c] for c in coords if c in self.written}
        missing = [c for c in coords if c not in found]
        return {**found, **self.database.get_hashes(missing)} if missing else found


def append(session: Session, entry: bytes, type_: str, now: datetime) -> int:
    """Append ``entry`` as the next leaf; returns its index. Part of the caller's transaction."""
    return append_many(session, [(entry, type_)], now)[0]


def append_many(session: Session, entries: Sequence[tuple[bytes, str]], now: datetime) -> list[int]:
    """Append ``(entry, type)`` pairs as the next leaves, in order, with one insert per
    table; returns their indexes. Part of the caller's transaction."""
    for entry, _ in entries:
        if len(entry) > MAX_ENTRY_BYTES:
            raise InvalidInputError(
                f"a log entry is at most {MAX_ENTRY_BYTES} bytes, got {len(entry)}"
            )
    appending = session.info.get(_APPENDING)
    if appending is None:
        serialise(session)
        appending = session.info[_APPENDING] = _Appending(session)
    indexes: list[int] = []
    entry_rows: list[dict[str, Any]] = []
    node_rows: list[dict[str, Any]] = []
    for entry, type_ in entries:
        size = appending.size
        nodes = append_nodes(size, leaf_hash(entry), appending)
        entry_rows.append({"idx": size, "data": entry, "type": type_, "created_at": now})
        node_rows.extend({"level": level, "index": index, "hash": h} for level, index, h in nodes)
        appending.written.update(((level, index), h) for level, index, h in nodes)
        appending.size = size + 1
        indexes.append(size)
    if entry_rows:
        session.execute(insert(LogEntry), entry_rows)
        session.execute(insert(LogNode), node_rows)
        session.info[APPENDED] = True
        session.info.setdefault(APPENDED_ENTRIES, []).extend(row["data"] for row in entry_rows)
    return indexes


def origin(session: Session) -> str:
    row = session.get(RegistryMeta, ORIGIN_KEY)
    if row is None:
        raise ConflictError("the log has no origin yet; run `registry init`")
    return row.value


def ensure_origin(session: Session, host: str, configured: str | None) -> str:
    """Fix the log's origin once: ``REGISTRY_LOG_ORIGIN``, or ``<host>/log/<random id>``.

    A new database is a new log and gets a new origin, so two histories are never
    signed under one name.
    """
    row = session.get(RegistryMeta, ORIGIN_KEY)
    if row is not None:
        if configured and configured != row.value:
            raise ConflictError(
                f"REGISTRY_LOG_ORIGIN is {configured!r} but this log's origin is fixed as {row.value!r}"
            )
        return row.value
    value = configured or f"{host}/log/{secrets.token_hex(2)}"
    if not value or any(c.isspace() for c in value) or "+" in value:
        raise InvalidInputError(f"a log origin has no spaces or '+', got {value!r}")
    session.add(RegistryMeta(key=ORIGIN_KEY, value=value))
    session.flush()
    return value


def latest_checkpoint(session: Session) -> LogCheckpoint | None:
    return session.exec(
        select(LogCheckpoint).order_by(col(LogCheckpoint.size).desc()).limit(1)
    ).first()


def sign_checkpoint(
    session: Session, signer: Ed25519NoteSigner, now: datetime
) -> LogCheckpoint | None:
    """Sign the tree head if it grew, after proving it extends the last signed one.

    Run in its own transaction, after the appends are committed. Returns the latest
    checkpoint (None while the log is empty). Raises ProofError if the stored tree does
    not extend the last checkpoint: a fork, which must never be signed.
    """
    serialise(session)
    size = tree_size(session)
    latest = latest_checkpoint(session)
    if size == 0 or (latest is not None and latest.size == size):
        return latest
    store = DbHashStore(session)
    head = root(size, store)
    if latest is not None:
        proof = consistency_proof(latest.size, size, store)
        verify_consistency(latest.size, size, Hash(bytes(latest.root_hash)), head, proof)
    note = sign_note(Checkpoint(signer.name, size, head).to_text(), [signer])
    checkpoint = LogCheckpoint(size=size, root_hash=head, note=note.decode("utf-8"), created_at=now)
    session.add(checkpoint)
    session.flush()
    return checkpoint
