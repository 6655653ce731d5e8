"""status lists

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 17:00:00

W3C Bitstring Status List v1.0: each certificate's index (never reused) and its bits,
and the signed lists as served.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import registry.db.types

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "status_entry",
        sa.Column("certificate_id", sa.Integer(), nullable=False),
        sa.Column("list_number", sa.Integer(), nullable=False),
        sa.Column("list_index", sa.Integer(), nullable=False),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.Column("suspended", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["certificate_id"], ["certificate.id"]),
        sa.PrimaryKeyConstraint("certificate_id"),
        sa.UniqueConstraint("list_number", "list_index"),
    )
    op.create_index("ix_status_entry_list_number", "status_entry", ["list_number"])
    op.create_table(
        "status_list",
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("credential", sa.Text(), nullable=False),
        sa.Column("updated_at", registry.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("number", "purpose"),
    )


def downgrade() -> None:
    op.drop_table("status_list")
    op.drop_index("ix_status_entry_list_number", table_name="status_entry")
    op.drop_table("status_entry")
