"""The search service: one interface over both engines, with filters, pages and snippets.

The index holds only what the public may see (council/search/sources.py), so every viewer gets the same
answers here; staff find non-public records through the secretariat's own lists.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from council.search.engines import engine_for
from council.search.index import rebuild
from council.search.models import SearchEntry, SearchEntryOrganization
from council.search.words import Fragment, snippet

PER_PAGE = 20
MAX_PAGE = 500


@dataclass(frozen=True)
class SearchQuery:
    text: str
    organization_id: int | None = None
    paper_kind: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    page: int = 1
    per_page: int = PER_PAGE
    # For feeds: the newest hits rather than the best ones.
    newest_first: bool = False


@dataclass(frozen=True)
class Hit:
    source: str
    source_id: int
    title: str
    reference: str | None
    paper_kind: str | None
    date: dt.date | None
    path: str
    snippet: list[Fragment]


@dataclass(frozen=True)
class SearchPage:
    query: SearchQuery
    hits: list[Hit]
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.query.per_page))


def _filtered(matches: Select[tuple[int, float]], body_id: int, query: SearchQuery) -> Select[tuple[int, float]]:
    found = matches.subquery()
    selected = (
        select(SearchEntry.id, found.c.rank)
        .join(found, found.c.entry_id == SearchEntry.id)
        .where(SearchEntry.body_id == body_id, SearchEntry.deleted.is_(False))
    )
    if query.organization_id is not None:
        selected = selected.where(
            SearchEntry.id.in_(
                select(SearchEntryOrganization.entry_id).where(
                    SearchEntryOrganization.organization_id == query.organization_id
                )
            )
        )
    if query.paper_kind:
        selected = selected.where(SearchEntry.paper_kind == query.paper_kind)
    if query.date_from is not None:
        selected = selected.where(SearchEntry.date >= query.date_from)
    if query.date_to is not None:
        selected = selected.where(SearchEntry.date <= query.date_to)
    return selected


async def search(session: AsyncSession, body_id: int, query: SearchQuery) -> SearchPage:
    """One page of hits, best first (then newest); an empty query finds nothing."""
    matches = engine_for(session.bind.dialect.name).matches(query.text)
    if matches is None:
        return SearchPage(query, [], 0)
    selected = _filtered(matches, body_id, query).subquery()
    total = await session.scalar(select(func.count()).select_from(selected)) or 0
    page = min(max(query.page, 1), MAX_PAGE)
    order = (
        (SearchEntry.date.desc().nulls_last(), SearchEntry.id.desc())
        if query.newest_first
        else (selected.c.rank, SearchEntry.date.desc(), SearchEntry.id)
    )
    rows = await session.execute(
        select(SearchEntry)
        .join(selected, selected.c.id == SearchEntry.id)
        .order_by(*order)
        .offset((page - 1) * query.per_page)
        .limit(query.per_page)
    )
    hits = [
        Hit(
            source=entry.source,
            source_id=entry.source_id,
            title=entry.title,
            reference=entry.reference,
            paper_kind=entry.paper_kind,
            date=entry.date,
            path=entry.path,
            snippet=snippet(entry.text or entry.title, query.text),
        )
        for entry in rows.scalars()
    ]
    return SearchPage(query, hits, int(total))


async def reindex(session: AsyncSession) -> int:
    """Rebuild the whole index from the records (``council search reindex``); returns the number of entries."""
    return await session.run_sync(lambda sync_session: rebuild(sync_session.connection()))
