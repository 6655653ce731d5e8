"""write records

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 15:50:00

Every authenticated write is recorded with the person and token that made it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import registry.db.types

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "write_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("token_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("at", registry.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["token_id"], ["api_token.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_write_record_person_id", "write_record", ["person_id"])
    op.create_index("ix_write_record_at", "write_record", ["at"])


def downgrade() -> None:
    op.drop_index("ix_write_record_at", "write_record")
    op.drop_index("ix_write_record_person_id", "write_record")
    op.drop_table("write_record")
