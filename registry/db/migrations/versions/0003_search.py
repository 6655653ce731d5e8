"""search index of organisation names

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 15:00:00

Organisation names are searched by word starts, ignoring case and accents, through an
index that the database keeps in step with ``organisation`` by itself (no application
code has to remember it):

- SQLite: an FTS5 external-content table over ``organisation.legal_name`` with the
  ``unicode61`` tokenizer (``remove_diacritics 2`` folds accents, case is folded anyway)
  and prefix indexes for 2 and 3 characters; triggers copy every insert, update and
  delete. A later migration that rebuilds ``organisation`` (Alembic's batch mode copies
  the table) must recreate these triggers.
- PostgreSQL: a trigram GIN index (``pg_trgm``) on ``registry_fold(legal_name)``, an
  immutable wrapper of ``lower(unaccent(...))``; an expression index needs no trigger.
  Both extensions are "trusted" since PostgreSQL 13, so the database owner can create
  them.
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_SQLITE_UP = (
    "CREATE VIRTUAL TABLE organisation_name_fts USING fts5("
    "legal_name, content='organisation', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2', prefix='2 3')",
    "CREATE TRIGGER organisation_name_fts_insert AFTER INSERT ON organisation BEGIN "
    "INSERT INTO organisation_name_fts(rowid, legal_name) VALUES (new.id, new.legal_name); END",
    "CREATE TRIGGER organisation_name_fts_delete AFTER DELETE ON organisation BEGIN "
    "INSERT INTO organisation_name_fts(organisation_name_fts, rowid, legal_name) "
    "VALUES ('delete', old.id, old.legal_name); END",
    "CREATE TRIGGER organisation_name_fts_update AFTER UPDATE OF legal_name ON organisation BEGIN "
    "INSERT INTO organisation_name_fts(organisation_name_fts, rowid, legal_name) "
    "VALUES ('delete', old.id, old.legal_name); "
    "INSERT INTO organisation_name_fts(rowid, legal_name) VALUES (new.id, new.legal_name); END",
    "INSERT INTO organisation_name_fts(organisation_name_fts) VALUES ('rebuild')",
)
_SQLITE_DOWN = (
    "DROP TRIGGER IF EXISTS organisation_name_fts_update",
    "DROP TRIGGER IF EXISTS organisation_name_fts_delete",
    "DROP TRIGGER IF EXISTS organisation_name_fts_insert",
    "DROP TABLE IF EXISTS organisation_name_fts",
)
_POSTGRESQL_UP = (
    "CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public",
    # unaccent() is only STABLE (it reads a dictionary by name); naming the dictionary
    # makes the result depend on its argument alone, which an index needs.
    "CREATE FUNCTION registry_fold(text) RETURNS text "
    "LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT "
    "AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$",
    "CREATE INDEX ix_organisation_name_folded ON organisation "
    "USING gin (registry_fold(legal_name) gin_trgm_ops)",
)
_POSTGRESQL_DOWN = (
    "DROP INDEX IF EXISTS ix_organisation_name_folded",
    "DROP FUNCTION IF EXISTS registry_fold(text)",
)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in _SQLITE_UP if dialect == "sqlite" else _POSTGRESQL_UP:
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in _SQLITE_DOWN if dialect == "sqlite" else _POSTGRESQL_DOWN:
        op.execute(statement)
