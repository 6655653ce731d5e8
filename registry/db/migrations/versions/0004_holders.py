"""holders: status webhooks, foreign badge embeds, misuse reports

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 16:00:00

- ``webhook_endpoint``, ``webhook_delivery`` (the outbox, written in the transaction of
  the status change) and ``webhook_attempt`` (every try, for the holder to see);
- ``foreign_embed``: per certificate, domain and day, how often its badge was shown on a
  domain it does not cover (a counter, no visitor data);
- ``misuse_report`` (personal data: never in the log), ``client_salt`` (one random salt
  per day, deleted after) and ``client_rate`` (rate-limit counters per hashed client).

No existing table is rebuilt, so the search triggers of 0003 are untouched.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import registry.db.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _instant(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, registry.db.types.UTCDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "webhook_endpoint",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("secret", sa.String(length=64), nullable=False),
        _instant("created_at"),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        _instant("removed_at", nullable=True),
        sa.Column("removed_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"]),
        sa.ForeignKeyConstraint(["created_by_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["removed_by_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_webhook_endpoint_organisation_id", "webhook_endpoint", ["organisation_id"])
    op.create_table(
        "webhook_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(length=40), nullable=False),
        sa.Column("endpoint_id", sa.Integer(), nullable=False),
        sa.Column("certificate_id", sa.Integer(), nullable=False),
        sa.Column("event_type", sa.String(length=40), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        _instant("created_at"),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _instant("next_attempt_at", nullable=True),
        sa.Column("lease", sa.String(length=32), nullable=True),
        _instant("delivered_at", nullable=True),
        sa.ForeignKeyConstraint(["endpoint_id"], ["webhook_endpoint.id"]),
        sa.ForeignKeyConstraint(["certificate_id"], ["certificate.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("message_id"),
    )
    op.create_index("ix_webhook_delivery_endpoint_id", "webhook_delivery", ["endpoint_id"])
    op.create_index("ix_webhook_delivery_next_attempt_at", "webhook_delivery", ["next_attempt_at"])
    op.create_table(
        "webhook_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        _instant("at"),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.String(length=300), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["delivery_id"], ["webhook_delivery.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_webhook_attempt_delivery_id", "webhook_attempt", ["delivery_id"])
    op.create_table(
        "foreign_embed",
        sa.Column("certificate_id", sa.Integer(), nullable=False),
        sa.Column("domain", sa.String(length=253), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["certificate_id"], ["certificate.id"]),
        sa.PrimaryKeyConstraint("certificate_id", "domain", "day"),
    )
    op.create_index("ix_foreign_embed_domain", "foreign_embed", ["domain"])
    op.create_table(
        "misuse_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=40), nullable=False),
        sa.Column("site", sa.String(length=300), nullable=False),
        sa.Column("domain", sa.String(length=253), nullable=False),
        sa.Column("certificate_code", sa.String(length=16), nullable=True),
        sa.Column("certificate_id", sa.Integer(), nullable=True),
        sa.Column("body_id", sa.Integer(), nullable=True),
        sa.Column("seen", sa.Text(), nullable=False),
        sa.Column("contact_email", sa.String(length=254), nullable=True),
        sa.Column("client_hash", sa.String(length=64), nullable=False),
        _instant("submitted_at"),
        _instant("handled_at", nullable=True),
        sa.Column("handled_by_id", sa.Integer(), nullable=True),
        sa.Column("handled_note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["certificate_id"], ["certificate.id"]),
        sa.ForeignKeyConstraint(["body_id"], ["body.id"]),
        sa.ForeignKeyConstraint(["handled_by_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("public_id"),
    )
    op.create_index("ix_misuse_report_domain", "misuse_report", ["domain"])
    op.create_index("ix_misuse_report_body_id", "misuse_report", ["body_id"])
    op.create_index("ix_misuse_report_submitted_at", "misuse_report", ["submitted_at"])
    op.create_table(
        "client_salt",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("salt", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("day"),
    )
    op.create_table(
        "client_rate",
        sa.Column("scope", sa.String(length=32), nullable=False),
        sa.Column("client_hash", sa.String(length=64), nullable=False),
        _instant("window_start"),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("scope", "client_hash", "window_start"),
    )


def downgrade() -> None:
    op.drop_table("client_rate")
    op.drop_table("client_salt")
    op.drop_index("ix_misuse_report_submitted_at", "misuse_report")
    op.drop_index("ix_misuse_report_body_id", "misuse_report")
    op.drop_index("ix_misuse_report_domain", "misuse_report")
    op.drop_table("misuse_report")
    op.drop_index("ix_foreign_embed_domain", "foreign_embed")
    op.drop_table("foreign_embed")
    op.drop_index("ix_webhook_attempt_delivery_id", "webhook_attempt")
    op.drop_table("webhook_attempt")
    op.drop_index("ix_webhook_delivery_next_attempt_at", "webhook_delivery")
    op.drop_index("ix_webhook_delivery_endpoint_id", "webhook_delivery")
    op.drop_table("webhook_delivery")
    op.drop_index("ix_webhook_endpoint_organisation_id", "webhook_endpoint")
    op.drop_table("webhook_endpoint")
