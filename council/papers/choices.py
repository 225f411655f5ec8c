"""What the secretariat's paper forms offer to choose from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from council.bodies.models import Organization, OrganizationKind, Person
from council.meetings.models import Meeting, MeetingState


@dataclass(frozen=True)
class PaperChoices:
    departments: list[Organization]
    factions: list[Organization]
    persons: list[Person]
    bodies: list[Organization]  # organizations that meet: where a paper can be deliberated
    # Planned or invited meetings from today on, by organization: a step's planned meeting.
    meetings: dict[int, list[Meeting]] = field(default_factory=dict)


async def paper_choices(session: AsyncSession, body_id: int, now: dt.datetime) -> PaperChoices:
    organizations = list(
        await session.scalars(
            select(Organization)
            .where(Organization.body_id == body_id, Organization.deleted.is_(False))
            .order_by(Organization.name)
        )
    )
    persons = await session.scalars(
        select(Person)
        .where(Person.body_id == body_id, Person.deleted.is_(False))
        .order_by(Person.family_name, Person.given_name)
    )
    meetings = await session.scalars(
        select(Meeting)
        .join(Organization, Meeting.organization_id == Organization.id)
        .where(
            Organization.body_id == body_id,
            Meeting.deleted.is_(False),
            Meeting.state.in_([MeetingState.PLANNED, MeetingState.INVITED]),
            Meeting.start >= now - dt.timedelta(days=1),
        )
        .order_by(Meeting.start)
    )
    by_organization: dict[int, list[Meeting]] = {}
    for meeting in meetings:
        by_organization.setdefault(meeting.organization_id, []).append(meeting)
    return PaperChoices(
        departments=[o for o in organizations if o.kind is OrganizationKind.DEPARTMENT],
        factions=[o for o in organizations if o.kind is OrganizationKind.FACTION],
        persons=list(persons),
        bodies=[o for o in organizations if o.kind.is_deliberative],
        meetings=by_organization,
    )
