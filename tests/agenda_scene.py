"""Helpers for meeting and agenda tests: papers waiting for the world's committee, viewers, reloading."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from council.accounts.service import load_viewer
from council.accounts.viewer import Viewer
from council.meetings.attendance import load_meeting
from council.meetings.models import Meeting
from council.papers.models import Consultation, ConsultationRole, Paper, PaperKind
from tests.world import CONFIDENTIAL_MARKER, World

NOW = dt.datetime(2025, 3, 3, 9, tzinfo=dt.UTC)


async def viewer(session: AsyncSession, world: World, persona: str) -> Viewer:
    return await load_viewer(session, world.users[persona].id)


async def meeting(session: AsyncSession, meeting_id: int) -> Meeting:
    return await load_meeting(session, meeting_id)


async def waiting_paper(
    session: AsyncSession,
    world: World,
    title: str,
    *,
    public: bool = True,
    day: dt.date = dt.date(2025, 1, 10),
    reference: str | None = None,
) -> Consultation:
    """A paper whose Beratungsfolge names the committee, on no agenda yet."""
    paper = Paper(
        body_id=world.body.id,
        reference=reference or f"VO/2025/{abs(hash((title, day))) % 100000:05}",
        kind=PaperKind.RESOLUTION_PROPOSAL,
        title=title if public else f"{title} {CONFIDENTIAL_MARKER}",
        date=day,
        public=public,
        published_at=dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC),
    )
    session.add(paper)
    await session.flush()
    consultation = Consultation(
        paper_id=paper.id, organization_id=world.committee.id, position=1, role=ConsultationRole.DECISION
    )
    session.add(consultation)
    await session.flush()
    return consultation
