"""drafts of the portals: assessments and scheme versions

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 23:40:00

An auditor's assessment is written over days: the auditor portal keeps its draft on the
server, for its person alone, until it is submitted (and checked). Staff edit the next
version of a scheme as a draft; publishing makes it an immutable version and removes the
draft, so a published version is never edited. Nothing existing changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import registry.db.types

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

_T = registry.db.types.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "assessment_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("person.id"), nullable=False),
        sa.Column("body_id", sa.Integer(), sa.ForeignKey("body.id"), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("created_at", _T(timezone=True), nullable=False),
        sa.Column("updated_at", _T(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_assessment_draft_person_id", "assessment_draft", ["person_id"])
    op.create_table(
        "scheme_version_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scheme_id", sa.Integer(), sa.ForeignKey("scheme.id"), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), sa.ForeignKey("person.id"), nullable=False),
        sa.Column("updated_at", _T(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("scheme_id"),
    )


def downgrade() -> None:
    op.drop_table("scheme_version_draft")
    op.drop_index("ix_assessment_draft_person_id", table_name="assessment_draft")
    op.drop_table("assessment_draft")
