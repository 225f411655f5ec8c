"""Two engines behind one interface: SQLite FTS5 (embedded default) and PostgreSQL's German full-text search.

An engine keeps its own form of the entries' words (``write``/``erase``) and answers which entries match a
query, with a rank where smaller is better (``matches``). Everything else (filters, counts, pages, snippets)
is the service's and the same for both.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from sqlalchemy import Connection, Float, Select, column, delete, func, insert, literal_column, select, table, update
from sqlalchemy.sql.elements import ColumnElement

from council.search.models import SearchEntry
from council.search.words import fts5_query, index_terms

# The FTS5 table the migration creates on SQLite; its hidden column ``rank`` is bm25, smaller is better.
FTS = table("search_fts", column("rowid"), column("terms"), column("rank"))


class SearchEngine(Protocol):
    def write(self, connection: Connection, entries: Sequence[tuple[int, str, str | None, str]]) -> None:
        """Index (entry id, title, reference, text) of freshly inserted entries."""

    def erase(self, connection: Connection, entry_ids: Sequence[int]) -> None:
        """Forget entries about to be deleted."""

    def matches(self, query: str) -> Select[tuple[int, float]] | None:
        """(entry id, rank) of the entries matching ``query``; None when the query has no searchable word."""


class SqliteFts5Engine:
    """FTS5 has no German stemmer: it indexes our snowball stems (council/search/words.py)."""

    def write(self, connection: Connection, entries: Sequence[tuple[int, str, str | None, str]]) -> None:
        if entries:
            connection.execute(
                insert(FTS),
                [{"rowid": i, "terms": index_terms(title, reference, text)} for i, title, reference, text in entries],
            )

    def erase(self, connection: Connection, entry_ids: Sequence[int]) -> None:
        if entry_ids:
            connection.execute(delete(FTS).where(FTS.c.rowid.in_(list(entry_ids))))

    def matches(self, query: str) -> Select[tuple[int, float]] | None:
        expression = fts5_query(query)
        if expression is None:
            return None
        rank: ColumnElement[float] = FTS.c.rank
        return select(FTS.c.rowid.label("entry_id"), rank.label("rank")).where(FTS.c.terms.match(expression))


# A literal, not a parameter: asyncpg would have to send the configuration name as a regconfig.
GERMAN: ColumnElement[str] = literal_column("'german'::regconfig")


class PostgresEngine:
    """PostgreSQL's ``german`` configuration: snowball stemming and German stop words."""

    def write(self, connection: Connection, entries: Sequence[tuple[int, str, str | None, str]]) -> None:
        if entries:
            connection.execute(
                update(SearchEntry)
                .where(SearchEntry.id.in_([entry[0] for entry in entries]))
                .values(
                    document=func.to_tsvector(
                        GERMAN, func.concat_ws(" ", SearchEntry.title, SearchEntry.reference, SearchEntry.text)
                    )
                )
                .execution_options(synchronize_session=False)
            )

    def erase(self, connection: Connection, entry_ids: Sequence[int]) -> None:
        """The vector lives in the entry's row and goes with it."""

    def matches(self, query: str) -> Select[tuple[int, float]] | None:
        if not query.strip():
            return None
        tsquery = func.plainto_tsquery(GERMAN, query)
        rank = -func.ts_rank(SearchEntry.document, tsquery, type_=Float)
        return select(SearchEntry.id.label("entry_id"), rank.label("rank")).where(
            SearchEntry.document.op("@@")(tsquery)
        )


def engine_for(dialect_name: str) -> SearchEngine:
    return PostgresEngine() if dialect_name == "postgresql" else SqliteFts5Engine()
