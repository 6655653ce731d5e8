"""SQL mirrors of the status rules in ``domain/status.py`` for the features that list
many certificates at once (the certificate list, search, the open-data exports), so that
each says what the certificate page says without reading certificates one by one.
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import ColumnElement, exists
from sqlmodel import col, func, select

from registry.db.tables import Certificate, CertificateEvent, SigningKey

# The history events that carry a new credential in full (certificates/store.py writes them).
CREDENTIAL_EVENTS: Final[tuple[str, ...]] = ("issued", "renewed", "credential.reissued")


def replacing_signature() -> ColumnElement[bool]:
    """SQL for ``signature_being_replaced``, correlated to ``Certificate``: the
    credential's key is compromised at or before the latest event that carried a
    credential."""
    signed_at = (
        select(func.max(CertificateEvent.at))
        .where(
            CertificateEvent.certificate_id == Certificate.id,
            col(CertificateEvent.type).in_(CREDENTIAL_EVENTS),
        )
        .correlate(Certificate)
        .scalar_subquery()
    )
    return exists().where(
        col(SigningKey.kid) == col(Certificate.credential_kid),
        col(SigningKey.status) == "compromised",
        col(SigningKey.compromised_at) <= signed_at,
    )
