"""Tables of the status lists (W3C Bitstring Status List v1.0) and the fixed issuer URL.

Kept apart from ``tables.py``: the status lists are a feature of their own. A row of
``status_entry`` is never deleted, so an index once drawn is never drawn again.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from registry.db.types import UTCDateTime


class StatusEntry(SQLModel, table=True):
    """A certificate's place in list ``list_number``: one index for both purposes,
    drawn at random at first issue and kept across renewals and reissues."""

    __tablename__ = "status_entry"
    __table_args__ = (UniqueConstraint("list_number", "list_index"),)

    certificate_id: int = Field(foreign_key="certificate.id", primary_key=True)
    list_number: int = Field(index=True)
    list_index: int
    revoked: bool = False  # set by a withdrawal, never cleared
    suspended: bool = False  # set by a suspension, cleared by reinstatement or renewal


class StatusListCredential(SQLModel, table=True):
    """The signed list ``/status/<number>/<purpose>``, re-signed in the transaction that
    changes one of its bits; served byte for byte as stored."""

    __tablename__ = "status_list"

    number: int = Field(primary_key=True)
    purpose: str = Field(max_length=16, primary_key=True)
    credential: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
