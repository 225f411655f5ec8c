"""The public search index: one entry per findable thing, derived from the public records only."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from council.db import Record

# PostgreSQL keeps the German tsvector here; on SQLite the column stays empty and FTS5 holds the terms
# (the virtual table search_fts, created by the migration, rowid = search_entry.id).
DocumentVector = Text().with_variant(TSVECTOR(), "postgresql")


class SearchEntry(Record):
    __tablename__ = "search_entry"

    body_id: Mapped[int] = mapped_column(ForeignKey("body.id", ondelete="CASCADE"), index=True)
    # What the entry is rebuilt with: "paper:12" covers the paper and its attachments.
    group_key: Mapped[str] = mapped_column(String(40), index=True)
    source: Mapped[str] = mapped_column(String(20))  # paper, file, resolution, minutes
    source_id: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(String(500))
    reference: Mapped[str | None] = mapped_column(String(60))
    paper_kind: Mapped[str | None] = mapped_column(String(40))
    date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    path: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    document: Mapped[str | None] = mapped_column(DocumentVector)

    __table_args__ = (Index("ix_search_entry_document", "document", postgresql_using="gin"),)


class SearchEntryOrganization(Record):
    """The organizations an entry belongs to (a paper's Beratungsfolge and lead department), for the filter."""

    __tablename__ = "search_entry_organization"

    entry_id: Mapped[int] = mapped_column(ForeignKey("search_entry.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"), index=True)


def is_engine_table(name: str) -> bool:
    """SQLite's FTS5 table and its shadow tables: the engine's, made by the migration, not models."""
    return name == "search_fts" or name.startswith("search_fts_")
