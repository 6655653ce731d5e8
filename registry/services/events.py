"""The one place every registry event passes through.

A certificate's event becomes a row of its public history; every event (certificate,
scheme, body, key) is handed to the journal, which is the transparency log's entry point.
Callers record the event in the same transaction as the change it describes, so that a
change without its event cannot be committed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import rfc8785
from sqlmodel import Session

from registry.db.tables import Certificate, CertificateEvent


@dataclass(frozen=True)
class RegistryEvent:
    """An event as the public may see it: no personal data, short factual reasons."""

    type: str  # e.g. "certificate.suspended", "scheme.published"
    at: datetime
    reason: str = ""
    data: Mapping[str, Any] = field(default_factory=dict)


def record(
    session: Session,
    event: RegistryEvent,
    *,
    certificate: Certificate | None = None,
    actor_id: int | None = None,
    assessment_id: int | None = None,
) -> CertificateEvent | None:
    """Record ``event``; for a certificate also its history row, which is returned."""
    history: CertificateEvent | None = None
    if certificate is not None:
        assert certificate.id is not None, "certificate must be flushed before its event"
        history = CertificateEvent(
            certificate_id=certificate.id,
            type=event.type.removeprefix("certificate."),
            at=event.at,
            reason=event.reason,
            actor_id=actor_id,
            assessment_id=assessment_id,
            data=rfc8785.dumps(dict(event.data)).decode("utf-8"),
        )
        session.add(history)
        session.flush()
    return history
