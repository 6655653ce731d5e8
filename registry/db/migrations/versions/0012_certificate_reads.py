"""certificate read rows

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 23:30:00

One row per certificate with everything a public read of it needs (its JSON and ETag,
the inputs of its log proof, the server's check of its credential), rewritten in the
transaction of every change that alters it (``registry/certificates/read_rows.py``).

The rows of existing certificates are computed by the application's own code, not by
SQL here: ``registry init`` and ``registry serve`` write the missing ones at start, and
``registry reads rebuild`` writes them all again.

The history rows of the events that carried a credential no longer keep a copy of it:
the log entry they point at (``log_index``) holds it, and the certificate row holds the
one it serves. Existing history rows lose theirs here (the rest of ``data`` is kept as
the same canonical JSON).
"""

from __future__ import annotations

import json

import rfc8785
import sqlalchemy as sa
from alembic import op

import registry.db.types

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "certificate_read",
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("certificate_id", sa.Integer(), nullable=False),
        sa.Column("public", sa.LargeBinary(), nullable=False),
        sa.Column("etag", sa.String(length=80), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("valid_until", registry.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("credential_index", sa.BigInteger(), nullable=True),
        sa.Column("credential_sha256", sa.String(length=64), nullable=False),
        sa.Column("checked", sa.Text(), nullable=False),
        sa.Column("written_at", registry.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["certificate_id"], ["certificate.id"]),
        sa.PrimaryKeyConstraint("code"),
        sa.UniqueConstraint("certificate_id"),
    )
    _drop_credential_copies()


def _drop_credential_copies(batch: int = 1000) -> None:
    connection = op.get_bind()
    after = 0
    while True:
        rows = connection.execute(
            sa.text(
                "SELECT id, data FROM certificate_event WHERE id > :after "
                "AND type IN ('issued', 'renewed', 'credential.reissued') ORDER BY id LIMIT :n"
            ),
            {"after": after, "n": batch},
        ).all()
        if not rows:
            return
        for id_, data in rows:
            document = json.loads(data)
            if "credential" in document:
                del document["credential"]
                connection.execute(
                    sa.text("UPDATE certificate_event SET data = :d WHERE id = :id"),
                    {"d": rfc8785.dumps(document).decode("utf-8"), "id": id_},
                )
        after = rows[-1][0]


def downgrade() -> None:
    op.drop_table("certificate_read")
