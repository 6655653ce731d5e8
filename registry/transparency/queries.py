"""Reads of the transparency log: checkpoints, entries, proofs, tiles, proof bundles.

Everything is served relative to the latest *signed* checkpoint: an entry appended but
not yet covered by a checkpoint is not published, so every answer can be checked.
"""

from __future__ import annotations

import base64

from sqlmodel import Session, col, select

from registry.certificates.store import certificate_by_code
from registry.db.tables import CertificateEvent, LogCheckpoint, LogEntry, SigningKey
from registry.edge.schemas import Page
from registry.errors import InvalidInputError, NotFoundError
from registry.signing import public_key_from_x
from registry.tlog import (
    ProofBundle,
    Tile,
    consistency_proof,
    entry_bundle,
    hash_tile,
    inclusion_proof,
    leaf_hash,
    parse_tile_path,
    verifier_key,
)
from registry.transparency import cosigning, journal
from registry.transparency.schemas import ConsistencyProof, InclusionProof, LogEntryPublic

MAX_ENTRIES = 1000


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def published(session: Session) -> LogCheckpoint:
    checkpoint = journal.latest_checkpoint(session)
    if checkpoint is None:
        raise NotFoundError("the log has no signed checkpoint yet")
    return checkpoint


def vkey(session: Session) -> str:
    """The C2SP verifier key of the active log key, named after the origin."""
    row = session.exec(
        select(SigningKey).where(SigningKey.role == "log", SigningKey.status == "active")
    ).first()
    if row is None:
        raise NotFoundError("the log has no key yet")
    public = public_key_from_x(row.x).public_bytes_raw()
    return verifier_key(journal.origin(session), public)


def _check_size(value: int, name: str, size: int) -> None:
    if not 1 <= value <= size:
        raise InvalidInputError(
            f"{name} must be between 1 and the signed tree size {size}, got {value}"
        )


def inclusion(session: Session, index: int, tree_size: int) -> InclusionProof:
    checkpoint = published(session)
    _check_size(tree_size, "tree_size", checkpoint.size)
    if not 0 <= index < tree_size:
        raise InvalidInputError(
            f"index must be in [0, {tree_size}) for tree_size {tree_size}, got {index}"
        )
    entry = session.get(LogEntry, index)
    assert entry is not None
    proof = inclusion_proof(index, tree_size, journal.DbHashStore(session))
    return InclusionProof(
        index=index,
        tree_size=tree_size,
        leaf_hash=_b64(leaf_hash(bytes(entry.data))),
        hashes=[_b64(h) for h in proof],
        checkpoint=checkpoint.note,
    )


def consistency(session: Session, first: int, second: int) -> ConsistencyProof:
    checkpoint = published(session)
    _check_size(second, "second", checkpoint.size)
    _check_size(first, "first", second)
    proof = consistency_proof(first, second, journal.DbHashStore(session))
    return ConsistencyProof(
        first=first, second=second, hashes=[_b64(h) for h in proof], checkpoint=checkpoint.note
    )


def entries(session: Session, start: int, end: int) -> Page[LogEntryPublic]:
    """Entries ``[start, end)`` of the signed tree, at most 1,000 a call."""
    size = published(session).size
    if not 0 <= start < end:
        raise InvalidInputError(f"need 0 <= start < end, got start={start}, end={end}")
    if end - start > MAX_ENTRIES:
        raise InvalidInputError(f"at most {MAX_ENTRIES} entries a call; asked for {end - start}")
    if start >= size:
        raise NotFoundError(f"the signed log has {size} entries; start={start} is beyond it")
    stop = min(end, size)
    rows = session.exec(
        select(LogEntry)
        .where(col(LogEntry.idx) >= start, col(LogEntry.idx) < stop)
        .order_by(col(LogEntry.idx))
    ).all()
    items = [
        LogEntryPublic(
            index=r.idx,
            leaf_hash=_b64(leaf_hash(bytes(r.data))),
            entry=bytes(r.data).decode("utf-8"),
        )
        for r in rows
    ]
    return Page(items=items, next=str(stop) if stop < end and stop < size else None)


def tile(session: Session, path: str) -> tuple[bytes, bool]:
    """A C2SP tile's bytes and whether it is full (immutable). Raises NotFoundError beyond the tree."""
    parsed: Tile = parse_tile_path(path)
    size = published(session).size
    if not parsed.within(size):
        raise NotFoundError(f"tile {path} is beyond the signed tree of size {size}")
    if parsed.level == "entries":
        rows = session.exec(
            select(LogEntry.data)
            .where(
                col(LogEntry.idx) >= parsed.start, col(LogEntry.idx) < parsed.start + parsed.width
            )
            .order_by(col(LogEntry.idx))
        ).all()
        return entry_bundle([bytes(r) for r in rows]), not parsed.is_partial
    assert isinstance(parsed.level, int)
    data = hash_tile(parsed.level, parsed.index, parsed.width, journal.DbHashStore(session))
    return data, not parsed.is_partial


def certificate_proof(session: Session, code: str) -> bytes:
    """The C2SP tlog-proof bundle of the entry that carries the certificate's current credential.

    Its ``extra`` is the entry's exact bytes, so a verifier recomputes the leaf; the
    credential inside is the served JWS byte for byte.
    """
    certificate = certificate_by_code(session, code)
    event = session.exec(
        select(CertificateEvent)
        .where(
            CertificateEvent.certificate_id == certificate.id,
            col(CertificateEvent.type).in_(("issued", "renewed", "credential.reissued")),
        )
        .order_by(col(CertificateEvent.id).desc())
    ).first()
    if event is None or event.log_index is None:
        raise NotFoundError(f"certificate {certificate.code} has no issuance entry in the log")
    return entry_proof(session, event.log_index)


def entry_proof(session: Session, index: int, note: str | None = None) -> bytes:
    """The C2SP tlog-proof bundle of entry ``index`` under the latest signed checkpoint
    (``note``: that checkpoint, cosigned, when the caller holds it already), its
    ``extra`` the entry's exact bytes. Raises NotFoundError while no signed checkpoint
    covers it."""
    if note is None:
        note = cosigning.cosigned_note(session, published(session))
    size = int(note.split("\n")[1])
    if index >= size:
        raise NotFoundError(
            "the issuance entry is not yet covered by a signed checkpoint; retry in a second"
        )
    entry = session.get(LogEntry, index)
    assert entry is not None
    proof = inclusion_proof(index, size, journal.DbHashStore(session))
    return ProofBundle(
        index=index,
        proof=tuple(proof),
        checkpoint=note.encode("utf-8"),
        extra=bytes(entry.data),
    ).to_bytes()
