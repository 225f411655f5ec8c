"""The public calendar: meetings whose invitation went out (a planned meeting's agenda is still a draft),
as a list of upcoming or past dates and as a month grid."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from council.bodies.models import Organization
from council.meetings.models import Meeting
from council.opendata.visibility import invited_meetings

LIST_LIMIT = 50


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @property
    def first(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def previous(self) -> Month:
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    @property
    def next(self) -> Month:
        return Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)

    def weeks(self) -> list[list[dt.date | None]]:
        """Monday-first weeks; days of the neighbouring months are None."""
        grid = calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(self.year, self.month)
        return [[day if day.month == self.month else None for day in week] for week in grid]


def month_of(year: int, month: int) -> Month | None:
    """The month asked for in a URL, or None for one that does not exist (or is out of any sensible range)."""
    if 1 <= month <= 12 and 1900 <= year <= 2200:
        return Month(year, month)
    return None


def public_meetings(body_id: int, organization_id: int | None = None) -> Select[tuple[Meeting]]:
    """Meetings of the body the public sees in calendars and feeds: invited, not deleted."""
    query = (
        select(Meeting)
        .join(Organization, Organization.id == Meeting.organization_id)
        .where(Organization.body_id == body_id, Meeting.deleted.is_(False), invited_meetings())
        .options(selectinload(Meeting.organization), selectinload(Meeting.location))
    )
    if organization_id is not None:
        query = query.where(Meeting.organization_id == organization_id)
    return query


async def meeting_list(
    session: AsyncSession, body_id: int, now: dt.datetime, *, past: bool, organization_id: int | None = None
) -> list[Meeting]:
    """Upcoming meetings soonest first, or past ones latest first."""
    query = public_meetings(body_id, organization_id)
    # Today's meeting stays under "upcoming" until a few hours after it began.
    cut = now - dt.timedelta(hours=12)
    if past:
        query = query.where(Meeting.start < cut).order_by(Meeting.start.desc())
    else:
        query = query.where(Meeting.start >= cut).order_by(Meeting.start)
    return list(await session.scalars(query.limit(LIST_LIMIT)))


async def meetings_by_day(
    session: AsyncSession, body_id: int, month: Month, zone: ZoneInfo, organization_id: int | None = None
) -> dict[dt.date, list[Meeting]]:
    """The month's meetings by local day."""
    start = dt.datetime.combine(month.first, dt.time(), zone)
    end = dt.datetime.combine(month.next.first, dt.time(), zone)
    query = public_meetings(body_id, organization_id)
    rows = await session.scalars(query.where(Meeting.start >= start, Meeting.start < end).order_by(Meeting.start))
    days: dict[dt.date, list[Meeting]] = {}
    for meeting in rows:
        days.setdefault(meeting.start.astimezone(zone).date(), []).append(meeting)
    return days
