"""Which meetings a calendar feed lists: an organization's public meetings, or a member's meetings."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from council.accounts.models import User
from council.accounts.viewer import Viewer
from council.bodies.models import Membership, Organization
from council.meetings.models import AgendaItem, Meeting

# Feeds reach back a year; older meetings are history, not appointments.
FEED_PAST = dt.timedelta(days=366)


def public_meeting(meeting: Meeting) -> bool:
    """A meeting the public may attend: every meeting, unless its sent agenda holds non-public items only.
    (A draft agenda says nothing yet: the meeting is announced by its date.)"""
    if meeting.deleted:
        return False
    live = [i for i in meeting.agenda_items if not i.deleted]
    return not meeting.invited or not live or any(i.public for i in live)


async def _meetings(session: AsyncSession, now: dt.datetime, *conditions: object) -> list[Meeting]:
    rows = await session.scalars(
        select(Meeting)
        .join(Organization, Organization.id == Meeting.organization_id)
        .where(Meeting.deleted.is_(False), Meeting.start >= now - FEED_PAST, *conditions)  # type: ignore[arg-type]
        .options(
            selectinload(Meeting.organization).selectinload(Organization.body),
            selectinload(Meeting.location),
            selectinload(Meeting.agenda_items).selectinload(AgendaItem.consultation),
        )
        .order_by(Meeting.start)
    )
    return list(rows)


async def organization_feed(session: AsyncSession, organization_id: int, now: dt.datetime) -> list[Meeting]:
    meetings = await _meetings(session, now, Meeting.organization_id == organization_id)
    return [m for m in meetings if public_meeting(m)]


async def personal_feed(session: AsyncSession, user: User, viewer: Viewer, now: dt.datetime) -> list[Meeting]:
    """The meetings of every organization the member belongs to today; the secretariat's feed holds all of
    its body's meetings."""
    if viewer.is_secretariat(user.body_id):
        return await _meetings(session, now, Organization.body_id == user.body_id)
    if user.person_id is None:
        return []
    today = now.date()
    memberships = await session.scalars(
        select(Membership).where(Membership.person_id == user.person_id, Membership.deleted.is_(False))
    )
    organizations = {m.organization_id for m in memberships if m.is_active_on(today)}
    if not organizations:
        return []
    return await _meetings(session, now, Meeting.organization_id.in_(organizations))
