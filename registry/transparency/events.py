"""The one place every registry event passes through.

Every event (certificate, scheme, body, key) becomes an entry of the transparency log;
a certificate's event also becomes a row of its public history, which knows its entry.
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
from registry.domain.reasons import Reason
from registry.transparency import journal
from registry.webhooks import store as webhooks


@dataclass(frozen=True)
class RegistryEvent:
    """An event as the public may see it: no personal data, short factual reasons."""

    type: str  # e.g. "certificate.suspended", "scheme.published"
    at: datetime
    reason: str = ""  # Dutch
    data: Mapping[str, Any] = field(default_factory=dict)
    reason_en: str | None = None
    effective_at: datetime | None = None
    """When it took effect, if earlier than ``at`` (an expiry at ``valid_until``)."""

    @classmethod
    def with_reason(
        cls,
        type_: str,
        at: datetime,
        reason: Reason,
        data: Mapping[str, Any],
        effective_at: datetime | None = None,
    ) -> RegistryEvent:
        return cls(
            type=type_,
            at=at,
            reason=reason.nl,
            data=data,
            reason_en=reason.en,
            effective_at=effective_at,
        )


def entry_bytes(event: RegistryEvent) -> bytes:
    """The log entry of ``event``: what ``record`` appends, and a batch appends in bulk."""
    return journal.encode_entry(
        event.type,
        event.at,
        event.reason,
        event.data,
        reason_en=event.reason_en,
        effective_at=event.effective_at,
    )


def history_values(
    event: RegistryEvent,
    certificate_id: int,
    actor_id: int | None,
    assessment_id: int | None,
    log_index: int,
) -> dict[str, Any]:
    """The certificate's public history row of ``event`` (columns but the id). A
    credential the event carries is left out: its log entry (``log_index``) holds it."""
    data = {k: v for k, v in event.data.items() if k != "credential"}
    return {
        "certificate_id": certificate_id,
        "type": event.type.removeprefix("certificate."),
        "at": event.at,
        "effective_at": event.effective_at,
        "reason": event.reason,
        "reason_en": event.reason_en,
        "actor_id": actor_id,
        "assessment_id": assessment_id,
        "data": rfc8785.dumps(data).decode("utf-8"),
        "log_index": log_index,
    }


def record(
    session: Session,
    event: RegistryEvent,
    *,
    certificate: Certificate | None = None,
    actor_id: int | None = None,
    assessment_id: int | None = None,
) -> CertificateEvent | None:
    """Append ``event`` to the log; for a certificate also write its history row.

    A status change also queues its webhook messages to the holder, in this transaction.
    Returns the history row (None for registry-wide events). Raises InvalidInputError
    when the entry would exceed the log's size limit: the change then does not happen.
    """
    log_index = journal.append(session, entry_bytes(event), event.type, event.at)
    history: CertificateEvent | None = None
    if certificate is not None:
        assert certificate.id is not None, "certificate must be flushed before its event"
        history = CertificateEvent(
            **history_values(event, certificate.id, actor_id, assessment_id, log_index)
        )
        session.add(history)
        session.flush()
        webhooks.enqueue_status_change(
            session,
            certificate,
            event.type,
            event.at,
            event.reason,
            log_index,
            event.reason_en,
            domain=event.data.get("domain"),
        )
    return history
