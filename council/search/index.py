"""Writing the index: rebuild the entries of some sources, or of everything (``council search reindex``)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import Connection, delete, insert, select, text

from council.search.engines import engine_for
from council.search.models import SearchEntry, SearchEntryOrganization
from council.search.sources import (
    IndexEntry,
    minutes_entries,
    minutes_group,
    paper_entries,
    paper_group,
    resolution_entries,
    resolution_group,
)


@dataclass
class Stale:
    """Sources whose entries must be rebuilt before the transaction commits."""

    papers: set[int] = field(default_factory=set)
    resolutions: set[int] = field(default_factory=set)
    minutes: set[int] = field(default_factory=set)  # by meeting id

    def __bool__(self) -> bool:
        return bool(self.papers or self.resolutions or self.minutes)


def _remove(connection: Connection, groups: Collection[str] | None) -> None:
    query = select(SearchEntry.id)
    if groups is not None:
        query = query.where(SearchEntry.group_key.in_(list(groups)))
    ids = list(connection.scalars(query))
    if not ids:
        return
    engine_for(connection.dialect.name).erase(connection, ids)
    connection.execute(delete(SearchEntryOrganization).where(SearchEntryOrganization.entry_id.in_(ids)))
    connection.execute(delete(SearchEntry).where(SearchEntry.id.in_(ids)))


def _add(connection: Connection, entries: list[IndexEntry]) -> None:
    written = []
    for entry in entries:
        entry_id = connection.scalar(
            insert(SearchEntry)
            .values(
                body_id=entry.body_id,
                group_key=entry.group_key,
                source=entry.source,
                source_id=entry.source_id,
                title=entry.title[:500],
                reference=entry.reference,
                paper_kind=entry.paper_kind,
                date=entry.date,
                path=entry.path,
                text=entry.text,
            )
            .returning(SearchEntry.id)
        )
        assert entry_id is not None
        written.append((entry_id, entry.title, entry.reference, entry.text))
        if entry.organization_ids:
            connection.execute(
                insert(SearchEntryOrganization),
                [{"entry_id": entry_id, "organization_id": o} for o in sorted(entry.organization_ids)],
            )
    engine_for(connection.dialect.name).write(connection, written)


def _lock(connection: Connection, groups: list[str]) -> None:
    """PostgreSQL: two transactions rebuilding the same group (a file added here, a step edited there) take
    turns, so the second deletes what the first inserted instead of adding a duplicate. In a fixed order, so
    they cannot deadlock. SQLite has one writer at a time anyway."""
    if connection.dialect.name != "postgresql" or not groups:
        return
    connection.execute(
        text(
            "SELECT pg_advisory_xact_lock(hashtext(g)) "
            "FROM (SELECT unnest(CAST(:groups AS text[])) AS g ORDER BY 1) AS ordered"
        ),
        {"groups": sorted(groups)},
    )


def refresh(connection: Connection, stale: Stale) -> None:
    """Replace the entries of the stale sources with what the public may find of them now."""
    groups = [
        *(paper_group(i) for i in stale.papers),
        *(resolution_group(i) for i in stale.resolutions),
        *(minutes_group(i) for i in stale.minutes),
    ]
    _lock(connection, groups)
    _remove(connection, groups)
    entries = []
    if stale.papers:
        entries += paper_entries(connection, stale.papers)
    if stale.resolutions:
        entries += resolution_entries(connection, stale.resolutions)
    if stale.minutes:
        entries += minutes_entries(connection, stale.minutes)
    _add(connection, entries)


def rebuild(connection: Connection) -> int:
    """The whole index anew; returns the number of entries."""
    _remove(connection, None)
    entries = [
        *paper_entries(connection, None),
        *resolution_entries(connection, None),
        *minutes_entries(connection, None),
    ]
    _add(connection, entries)
    return len(entries)
