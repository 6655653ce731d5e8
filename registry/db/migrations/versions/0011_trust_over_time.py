"""reasons in two languages, audit decisions on certificates, scheme profile, notices

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 23:30:00

Each reason column keeps the Dutch text it held (rows written before this revision hold
whatever single text was given) and gets an English column beside it, empty for old rows.
A decision on an audit of an existing certificate records what it did to the
certificate (suspend with a deadline, or withdraw). A history row may say when it took
effect apart from when it was recorded (an expiry at ``valid_until``). The scheme gets
the profile consumer guides judge a label by. ``certificate_notice`` remembers which
notices were sent to a body, so each is sent once.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import registry.db.types

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_PROFILE = ("criteria_set_by", "stakeholders", "ambition", "control", "transparency", "complaints")


def upgrade() -> None:
    instant = registry.db.types.UTCDateTime
    text = sqlmodel.sql.sqltypes.AutoString
    with op.batch_alter_table("decision") as batch:
        batch.add_column(sa.Column("reason_en", text(), nullable=True))
        batch.add_column(sa.Column("action", text(length=16), nullable=True))
        batch.add_column(sa.Column("deadline", sa.Date(), nullable=True))
    with op.batch_alter_table("certificate") as batch:
        batch.add_column(sa.Column("status_reason_en", text(), nullable=True))
        batch.add_column(sa.Column("status_deadline", sa.Date(), nullable=True))
    with op.batch_alter_table("certificate_event") as batch:
        batch.add_column(sa.Column("effective_at", instant(timezone=True), nullable=True))
        batch.add_column(sa.Column("reason_en", text(), nullable=True))
    with op.batch_alter_table("scheme") as batch:
        for name in _PROFILE:
            for language in ("nl", "en"):
                batch.add_column(
                    sa.Column(f"{name}_{language}", sa.Text(), nullable=False, server_default="")
                )
    op.create_table(
        "certificate_notice",
        sa.Column("certificate_id", sa.Integer(), nullable=False),
        sa.Column("kind", text(length=32), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("sent_at", instant(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["certificate_id"], ["certificate.id"]),
        sa.PrimaryKeyConstraint("certificate_id", "kind", "due"),
    )


def downgrade() -> None:
    op.drop_table("certificate_notice")
    with op.batch_alter_table("scheme") as batch:
        for name in _PROFILE:
            for language in ("nl", "en"):
                batch.drop_column(f"{name}_{language}")
    with op.batch_alter_table("certificate_event") as batch:
        batch.drop_column("reason_en")
        batch.drop_column("effective_at")
    with op.batch_alter_table("certificate") as batch:
        batch.drop_column("status_deadline")
        batch.drop_column("status_reason_en")
    with op.batch_alter_table("decision") as batch:
        batch.drop_column("deadline")
        batch.drop_column("action")
        batch.drop_column("reason_en")
