"""Public full-text search: German stemming on both engines, filters, pages, snippets, and nothing non-public."""

from __future__ import annotations

import asyncio
import datetime as dt

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from council.demo import CONFIDENTIAL_MARKER, load_demo
from council.meetings.models import AgendaItem, Meeting
from council.papers.models import Paper, PaperKind
from council.resolutions.models import Resolution
from council.search.index import Stale, refresh
from council.search.models import SearchEntry
from council.search.service import SearchQuery, reindex, search
from council.search.words import Fragment, fts5_query, snippet

TODAY = dt.date(2026, 3, 18)


async def _demo(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session, session.begin():
        return (await load_demo(session, today=TODAY)).body_id


def test_snippet_marks_every_inflection_of_the_asked_word() -> None:
    text = "Die Mittel stehen im Haushalt bereit; der Haushalts-Ausschuss berät."
    fragments = snippet(text, "Haushalts")
    assert [f.text for f in fragments if f.marked] == ["Haushalt", "Haushalts"]
    assert "".join(f.text for f in fragments) == text.rstrip(".")


def test_snippet_cuts_long_texts_around_the_first_match() -> None:
    text = " ".join(f"wort{i}" for i in range(100)) + " Schulweg " + " ".join(f"rest{i}" for i in range(100))
    fragments = snippet(text, "Schulwege", length=12)
    assert fragments[0] == Fragment("… ", False)
    assert Fragment("Schulweg", True) in fragments
    assert fragments[-1] == Fragment(" …", False)


def test_query_words_cannot_smuggle_fts5_syntax() -> None:
    assert fts5_query('Haushalt" OR title:*') == '"haushalt" "or" "titl"'
    assert fts5_query("  ,;  ") is None


async def test_stemming_finds_haushalts_where_the_text_says_haushalt(
    sessions: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    body_id = await _demo(sessions)

    found = await search(session, body_id, SearchQuery("Haushalts"))

    assert found.total > 0
    marked = {f.text for hit in found.hits for f in hit.snippet if f.marked}
    assert "Haushalt" in marked
    assert {hit.source for hit in found.hits} >= {"paper"}


async def test_the_public_never_finds_the_confidential_marker(
    sessions: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    body_id = await _demo(sessions)

    for words in (CONFIDENTIAL_MARKER, "VERTRAULICH", "7431", "Flurstücks", "Amtsleitung Finanzen"):
        found = await search(session, body_id, SearchQuery(words))
        assert found.total == 0, words
    texts = (await session.execute(select(SearchEntry.title, SearchEntry.text, SearchEntry.reference))).all()
    assert texts
    assert not [row for row in texts if CONFIDENTIAL_MARKER in " ".join(str(part) for part in row)]


async def test_filters_narrow_by_organization_kind_and_date(
    sessions: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    body_id = await _demo(sessions)
    everything = await search(session, body_id, SearchQuery("Digitalisierung", per_page=200))
    assert everything.total > 2

    motions = await search(session, body_id, SearchQuery("Digitalisierung", paper_kind=PaperKind.MOTION.value))
    assert 0 < motions.total < everything.total
    assert {hit.paper_kind for hit in motions.hits} == {"motion"}

    dates = sorted(hit.date for hit in everything.hits if hit.date is not None)
    middle = dates[len(dates) // 2]
    later = await search(session, body_id, SearchQuery("Digitalisierung", date_from=middle, per_page=200))
    assert 0 < later.total < everything.total
    assert all(hit.date is not None and hit.date >= middle for hit in later.hits)
    earlier = await search(session, body_id, SearchQuery("Digitalisierung", date_to=middle - dt.timedelta(days=1)))
    assert earlier.total + later.total == everything.total

    entry = await session.scalar(select(SearchEntry).where(SearchEntry.source == "paper").limit(1))
    assert entry is not None
    from council.search.models import SearchEntryOrganization

    organization_id = await session.scalar(
        select(SearchEntryOrganization.organization_id).where(SearchEntryOrganization.entry_id == entry.id)
    )
    assert organization_id is not None
    of_one = await search(session, body_id, SearchQuery(entry.title, organization_id=organization_id))
    assert entry.source_id in {hit.source_id for hit in of_one.hits}
    assert of_one.total <= (await search(session, body_id, SearchQuery(entry.title))).total


async def test_pages_split_the_hits(sessions: async_sessionmaker[AsyncSession], session: AsyncSession) -> None:
    body_id = await _demo(sessions)
    everything = await search(session, body_id, SearchQuery("Stadt", per_page=500))
    assert everything.total > 4
    first = await search(session, body_id, SearchQuery("Stadt", per_page=3))
    second = await search(session, body_id, SearchQuery("Stadt", per_page=3, page=2))
    assert len(first.hits) == 3
    assert first.pages == -(-everything.total // 3)
    assert not {h.path for h in first.hits} & {h.path for h in second.hits}


async def test_the_index_follows_a_paper_that_becomes_confidential_and_reindex_agrees(
    sessions: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    body_id = await _demo(sessions)
    assert (await search(session, body_id, SearchQuery("Digitalisierungsstrategie"))).total > 0
    entry_count = len((await session.scalars(select(SearchEntry.id))).all())
    await session.rollback()

    async with sessions() as writing, writing.begin():
        target = await writing.scalar(select(Paper).where(Paper.title.contains("Digitalisierungsstrategie")))
        assert target is not None
        target.public = False
        title = target.title

    async with sessions() as reading:
        after = await search(reading, body_id, SearchQuery(title))
        assert title not in {hit.title for hit in after.hits}
        incremental = sorted((await reading.execute(select(SearchEntry.group_key, SearchEntry.title))).tuples())
        assert len(incremental) < entry_count

    async with sessions() as rebuilding, rebuilding.begin():
        await reindex(rebuilding)
    async with sessions() as reading:
        rebuilt = sorted((await reading.execute(select(SearchEntry.group_key, SearchEntry.title))).tuples())
    assert rebuilt == incremental


async def test_a_bulk_update_is_caught_up_by_reindex(
    sessions: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    body_id = await _demo(sessions)
    async with sessions() as writing, writing.begin():
        await writing.execute(update(Paper).values(public=False))
        await reindex(writing)
    found = await search(session, body_id, SearchQuery("Digitalisierung"))
    assert {hit.source for hit in found.hits} <= {"minutes", "resolution"}


async def test_search_page_shows_marked_snippets_without_javascript(
    sessions: async_sessionmaker[AsyncSession], client: httpx.AsyncClient
) -> None:
    await _demo(sessions)

    response = await client.get("/search", params={"q": "Haushalts"})

    assert response.status_code == 200
    assert "<mark>Haushalt</mark>" in response.text
    assert 'role="search"' in response.text
    assert CONFIDENTIAL_MARKER not in response.text


async def test_search_page_answers_bad_filters_with_a_message(
    sessions: async_sessionmaker[AsyncSession], client: httpx.AsyncClient
) -> None:
    await _demo(sessions)

    response = await client.get("/search", params={"q": "Haushalt", "from": "gestern", "kind": "nonsense"})

    assert response.status_code == 400
    assert "Datum" in response.text


async def _entries(sessions: async_sessionmaker[AsyncSession], source: str) -> set[int]:
    async with sessions() as reading:
        return set(await reading.scalars(select(SearchEntry.source_id).where(SearchEntry.source == source)))


async def test_the_index_follows_an_item_closed_to_the_public_and_a_deleted_meeting(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await _demo(sessions)
    resolutions, minutes = await _entries(sessions, "resolution"), await _entries(sessions, "minutes")
    assert resolutions
    assert minutes

    resolution_id = min(resolutions)
    async with sessions() as writing, writing.begin():
        resolution = await writing.get(Resolution, resolution_id)
        assert resolution is not None
        item = await writing.get(AgendaItem, resolution.agenda_item_id)
        assert item is not None
        item.public = False
    assert resolution_id not in await _entries(sessions, "resolution")

    async with sessions() as writing, writing.begin():
        item = await writing.get(AgendaItem, resolution.agenda_item_id)
        assert item is not None
        item.public = True
    assert resolution_id in await _entries(sessions, "resolution")

    meeting_id = min(minutes)
    async with sessions() as writing, writing.begin():
        meeting = await writing.get(Meeting, meeting_id)
        assert meeting is not None
        meeting.deleted = True
    assert meeting_id not in await _entries(sessions, "minutes")


async def test_two_transactions_rebuilding_one_paper_leave_one_entry(
    sessions: async_sessionmaker[AsyncSession], backend: str
) -> None:
    """PostgreSQL: the second waits for the first and replaces its entries instead of adding its own beside."""
    if backend != "postgresql":
        pytest.skip("SQLite has one writer at a time")
    await _demo(sessions)
    paper_id = min(await _entries(sessions, "paper"))
    stale = Stale(papers={paper_id})

    async def second() -> None:
        async with sessions() as other, other.begin():
            await other.run_sync(lambda s: refresh(s.connection(), stale))

    async with sessions() as first:
        await first.begin()
        await first.run_sync(lambda s: refresh(s.connection(), stale))
        waiting = asyncio.create_task(second())
        await asyncio.sleep(0.5)
        assert not waiting.done()
        await first.commit()
    await waiting

    async with sessions() as reading:
        rows = await reading.scalars(
            select(SearchEntry.id).where(SearchEntry.source == "paper", SearchEntry.source_id == paper_id)
        )
        assert len(rows.all()) == 1
