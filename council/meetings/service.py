"""Reading meetings and their agendas, filtered by what the viewer may see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from council.accounts.viewer import Viewer
from council.bodies.models import Organization
from council.errors import NotFound
from council.meetings.models import AgendaItem, Meeting, MeetingState
from council.papers.models import Consultation, Paper


def may_see_draft_agenda(viewer: Viewer, meeting: Meeting) -> bool:
    """Until the invitation goes out the agenda is a draft of the secretariat, prepared with the chair."""
    return viewer.is_secretariat(meeting.organization.body_id) or viewer.chairs(meeting.organization_id)


def agenda_visible(meeting: Meeting, viewer: Viewer) -> bool:
    return meeting.invited or may_see_draft_agenda(viewer, meeting)


def visible_items(meeting: Meeting, items: Sequence[AgendaItem], viewer: Viewer) -> list[AgendaItem]:
    """The agenda is published with the invitation; non-public items only for the organization's members and
    the body's secretariat."""
    if not agenda_visible(meeting, viewer):
        return []
    if viewer.may_see_confidential(meeting.organization.body_id, meeting.organization_id):
        return [item for item in items if not item.deleted]
    return [item for item in items if item.public and not item.deleted]


def item_paper_visible(meeting: Meeting, item: AgendaItem, viewer: Viewer) -> bool:
    """A public item's paper may still be confidential: then only those who see non-public items see it."""
    paper = item.consultation.paper if item.consultation else None
    if paper is None or paper.deleted:
        return False
    if viewer.is_secretariat(meeting.organization.body_id):
        return True
    if not paper.published:
        return False
    return paper.public or viewer.may_see_confidential(meeting.organization.body_id, meeting.organization_id)


async def upcoming_meetings(session: AsyncSession, now: dt.datetime, limit: int = 10) -> list[Meeting]:
    rows = await session.scalars(
        select(Meeting)
        .where(Meeting.start >= now - dt.timedelta(hours=12), Meeting.deleted.is_(False))
        .options(selectinload(Meeting.organization), selectinload(Meeting.location))
        .order_by(Meeting.start)
        .limit(limit)
    )
    return list(rows)


async def meetings_of_organization(session: AsyncSession, organization_id: int) -> list[Meeting]:
    rows = await session.scalars(
        select(Meeting)
        .where(Meeting.organization_id == organization_id, Meeting.deleted.is_(False))
        .options(selectinload(Meeting.organization), selectinload(Meeting.location))
        .order_by(Meeting.start.desc())
    )
    return list(rows)


async def meetings_of_body(session: AsyncSession, body_id: int, organization_id: int | None = None) -> list[Meeting]:
    """All meetings of the body's organizations (or of one), the latest first: the secretariat's overview."""
    query = (
        select(Meeting)
        .join(Organization, Organization.id == Meeting.organization_id)
        .where(Organization.body_id == body_id, Meeting.deleted.is_(False))
        .options(selectinload(Meeting.organization), selectinload(Meeting.location))
        .order_by(Meeting.start.desc())
    )
    if organization_id is not None:
        query = query.where(Meeting.organization_id == organization_id)
    return list(await session.scalars(query))


async def get_meeting(session: AsyncSession, meeting_id: int) -> Meeting:
    meeting = await session.scalar(
        select(Meeting)
        .where(Meeting.id == meeting_id)
        # Joined where each row has at most one: the meeting page costs a fixed few statements.
        .options(
            joinedload(Meeting.organization),
            joinedload(Meeting.location),
            selectinload(Meeting.agenda_items).joinedload(AgendaItem.consultation).joinedload(Consultation.paper),
        )
    )
    if meeting is None or meeting.deleted:
        raise NotFound("meeting")
    return meeting


@dataclass(frozen=True)
class PublishedResolution:
    item: AgendaItem
    meeting: Meeting
    paper: Paper | None


async def recent_resolutions(session: AsyncSession, body_id: int, limit: int = 10) -> list[PublishedResolution]:
    """Decisions of closed meetings that the public may read: public item, public paper (if any)."""
    rows = (
        await session.execute(
            select(AgendaItem, Meeting, Paper)
            .join(Meeting, AgendaItem.meeting_id == Meeting.id)
            .join(Organization, Meeting.organization_id == Organization.id)
            .outerjoin(Consultation, AgendaItem.consultation_id == Consultation.id)
            .outerjoin(Paper, Consultation.paper_id == Paper.id)
            .where(
                Organization.body_id == body_id,
                AgendaItem.public.is_(True),
                AgendaItem.deleted.is_(False),
                AgendaItem.result.is_not(None),
                # Decisions, not procedure: a resolution text or number (approving minutes has neither).
                AgendaItem.resolution_text.is_not(None) | AgendaItem.resolution_number.is_not(None),
                Meeting.deleted.is_(False),
                Meeting.state == MeetingState.CLOSED,
                (Paper.id.is_(None))
                | (Paper.public.is_(True) & Paper.published_at.is_not(None) & Paper.deleted.is_(False)),
            )
            .options(selectinload(Meeting.organization))
            .order_by(Meeting.start.desc(), AgendaItem.position)
            .limit(limit)
        )
    ).all()
    return [PublishedResolution(item=i, meeting=m, paper=p) for i, m, p in rows]
