"""people and memberships

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 17:00:00

A person becomes one human with one e-mail address holding memberships. Every existing
person row becomes a person with one membership (its role in its party); it keeps its
pseudonymous id, which signed credentials and the log carry, and its tokens, which now
name that membership. Migrated people have no e-mail until they accept an invitation,
and who created their earlier tokens stays unknown (NULL) rather than being made up.
Nothing already written is changed apart from the new columns being filled.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import registry.db.types

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_T = registry.db.types.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "membership",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("person.id"), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("party_type", sa.String(length=16), nullable=False),
        sa.Column("body_id", sa.Integer(), sa.ForeignKey("body.id"), nullable=True),
        sa.Column("organisation_id", sa.Integer(), sa.ForeignKey("organisation.id"), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("granted_by_id", sa.Integer(), sa.ForeignKey("person.id"), nullable=True),
        sa.Column("granted_at", _T(timezone=True), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), sa.ForeignKey("person.id"), nullable=True),
        sa.Column("changed_at", _T(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    for column in ("person_id", "body_id", "organisation_id"):
        op.create_index(f"ix_membership_{column}", "membership", [column])
    op.create_table(
        "invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("person.id"), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("invited_by_id", sa.Integer(), sa.ForeignKey("person.id"), nullable=True),
        sa.Column("created_at", _T(timezone=True), nullable=False),
        sa.Column("expires_at", _T(timezone=True), nullable=False),
        sa.Column("used_at", _T(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_invitation_token_hash", "invitation", ["token_hash"], unique=True)
    op.create_index("ix_invitation_person_id", "invitation", ["person_id"])
    op.create_table(
        "sign_in_secret",
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("person.id"), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=True),
        sa.Column("totp_secret", sa.String(length=64), nullable=True),
        sa.Column("totp_last_step", sa.BigInteger(), nullable=True),
        sa.Column("locked_until", _T(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("person_id"),
    )
    op.create_table(
        "passkey",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("person.id"), nullable=False),
        sa.Column("credential_id", sa.String(length=1400), nullable=False),
        sa.Column("public_key", sa.LargeBinary(), nullable=False),
        sa.Column("sign_count", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("created_at", _T(timezone=True), nullable=False),
        sa.Column("last_used_at", _T(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_passkey_credential_id", "passkey", ["credential_id"], unique=True)
    op.create_index("ix_passkey_person_id", "passkey", ["person_id"])
    op.create_table(
        "web_session",
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("person.id"), nullable=True),
        sa.Column("pending_person_id", sa.Integer(), sa.ForeignKey("person.id"), nullable=True),
        sa.Column("csrf", sa.String(length=64), nullable=False),
        sa.Column("challenge", sa.Text(), nullable=True),
        sa.Column("created_at", _T(timezone=True), nullable=False),
        sa.Column("expires_at", _T(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id_hash"),
    )
    op.create_index("ix_web_session_person_id", "web_session", ["person_id"])
    op.create_index("ix_web_session_expires_at", "web_session", ["expires_at"])
    op.create_table(
        "sign_in_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account", sa.String(length=254), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("at", _T(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    for column in ("account", "client", "at"):
        op.create_index(f"ix_sign_in_failure_{column}", "sign_in_failure", [column])

    # Columns are added in place: rebuilding ``person`` or ``api_token`` (SQLite's way to
    # add a constraint) would fail on the rows that refer to them.
    op.add_column("person", sa.Column("email", sa.String(length=254), nullable=True))
    op.add_column("person", sa.Column("email_key", sa.String(length=254), nullable=True))
    op.add_column("person", sa.Column("email_verified_at", _T(timezone=True), nullable=True))
    op.create_index("uq_person_email_key", "person", ["email_key"], unique=True)
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE api_token ADD COLUMN membership_id INTEGER REFERENCES membership (id)"
        )
        op.execute("ALTER TABLE api_token ADD COLUMN created_by_id INTEGER REFERENCES person (id)")
    else:
        op.add_column("api_token", sa.Column("membership_id", sa.Integer(), nullable=True))
        op.add_column("api_token", sa.Column("created_by_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            "fk_api_token_membership", "api_token", "membership", ["membership_id"], ["id"]
        )
        op.create_foreign_key(
            "fk_api_token_created_by", "api_token", "person", ["created_by_id"], ["id"]
        )
    op.create_index("ix_api_token_membership_id", "api_token", ["membership_id"])
    with op.batch_alter_table("write_record") as batch:
        batch.alter_column("token_id", existing_type=sa.Integer(), nullable=True)

    # One membership per existing person row, granted when the row was made, by nobody
    # the registry can name; then each token names its person's membership.
    op.execute(
        "INSERT INTO membership (person_id, role, party_type, body_id, organisation_id, status, granted_at) "
        "SELECT id, role, party_type, body_id, organisation_id, 'active', created_at FROM person"
    )
    op.execute(
        "UPDATE api_token SET membership_id = "
        "(SELECT m.id FROM membership m WHERE m.person_id = api_token.person_id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("write_record") as batch:
        batch.alter_column("token_id", existing_type=sa.Integer(), nullable=False)
    op.drop_index("ix_api_token_membership_id", "api_token")
    op.drop_index("uq_person_email_key", "person")
    with op.batch_alter_table("api_token") as batch:
        if op.get_bind().dialect.name != "sqlite":
            batch.drop_constraint("fk_api_token_created_by", type_="foreignkey")
            batch.drop_constraint("fk_api_token_membership", type_="foreignkey")
        batch.drop_column("created_by_id")
        batch.drop_column("membership_id")
    with op.batch_alter_table("person") as batch:
        batch.drop_column("email_verified_at")
        batch.drop_column("email_key")
        batch.drop_column("email")
    for table in (
        "sign_in_failure",
        "web_session",
        "passkey",
        "sign_in_secret",
        "invitation",
        "membership",
    ):
        op.drop_table(table)
