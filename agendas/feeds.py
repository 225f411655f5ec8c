"""Atom feeds (RFC 4287) of what the public may read: new papers, new resolutions, an organization's meetings
and papers, the newest hits of a search. Read through the council services' public rules; nothing written."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from council.accounts.viewer import ANONYMOUS
from council.bodies.models import Body
from council.meetings.calendar import public_meetings
from council.meetings.models import Meeting
from council.opendata.visibility import public_papers
from council.papers.models import Consultation, Paper
from council.resolutions.register import visible_resolutions
from council.search.service import SearchQuery, search

TEMPLATES = Path(__file__).parent / "templates"
FEED_LENGTH = 50
SUMMARY_LIMIT = 600


@dataclass(frozen=True)
class FeedEntry:
    url: str
    title: str
    updated: dt.datetime
    summary: str = ""
    category: str = ""


@dataclass(frozen=True)
class Feed:
    title: str
    self_url: str
    alternate_url: str
    author: str
    entries: list[FeedEntry] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.self_url

    @property
    def updated(self) -> dt.datetime:
        return max((e.updated for e in self.entries), default=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))


def _atom_time(value: dt.datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["xml"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["atom_time"] = _atom_time
    return environment


_ENVIRONMENT = _environment()


def render(feed: Feed) -> str:
    entries = sorted(feed.entries, key=lambda e: e.updated, reverse=True)
    return _ENVIRONMENT.get_template("feeds/atom.xml").render(
        feed=Feed(feed.title, feed.self_url, feed.alternate_url, feed.author, entries)
    )


def _short(text: str | None) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= SUMMARY_LIMIT else text[: SUMMARY_LIMIT - 1] + "…"


def _at_noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), dt.UTC)


async def paper_entries(
    session: AsyncSession, body: Body, base: str, organization_id: int | None = None
) -> list[FeedEntry]:
    """The newest published public papers, optionally those in an organization's Beratungsfolge."""
    query = select(Paper).where(Paper.body_id == body.id, Paper.deleted.is_(False), public_papers())
    if organization_id is not None:
        query = query.where(
            Paper.id.in_(
                select(Consultation.paper_id).where(
                    Consultation.organization_id == organization_id, Consultation.deleted.is_(False)
                )
            )
        )
    papers = await session.scalars(query.order_by(Paper.published_at.desc(), Paper.id.desc()).limit(FEED_LENGTH))
    return [
        FeedEntry(
            url=f"{base}/papers/{paper.id}",
            title=f"{paper.reference}: {paper.title}",
            updated=paper.published_at or paper.modified,
            summary=_short(paper.proposed_resolution or paper.reasons),
            category=str(paper.kind),
        )
        for paper in papers
    ]


async def resolution_entries(session: AsyncSession, body: Body, base: str) -> list[FeedEntry]:
    resolutions = await visible_resolutions(session, body.id, ANONYMOUS, limit=FEED_LENGTH)
    return [
        FeedEntry(
            url=f"{base}/resolutions/{r.id}",
            title=f"{r.number}: {r.agenda_item.title}",
            updated=r.decided_at,
            summary=_short(" ".join(part for part in (r.current.wording, r.current.text) if part)),
            category=str(r.current.result),
        )
        for r in resolutions
    ]


async def meeting_entries(session: AsyncSession, body: Body, base: str, organization_id: int) -> list[FeedEntry]:
    """An organization's meetings once invited, newest first."""
    meetings = await session.scalars(
        public_meetings(body.id, organization_id).order_by(Meeting.start.desc()).limit(FEED_LENGTH)
    )
    return [
        FeedEntry(
            url=f"{base}/meetings/{meeting.id}",
            title=meeting.name,
            updated=meeting.invitation_sent_at or meeting.modified,
            summary=_atom_summary_of_meeting(meeting),
            category=str(meeting.state),
        )
        for meeting in meetings
    ]


def _atom_summary_of_meeting(meeting: Meeting) -> str:
    start = meeting.start.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    place = meeting.location.one_line if meeting.location is not None else ""
    return " · ".join(part for part in (start, place) if part)


async def organization_entries(session: AsyncSession, body: Body, base: str, organization_id: int) -> list[FeedEntry]:
    """An organization's invited meetings and the papers in its Beratungsfolge."""
    entries = await meeting_entries(session, body, base, organization_id)
    return entries + await paper_entries(session, body, base, organization_id)


async def search_entries(session: AsyncSession, body: Body, base: str, words: str) -> list[FeedEntry]:
    """The newest hits of a search (the index holds only public records)."""
    found = await search(session, body.id, SearchQuery(words, per_page=FEED_LENGTH, newest_first=True))
    return [
        FeedEntry(
            url=f"{base}{hit.path}",
            title=f"{hit.reference}: {hit.title}" if hit.reference else hit.title,
            updated=_at_noon(hit.date) if hit.date else dt.datetime(2000, 1, 1, tzinfo=dt.UTC),
            summary=_short("".join(fragment.text for fragment in hit.snippet)),
            category=hit.source,
        )
        for hit in found.hits
    ]
