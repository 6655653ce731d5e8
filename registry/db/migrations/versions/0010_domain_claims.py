"""domain claims and status e-mail

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 23:40:00

A holder's web domain binds the badge only once the holder has proved control of it
(DNS TXT or an HTTPS file, ``registry/domain/domain_control.py``). Domains holders
declared before this migration were never proved: each becomes a claim whose check is due
at once, with a fresh token. Until that first check it stays bound (the registry's log
recorded it as declared); a check that does not pass unbinds it and records
``certificate.domain_lapsed``, so the change is in the log, not hidden in a migration.

Holder contacts may also ask for e-mail at each status change (``status_mail``); notices
wait in ``mail_outbox`` from the change's transaction until the server has sent them.
"""

from __future__ import annotations

import base64
import secrets
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import registry.db.types

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def _instant(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, registry.db.types.UTCDateTime(timezone=True), nullable=nullable)


def _token() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(16)).rstrip(b"=").decode("ascii")


def upgrade() -> None:
    claim = op.create_table(
        "domain_claim",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("certificate_id", sa.Integer(), nullable=False),
        sa.Column("domain", sa.String(length=253), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("method", sa.String(length=8), nullable=True),
        _instant("verified_at", nullable=True),
        sa.Column("failure", sa.String(length=300), nullable=True),
        sa.Column("review", sa.String(length=16), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _instant("created_at"),
        _instant("checked_at", nullable=True),
        _instant("next_check_at", nullable=True),
        _instant("removed_at", nullable=True),
        sa.ForeignKeyConstraint(["certificate_id"], ["certificate.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token"),
    )
    op.create_index("ix_domain_claim_certificate_id", "domain_claim", ["certificate_id"])
    op.create_index("ix_domain_claim_domain", "domain_claim", ["domain"])
    op.create_index("ix_domain_claim_next_check_at", "domain_claim", ["next_check_at"])
    op.create_table(
        "status_mail",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        _instant("since"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"]),
        sa.PrimaryKeyConstraint("person_id", "organisation_id"),
    )
    op.create_index("ix_status_mail_organisation_id", "status_mail", ["organisation_id"])
    op.create_table(
        "mail_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("to", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        _instant("created_at"),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _instant("next_attempt_at"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_mail_outbox_next_attempt_at", "mail_outbox", ["next_attempt_at"])
    covered = sa.table(
        "certificate_domain",
        sa.column("certificate_id", sa.Integer()),
        sa.column("domain", sa.String()),
        sa.column("source", sa.String()),
        sa.column("added_at", registry.db.types.UTCDateTime(timezone=True)),
        sa.column("removed_at", registry.db.types.UTCDateTime(timezone=True)),
    )
    declared = (
        op.get_bind()
        .execute(
            sa.select(covered.c.certificate_id, covered.c.domain, covered.c.added_at).where(
                covered.c.source == "holder", covered.c.removed_at.is_(None)
            )
        )
        .all()
    )
    now = datetime.now(UTC)
    if declared:
        op.bulk_insert(
            claim,
            [
                {
                    "certificate_id": row.certificate_id,
                    "domain": row.domain,
                    "token": _token(),
                    "state": "verified",
                    "method": None,  # declared before validation: its first check decides
                    "verified_at": row.added_at,
                    "attempts": 0,
                    "created_at": row.added_at,
                    "next_check_at": now,
                }
                for row in declared
            ],
        )


def downgrade() -> None:
    op.drop_table("mail_outbox")
    op.drop_table("status_mail")
    op.drop_table("domain_claim")
