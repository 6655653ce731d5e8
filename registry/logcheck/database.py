"""``registry log verify``: recompute the whole log from its stored entries.

The check an operator runs after a restore, or whenever the database may have been
touched behind the application's back. It streams the entries in index order, keeps only
the right edge of the tree (one hash per level), and compares every full-subtree hash the
entries imply with the one stored in ``log_node``, and the recomputed root at every
checkpoint's size with the signed root. Time is linear in the log's size; memory is one
batch of entries plus O(log n).

Kept whole (about 330 lines): one streaming pass that recomputes the log, whose steps
share the right edge of the tree.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, col, select

from registry.db.tables import LogCheckpoint, LogEntry, LogNode, SigningKey
from registry.logcheck import errors
from registry.logcheck.errors import LogCheckError
from registry.signing import public_key_from_x
from registry.tlog import (
    EMPTY_ROOT,
    Checkpoint,
    CheckpointError,
    Hash,
    NoteError,
    NoteVerifier,
    key_id,
    leaf_hash,
    node_hash,
    open_note,
    parse_verifier_key,
)
from registry.tlog.encoding import b64encode
from registry.transparency import journal
from registry.transparency import queries as log_views

BATCH = 1000


class RightEdge:
    """The compact range ``[0, size)``: the roots of the tree's full subtrees, largest first."""

    def __init__(self) -> None:
        self.size = 0
        self._stack: list[Hash] = []

    def append(self, leaf: Hash) -> list[tuple[int, int, Hash]]:
        """Add the next leaf; the ``(level, index, hash)`` of every subtree it completes."""
        completed = [(0, self.size, leaf)]
        current, level, rest = leaf, 0, self.size
        while rest & 1:
            current = node_hash(self._stack.pop(), current)
            level, rest = level + 1, rest >> 1
            completed.append((level, self.size >> level, current))
        self._stack.append(current)
        self.size += 1
        return completed

    def root(self) -> Hash:
        """MTH of the leaves so far (RFC 9162 §2.1.1)."""
        if not self._stack:
            return EMPTY_ROOT
        acc = self._stack[-1]
        for value in reversed(self._stack[:-1]):
            acc = node_hash(value, acc)
        return acc


@dataclass
class LogReport:
    """What ``registry log verify`` checked."""

    origin: str
    vkey: str
    entries: int = 0
    hashes: int = 0
    checkpoints: int = 0
    signed_size: int = 0
    root: Hash = EMPTY_ROOT
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        if self.entries == 0:
            return [f"log {self.origin} is empty: nothing to verify"]
        out = [
            f"log {self.origin}: {self.entries} entries, {self.hashes} stored hashes and "
            f"{self.checkpoints} checkpoints match the entries",
            f"latest checkpoint: size {self.signed_size}, root {b64encode(self.root)}, "
            f"signature valid under {self.vkey}",
            "every checkpoint's root is the root recomputed from the entries at its size",
        ]
        return out + self.notes


def verify_log(session: Session, *, batch: int = BATCH) -> LogReport:
    """Check the stored log against itself and its signed checkpoints.

    Raises LogCheckError naming the first entry, stored hash or checkpoint that fails.
    """
    if session.get_bind().dialect.name == "postgresql":
        # One snapshot for the whole run, so appends made meanwhile do not look like damage.
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    origin = journal.origin(session)
    report = LogReport(origin=origin, vkey=log_views.vkey(session))
    checkpoints = _Checkpoints(session, origin, _log_verifiers(session, origin), batch)
    edge = RightEdge()
    while (empty := checkpoints.peek()) is not None and empty.size == 0:
        _check_root(empty, EMPTY_ROOT)
        checkpoints.advance()
    for rows in _entry_batches(session, batch):
        computed: dict[int, dict[int, Hash]] = {}
        roots: list[tuple[LogCheckpoint, Hash]] = []
        gap: LogCheckError | None = None
        for idx, data in rows:
            if idx != edge.size:
                gap = _gap(idx, edge.size)
                break
            for level, index, value in edge.append(leaf_hash(bytes(data))):
                computed.setdefault(level, {})[index] = value
            while (checkpoint := checkpoints.peek()) is not None and checkpoint.size == edge.size:
                roots.append((checkpoint, edge.root()))
                checkpoints.advance()
        report.hashes += _compare_hashes(session, computed)
        if gap is not None:
            raise gap
        for checkpoint, recomputed in roots:
            _check_root(checkpoint, recomputed)
    report.entries = edge.size
    report.root = edge.root()
    _check_no_extra_hashes(session, edge.size)
    beyond = checkpoints.peek()
    if beyond is not None:
        raise LogCheckError(
            f"checkpoint {beyond.size} covers {beyond.size} entries but the log holds only "
            f"{edge.size}: entry {edge.size} is missing",
            rule=errors.GAP,
        )
    report.checkpoints = checkpoints.count
    _check_latest(session, report, edge)
    return report


def _entry_batches(session: Session, batch: int) -> Iterator[Sequence[tuple[int, bytes]]]:
    start: int | None = None
    while True:
        query = select(LogEntry.idx, LogEntry.data).order_by(col(LogEntry.idx)).limit(batch)
        if start is not None:
            query = query.where(col(LogEntry.idx) >= start)
        rows = session.exec(query).all()
        if not rows:
            return
        yield rows
        start = rows[-1][0] + 1


def _gap(idx: int, expected: int) -> LogCheckError:
    if idx > expected:
        return LogCheckError(f"gap: entry {expected} is missing", rule=errors.GAP)
    return LogCheckError(
        f"entry {idx} is out of place: the log's indexes start at 0 with no gap",
        rule=errors.GAP,
    )


def _compare_hashes(session: Session, computed: dict[int, dict[int, Hash]]) -> int:
    """Compare the recomputed subtree hashes with ``log_node``; how many were compared."""
    compared = 0
    for level in sorted(computed):
        wanted = computed[level]
        rows = session.exec(
            select(LogNode.index, LogNode.hash).where(
                col(LogNode.level) == level,
                col(LogNode.index) >= min(wanted),
                col(LogNode.index) <= max(wanted),
            )
        ).all()
        stored = {index: bytes(value) for index, value in rows}
        for index in sorted(wanted):
            value = stored.get(index)
            if value == wanted[index]:
                compared += 1
                continue
            if level == 0:
                problem = "has no stored" if value is None else "does not match the stored"
                raise LogCheckError(f"entry {index} {problem} leaf hash", rule=errors.BAD_ENTRY)
            first, last = index << level, ((index + 1) << level) - 1
            problem = "is missing" if value is None else "does not match the entries"
            raise LogCheckError(
                f"the subtree hash at level {level}, index {index} (entries {first} to {last}) "
                f"{problem}",
                rule=errors.BAD_NODE,
            )
    return compared


def _check_no_extra_hashes(session: Session, size: int) -> None:
    rows = session.exec(
        select(col(LogNode.level), func.max(LogNode.index), func.count())
        .group_by(col(LogNode.level))
        .order_by(col(LogNode.level))
    ).all()
    for level, highest, count in rows:
        expected = size >> level if level >= 0 else 0  # a negative level is never valid
        if highest is not None and highest >= expected:
            if level == 0:
                raise LogCheckError(
                    f"entry {size} is missing: the log holds {size} entries but stores leaf "
                    f"hashes up to index {highest}",
                    rule=errors.GAP,
                )
            raise LogCheckError(
                f"a subtree hash at level {level}, index {highest} is stored beyond the "
                f"{size} entries",
                rule=errors.BAD_NODE,
            )
        if count != expected:
            raise LogCheckError(
                f"level {level} stores {count} subtree hashes; {size} entries make {expected}",
                rule=errors.BAD_NODE,
            )


def _log_verifiers(session: Session, origin: str) -> list[NoteVerifier]:
    """Every log key the registry ever had, named after the origin as it signs."""
    out: list[NoteVerifier] = []
    for x in session.exec(select(SigningKey.x).where(SigningKey.role == "log")).all():
        public = public_key_from_x(x).public_bytes_raw()
        out.append(NoteVerifier(origin, key_id(origin, public), public))
    return out


class _Checkpoints:
    """The stored checkpoints in size order, a batch at a time, each note opened and checked."""

    def __init__(
        self, session: Session, origin: str, verifiers: list[NoteVerifier], batch: int
    ) -> None:
        self._session, self._origin, self._verifiers = session, origin, verifiers
        self._batch = batch
        self._rows: deque[LogCheckpoint] = deque()
        self._next_size = 0
        self.count = 0
        self._fill()

    def peek(self) -> LogCheckpoint | None:
        return self._rows[0] if self._rows else None

    def advance(self) -> None:
        self._rows.popleft()
        self.count += 1
        if not self._rows:
            self._fill()

    def _fill(self) -> None:
        self._rows = deque(
            self._session.exec(
                select(LogCheckpoint)
                .where(col(LogCheckpoint.size) >= self._next_size)
                .order_by(col(LogCheckpoint.size))
                .limit(self._batch)
            ).all()
        )
        for row in self._rows:
            self._check_note(row)
        if self._rows:
            self._next_size = self._rows[-1].size + 1

    def _check_note(self, row: LogCheckpoint) -> None:
        try:
            opened = open_note(row.note.encode("utf-8"), self._verifiers)
            signed = Checkpoint.parse(opened.text)
        except (NoteError, CheckpointError) as error:
            raise LogCheckError(
                f"checkpoint {row.size}: its signed note does not verify: {error.detail}",
                rule=errors.BAD_SIGNATURE,
            ) from None
        if signed.origin != self._origin:
            raise LogCheckError(
                f"checkpoint {row.size} is signed for another log ({signed.origin})",
                rule=errors.BAD_CHECKPOINT,
            )
        if signed.size != row.size or signed.root_hash != bytes(row.root_hash):
            raise LogCheckError(
                f"checkpoint {row.size}: the stored size or root differs from the signed note",
                rule=errors.BAD_CHECKPOINT,
            )


def _check_root(checkpoint: LogCheckpoint, recomputed: Hash) -> None:
    if bytes(checkpoint.root_hash) != recomputed:
        raise LogCheckError(
            f"checkpoint {checkpoint.size} root does not match the entries",
            rule=errors.BAD_CHECKPOINT,
        )


def _check_latest(session: Session, report: LogReport, edge: RightEdge) -> None:
    """The latest checkpoint verifies under the log's published key and covers the entries."""
    latest = journal.latest_checkpoint(session)
    if latest is None:
        if edge.size:
            raise LogCheckError(
                f"the log holds {edge.size} entries but no signed checkpoint",
                rule=errors.BAD_CHECKPOINT,
            )
        return
    try:
        open_note(latest.note.encode("utf-8"), [parse_verifier_key(report.vkey)])
    except NoteError as error:
        raise LogCheckError(
            f"latest checkpoint {latest.size} does not verify under the log's key "
            f"{report.vkey}: {error.detail}",
            rule=errors.BAD_SIGNATURE,
        ) from None
    report.signed_size = latest.size
    report.root = Hash(bytes(latest.root_hash))
    unsigned = edge.size - latest.size
    if unsigned:
        report.notes.append(
            f"{unsigned} entries were appended after the latest checkpoint and are not yet "
            "signed (the next write signs them)"
        )
