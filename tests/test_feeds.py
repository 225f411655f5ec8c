"""Atom feeds: valid Atom 1.0 (parsed by feedparser and checked against RFC 4287's required elements),
autodiscovery links, and nothing that the public may not read."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import feedparser
import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from council.demo import CONFIDENTIAL_MARKER, load_demo
from council.meetings.models import Meeting
from council.papers.models import Paper

ATOM = "{http://www.w3.org/2005/Atom}"
TODAY = dt.date(2026, 3, 18)


async def _demo(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session, session.begin():
        await load_demo(session, today=TODAY)


def _valid_atom(response: httpx.Response, *, echoes_marker: bool = False) -> feedparser.FeedParserDict:
    """``echoes_marker``: a search for the marker names it in the feed's own title and links, nowhere else."""
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    assert echoes_marker or CONFIDENTIAL_MARKER not in response.text
    root = ET.fromstring(response.content)  # noqa: S314  (our own server's answer)
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{required}") is not None, required
    assert root.find(f"{ATOM}link[@rel='self']") is not None
    for entry in root.findall(f"{ATOM}entry"):
        for required in ("id", "title", "updated"):
            assert (entry.findtext(f"{ATOM}{required}") or "").strip(), required
        dt.datetime.strptime(entry.findtext(f"{ATOM}updated") or "", "%Y-%m-%dT%H:%M:%SZ")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


async def test_new_papers_feed_lists_public_papers_only(
    sessions: async_sessionmaker[AsyncSession], session: AsyncSession, client: httpx.AsyncClient
) -> None:
    await _demo(sessions)

    parsed = _valid_atom(await client.get("/feeds/papers.atom"))

    links = {entry.link for entry in parsed.entries}
    papers = (await session.scalars(select(Paper).where(Paper.deleted.is_(False)))).all()
    public = {f"http://testserver.local/papers/{p.id}" for p in papers if p.open_to_public}
    hidden = {f"http://testserver.local/papers/{p.id}" for p in papers if not p.open_to_public}
    assert hidden
    assert links
    assert links <= public
    assert not links & hidden


async def test_resolutions_organization_and_search_feeds_are_valid_and_public(
    sessions: async_sessionmaker[AsyncSession], session: AsyncSession, client: httpx.AsyncClient
) -> None:
    await _demo(sessions)

    resolutions = _valid_atom(await client.get("/feeds/resolutions.atom"))
    assert resolutions.entries
    assert all("/resolutions/" in entry.link for entry in resolutions.entries)

    meetings = (await session.scalars(select(Meeting).where(Meeting.deleted.is_(False)))).all()
    organization_id = next(m.organization_id for m in meetings if not m.invited)
    of_one = _valid_atom(await client.get(f"/feeds/organizations/{organization_id}"))
    links = {entry.link for entry in of_one.entries}
    for meeting in meetings:
        link = f"http://testserver.local/meetings/{meeting.id}"
        if meeting.organization_id != organization_id or not meeting.invited:
            assert link not in links

    found = _valid_atom(await client.get("/search/feed", params={"q": "Haushalts"}))
    assert found.entries
    secret = _valid_atom(await client.get("/search/feed", params={"q": CONFIDENTIAL_MARKER}), echoes_marker=True)
    assert secret.entries == []
    assert _valid_atom(await client.get("/search/feed")).entries == []


async def test_pages_announce_their_feeds(
    sessions: async_sessionmaker[AsyncSession], client: httpx.AsyncClient
) -> None:
    await _demo(sessions)
    for path, feed in (
        ("/", "/feeds/papers.atom"),
        ("/", "/feeds/resolutions.atom"),
        ("/papers", "/feeds/papers.atom"),
        ("/resolutions", "/feeds/resolutions.atom"),
        ("/search?q=Haushalt", "/search/feed?q=Haushalt"),
    ):
        page = await client.get(path)
        assert '<link rel="alternate" type="application/atom+xml"' in page.text
        assert f'href="{feed}"' in page.text, (path, feed)


async def test_unknown_organization_feed_is_not_found(client: httpx.AsyncClient, world) -> None:
    assert (await client.get("/feeds/organizations/999999")).status_code == 404
