"""public search index: entries, their organizations, and the engine's own structure

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04

SQLite gets an FTS5 table of stemmed terms (rowid = search_entry.id); PostgreSQL keeps a German tsvector in
search_entry.document with a GIN index. The entries are derived data: run ``council search reindex`` after
upgrading a database that already holds papers.
"""

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _record_columns() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("modified", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default="0", nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "search_entry",
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("group_key", sa.String(length=40), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("reference", sa.String(length=60), nullable=True),
        sa.Column("paper_kind", sa.String(length=40), nullable=True),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("path", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("document", sa.Text().with_variant(postgresql.TSVECTOR(), "postgresql"), nullable=True),
        *_record_columns(),
        sa.ForeignKeyConstraint(
            ["body_id"], ["body.id"], name=op.f("fk_search_entry_body_id_body"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_entry")),
    )
    with op.batch_alter_table("search_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_search_entry_body_id"), ["body_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_search_entry_date"), ["date"], unique=False)
        batch_op.create_index(batch_op.f("ix_search_entry_group_key"), ["group_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_search_entry_modified"), ["modified"], unique=False)
        batch_op.create_index("ix_search_entry_document", ["document"], unique=False, postgresql_using="gin")
    op.create_table(
        "search_entry_organization",
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        *_record_columns(),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["search_entry.id"],
            name=op.f("fk_search_entry_organization_entry_id_search_entry"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_search_entry_organization_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_entry_organization")),
    )
    with op.batch_alter_table("search_entry_organization", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_search_entry_organization_entry_id"), ["entry_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_search_entry_organization_modified"), ["modified"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_search_entry_organization_organization_id"), ["organization_id"], unique=False
        )
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE VIRTUAL TABLE search_fts USING fts5(terms, tokenize = 'unicode61 remove_diacritics 0')")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE search_fts")
    op.drop_table("search_entry_organization")
    op.drop_table("search_entry")
