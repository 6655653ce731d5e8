"""trigram index of organisation names (SQLite)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 10:00:00

Name search also offers names that look like the query (a typo, a missing letter): the
score is ``pg_trgm``'s ``strict_word_similarity`` (``registry.domain.similarity``). On
PostgreSQL the trigram index of migration 0003 serves it already. SQLite has no trigram
similarity, so it gets an FTS5 table with the ``trigram`` tokenizer from which the search
takes its candidates (names sharing any of the query's trigrams) before scoring them.

The table holds its own copy of each name (its text differs from ``legal_name``, so it
cannot be an external-content table): the name with common punctuation turned into
spaces and one space on either side, so that the padded trigrams of a word (" ka",
"le ") are substrings of it just as the inner ones are. The tokenizer folds case; it
does not remove accents in the SQLite versions supported (that option came in 3.45), so
a name is found through the trigrams that do not touch an accented letter. Triggers
keep the table in step with ``organisation`` (a later migration that rebuilds
``organisation`` in batch mode must recreate them); existing names are copied in once.
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# Separators a name may hold between its words, each made a space. A separator not in
# this list only hides the trigrams that touch it; the score is computed from the name.
_SEPARATORS = ".,&-'/()+\":;!?_*@#’`"


def _spaced(column: str) -> str:
    """SQL for ' ' || the column with each separator replaced by a space || ' '."""
    expression = column
    for char in _SEPARATORS:
        literal = char.replace("'", "''")
        expression = f"replace({expression}, '{literal}', ' ')"
    return f"' ' || {expression} || ' '"


# The statements are built from the constants above, never from input (hence noqa S608).
_NEW_WORDS = _spaced("new.legal_name")
_WORDS = _spaced("legal_name")
_INSERT_NEW = f"INSERT INTO organisation_trigram(rowid, words) VALUES (new.id, {_NEW_WORDS})"  # noqa: S608
_SQLITE_UP = (
    "CREATE VIRTUAL TABLE organisation_trigram USING fts5("
    "words, tokenize='trigram case_sensitive 0', detail='none')",
    f"CREATE TRIGGER organisation_trigram_insert AFTER INSERT ON organisation BEGIN {_INSERT_NEW}; END",
    "CREATE TRIGGER organisation_trigram_delete AFTER DELETE ON organisation BEGIN "
    "DELETE FROM organisation_trigram WHERE rowid = old.id; END",
    "CREATE TRIGGER organisation_trigram_update AFTER UPDATE OF legal_name ON organisation "  # noqa: S608
    f"BEGIN DELETE FROM organisation_trigram WHERE rowid = old.id; {_INSERT_NEW}; END",
    f"INSERT INTO organisation_trigram(rowid, words) SELECT id, {_WORDS} FROM organisation",  # noqa: S608
)
_SQLITE_DOWN = (
    "DROP TRIGGER IF EXISTS organisation_trigram_update",
    "DROP TRIGGER IF EXISTS organisation_trigram_delete",
    "DROP TRIGGER IF EXISTS organisation_trigram_insert",
    "DROP TABLE IF EXISTS organisation_trigram",
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in _SQLITE_UP:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in _SQLITE_DOWN:
            op.execute(statement)
