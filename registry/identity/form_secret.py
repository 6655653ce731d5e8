"""The registry's secret for signing the time tokens of its public forms.

Made once at random and kept in ``registry_meta``, so every server process of one
registry shares it and a restart keeps forms that are already open working. It never
leaves the registry: pages carry only HMACs made with it.
"""

from __future__ import annotations

import secrets
from typing import Final

from sqlmodel import Session

from registry.db.dialect import dialect_insert
from registry.db.tables import RegistryMeta

META_ROW: Final = "public-form-secret"


def read_form_secret(session: Session) -> bytes | None:
    """The stored secret, or None before anyone made it."""
    row = session.get(RegistryMeta, META_ROW)
    return bytes.fromhex(row.value) if row is not None else None


def ensure_form_secret(session: Session) -> bytes:
    """The secret, made by whichever process asks first (concurrent makers agree)."""
    session.execute(
        dialect_insert(session, RegistryMeta.__table__)  # type: ignore[attr-defined]
        .values(key=META_ROW, value=secrets.token_hex(32))
        .on_conflict_do_nothing(index_elements=["key"])
    )
    found = read_form_secret(session)
    assert found is not None  # inserted just now, or by another process before
    return found
