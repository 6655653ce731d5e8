"""log cosignatures

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 17:20:00

Witnesses' cosignatures of the log's checkpoints, served appended to the checkpoint.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import registry.db.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "log_cosignature",
        sa.Column("size", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("key_name", sa.Text(), nullable=False),
        sa.Column("key_id", sa.Text(), nullable=False),
        sa.Column("line", sa.Text(), nullable=False),
        sa.Column("timestamp", sa.BigInteger(), nullable=False),
        sa.Column("received_at", registry.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("size", "key_name", "key_id"),
    )


def downgrade() -> None:
    op.drop_table("log_cosignature")
