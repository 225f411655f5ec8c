"""Load the fictional city of Musterstadt: a council with committees, advisory boards, papers and meetings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from council.bodies.models import Body, Organization, Person
from council.demo.attachments import attach_demo_documents
from council.demo.logins import build_users
from council.demo.meetings import build_meetings, plan_days
from council.demo.minutes import build_minutes, meetings_by_slot
from council.demo.papers import build_papers
from council.demo.roster import BODY_SHORT_NAME
from council.demo.structure import build_structure
from council.files.storage import FileStorage
from council.meetings.models import Meeting
from council.papers.models import Paper


@dataclass(frozen=True)
class DemoSummary:
    created: bool
    body_id: int
    # Records of the demo body: organizations, people, papers, meetings.
    counts: dict[str, int] = field(default_factory=dict)


async def load_demo(
    session: AsyncSession, today: dt.date | None = None, storage: FileStorage | None = None
) -> DemoSummary:
    """Create Musterstadt unless it exists. Flushes but does not commit: the caller owns the transaction.
    With a file storage the papers get their PDF documents too (typesetting them takes a few seconds)."""
    # Any body with the short name counts, even a soft-deleted one: the unique constraint would refuse a second.
    existing = await session.scalar(select(Body.id).where(Body.short_name == BODY_SHORT_NAME))
    if existing is not None:
        return DemoSummary(created=False, body_id=existing, counts=await _counts(session, existing))

    today = today or dt.date.today()
    days = plan_days(today)
    directory = await build_structure(session)
    papers, consultations = await build_papers(session, directory, days)
    if storage is not None:
        await attach_demo_documents(session, storage, papers)
    meetings = await build_meetings(session, directory, days, papers, consultations)
    await build_users(session, directory)
    await build_minutes(session, directory, meetings_by_slot(meetings, days))
    body_id = directory.body.id
    return DemoSummary(created=True, body_id=body_id, counts=await _counts(session, body_id))


async def _counts(session: AsyncSession, body_id: int) -> dict[str, int]:
    async def count(statement: Select[tuple[int]]) -> int:
        return await session.scalar(statement) or 0

    return {
        "organizations": await count(select(func.count(Organization.id)).where(Organization.body_id == body_id)),
        "people": await count(select(func.count(Person.id)).where(Person.body_id == body_id)),
        "papers": await count(select(func.count(Paper.id)).where(Paper.body_id == body_id)),
        "meetings": await count(
            select(func.count(Meeting.id))
            .join(Organization, Meeting.organization_id == Organization.id)
            .where(Organization.body_id == body_id)
        ),
    }
