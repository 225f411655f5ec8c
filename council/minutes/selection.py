"""What the minutes forms offer to choose from: chair and clerk, and the items that can approve the minutes."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from council.accounts.models import BodyRole, BodyRoleKind, User
from council.bodies.models import Person
from council.meetings.attendance import memberships_on_day
from council.meetings.models import AgendaItem, Meeting, MeetingState
from council.minutes.rules import is_minutes_approval_item


async def officer_candidates(session: AsyncSession, meeting: Meeting) -> list[Person]:
    """Members of the organization on the day, and the people behind the body's secretariat accounts:
    the clerk is often from the administration, and a signer needs an account."""
    people = {m.person_id: m.person for m in await memberships_on_day(session, meeting)}
    staff = await session.scalars(
        select(Person)
        .join(User, User.person_id == Person.id)
        .join(BodyRole, BodyRole.user_id == User.id)
        .where(
            BodyRole.body_id == meeting.organization.body_id,
            BodyRole.role.in_([BodyRoleKind.SECRETARIAT, BodyRoleKind.ADMIN]),
            BodyRole.deleted.is_(False),
            User.active.is_(True),
            Person.deleted.is_(False),
        )
    )
    for person in staff:
        people.setdefault(person.id, person)
    return sorted(people.values(), key=lambda p: (p.family_name, p.given_name))


@dataclass(frozen=True)
class ApprovalSlot:
    item: AgendaItem
    meeting: Meeting


async def approval_slots(session: AsyncSession, meeting: Meeting) -> list[ApprovalSlot]:
    """Items "Genehmigung der Niederschrift" of later meetings of the same organization that have taken place."""
    rows = await session.execute(
        select(AgendaItem, Meeting)
        .join(Meeting, AgendaItem.meeting_id == Meeting.id)
        .where(
            Meeting.organization_id == meeting.organization_id,
            Meeting.start > meeting.start,
            Meeting.state.in_([MeetingState.OPENED, MeetingState.CLOSED]),
            Meeting.deleted.is_(False),
            AgendaItem.deleted.is_(False),
        )
        .options(selectinload(Meeting.organization))
        .order_by(Meeting.start, AgendaItem.position)
    )
    return [ApprovalSlot(item, later) for item, later in rows.tuples() if is_minutes_approval_item(item.title)]
