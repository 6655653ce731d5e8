"""Witnesses' cosignatures as the registry keeps and serves them.

The witnesses the registry asks, and the quorum it recommends to verifiers, come from a
C2SP tlog-policy file (``REGISTRY_WITNESSES``): ``witness <name> <vkey> <submission
URL>`` lines, groups and a quorum. Cosignatures are stored per checkpoint size and key,
exactly as the witness sent the line, and served after the log's own signature.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, col, select

from registry.db.tables import LogCheckpoint, LogCosignature
from registry.errors import InvalidInputError
from registry.tlog import parse_verifier_key
from registry.tlog.cosignature import CosignatureVerifier
from registry.tlog.policy import Policy, PolicyLog, parse_policy
from registry.transparency import journal


def load_policy(path: Path | None) -> Policy | None:
    """The configured witness policy, or None when the registry has no witnesses."""
    if path is None:
        return None
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InvalidInputError(
            f"REGISTRY_WITNESSES: cannot read {path}: {error.strerror}"
        ) from None
    return parse_policy(data)


def recommended_policy(policy: Policy, log_vkey: str, log_url: str) -> str:
    """The policy verifiers should use: this log, the witnesses and the quorum."""
    return policy.with_logs(PolicyLog(parse_verifier_key(log_vkey), log_url)).to_text()


def cosigned_note(session: Session, checkpoint: LogCheckpoint) -> str:
    """The checkpoint's signed note with the stored cosignature lines appended."""
    rows = session.exec(
        select(LogCosignature.line)
        .where(LogCosignature.size == checkpoint.size)
        .order_by(col(LogCosignature.key_name), col(LogCosignature.key_id))
    ).all()
    return checkpoint.note + "".join(rows)


def cosigned_size(session: Session, verifier: CosignatureVerifier) -> int:
    """The largest checkpoint size this key cosigned, as far as the registry knows (0)."""
    value = session.exec(
        select(func.max(LogCosignature.size)).where(
            LogCosignature.key_name == verifier.name, LogCosignature.key_id == verifier.key_id.hex()
        )
    ).one()
    return int(value or 0)


def store(
    session: Session,
    size: int,
    verifier: CosignatureVerifier,
    line: str,
    timestamp: int,
    now: datetime,
) -> bool:
    """Keep one verified cosignature line; False if one of this key for this size is kept."""
    key = (size, verifier.name, verifier.key_id.hex())
    if session.get(LogCosignature, key) is not None:
        return False
    session.add(
        LogCosignature(
            size=size,
            key_name=verifier.name,
            key_id=key[2],
            line=line,
            timestamp=timestamp,
            received_at=now,
        )
    )
    session.flush()
    return True


@dataclass(frozen=True)
class CosigningStatus:
    """How many of the policy's witnesses cosigned the latest checkpoint, and since when
    that is so (the last cosignature's arrival, or the checkpoint's signing)."""

    size: int
    cosigned: tuple[str, ...]
    witnesses: int
    since: datetime
    quorum_met: bool


def status(session: Session, policy: Policy) -> CosigningStatus | None:
    """The latest checkpoint's cosigning, or None before the first checkpoint."""
    latest = journal.latest_checkpoint(session)
    if latest is None:
        return None
    rows = session.exec(select(LogCosignature).where(LogCosignature.size == latest.size)).all()
    by_key = {(r.key_name, r.key_id): r for r in rows}
    cosigned: list[str] = []
    times: list[datetime] = []
    for witness in policy.witnesses:
        row = by_key.get((witness.verifier.name, witness.verifier.key_id.hex()))
        if row is not None:
            cosigned.append(witness.name)
            times.append(row.received_at)
    return CosigningStatus(
        size=latest.size,
        cosigned=tuple(cosigned),
        witnesses=len(policy.witnesses),
        since=max(times) if times else latest.created_at,
        quorum_met=policy.satisfied(set(cosigned)),
    )
