"""Presence in a meeting's video room: who may enter, and how joining and leaving feed the attendance."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy.ext.asyncio import AsyncSession

from council.accounts.viewer import Viewer
from council.errors import ValidationFailed
from council.events import DomainEvent, EventKind, emit
from council.meetings.attendance import attendances_of, check_in
from council.meetings.models import Attendance, AttendanceStatus, Meeting, MeetingMode, MeetingState


class RoomRole(enum.StrEnum):
    CHAIR = "chair"
    MEMBER = "member"
    SECRETARIAT = "secretariat"
    GUEST = "guest"  # invited by a signed link (council.meetings.room_access), waits in the lobby
    VISITOR = "visitor"  # anonymous listener of the public stream


class RoomRefusal(enum.StrEnum):
    NOT_LOGGED_IN = "not_logged_in"
    NOT_ALLOWED = "not_allowed"
    NOT_DIGITAL = "not_digital"
    NOT_OPEN = "not_open"


def room_role(viewer: Viewer, meeting: Meeting) -> RoomRole | RoomRefusal:
    """Members of the organization and the secretariat enter; the chair leads. Everybody else is refused."""
    if not viewer.is_authenticated:
        return RoomRefusal.NOT_LOGGED_IN
    org = meeting.organization
    if viewer.chairs(org.id):
        role: RoomRole | None = RoomRole.CHAIR
    elif viewer.is_member_of(org.id):
        role = RoomRole.MEMBER
    elif viewer.is_secretariat(org.body_id):
        role = RoomRole.SECRETARIAT
    else:
        role = None
    if role is None:
        return RoomRefusal.NOT_ALLOWED
    if meeting.mode is MeetingMode.IN_PERSON:
        return RoomRefusal.NOT_DIGITAL
    if meeting.state in (MeetingState.CANCELLED, MeetingState.CLOSED):
        return RoomRefusal.NOT_OPEN
    return role


def leads_room(viewer: Viewer, meeting: Meeting) -> bool:
    """The chair and the secretariat (who runs the technique) may mute, remove and move through the agenda."""
    return viewer.chairs(meeting.organization_id) or viewer.is_secretariat(meeting.organization.body_id)


async def arrive(session: AsyncSession, meeting: Meeting, viewer: Viewer, now: dt.datetime) -> Attendance | None:
    """A member entering the room is present (remote) once the meeting is opened; before that, or for those who
    do not hold a seat (secretariat, deputies not standing in), presence is not attendance."""
    if viewer.person_id is None or not viewer.is_member_of(meeting.organization_id):
        return None
    if meeting.state is not MeetingState.OPENED:
        return None
    try:
        return await check_in(session, meeting, viewer, now)
    except ValidationFailed:
        return None


async def depart(session: AsyncSession, meeting: Meeting, person_id: int, left_at: dt.datetime) -> Attendance | None:
    """The participant left the room (or dropped and did not come back in time): an early departure at `left_at`."""
    row = (await attendances_of(session, meeting.id)).get(person_id)
    if row is None or row.status is not AttendanceStatus.PRESENT or not row.remote or row.left_at is not None:
        return row
    row.left_at = max(left_at, row.arrived_at) if row.arrived_at else left_at
    await session.flush()
    emit(session, DomainEvent(EventKind.ATTENDANCE_CHANGED, meeting.id))
    return row
