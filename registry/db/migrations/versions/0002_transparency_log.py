"""transparency log

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 14:40:00

The log's entries, full-subtree hashes and signed checkpoints, append-only: triggers
refuse UPDATE and DELETE on all three, so a change behind the application's back needs
the triggers dropped first (and is then caught by `registry log verify` and monitors).
Certificate history rows learn the index of their log entry.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import registry.db.types

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

LOG_TABLES = ("log_entry", "log_node", "log_checkpoint")


def upgrade() -> None:
    op.create_table(
        "log_entry",
        sa.Column("idx", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("created_at", registry.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("idx"),
    )
    op.create_index("ix_log_entry_type", "log_entry", ["type"])
    op.create_table(
        "log_node",
        sa.Column("level", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("index", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("hash", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("level", "index"),
    )
    op.create_table(
        "log_checkpoint",
        sa.Column("size", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("root_hash", sa.LargeBinary(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", registry.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("size"),
    )
    with op.batch_alter_table("certificate_event") as batch:
        batch.add_column(sa.Column("log_index", sa.BigInteger(), nullable=True))
        batch.create_index("ix_certificate_event_log_index", ["log_index"])
    _append_only_up()


def downgrade() -> None:
    _append_only_down()
    with op.batch_alter_table("certificate_event") as batch:
        batch.drop_index("ix_certificate_event_log_index")
        batch.drop_column("log_index")
    op.drop_table("log_checkpoint")
    op.drop_table("log_node")
    op.drop_index("ix_log_entry_type", "log_entry")
    op.drop_table("log_entry")


def _append_only_up() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in LOG_TABLES:
            for action in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_append_only_{action.lower()} BEFORE {action} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                )
        return
    op.execute(
        "CREATE FUNCTION registry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$"
    )
    for table in LOG_TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION registry_append_only()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION registry_append_only()"
        )


def _append_only_down() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in LOG_TABLES:
            for action in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only_{action}")
        return
    for table in LOG_TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    op.execute("DROP FUNCTION IF EXISTS registry_append_only()")
