"""Recording attendance: present, excused, absent, late arrival, early departure, deputies standing in."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST
from sqlalchemy.ext.asyncio import AsyncSession

from council.accounts.viewer import Viewer
from council.bodies.models import Body, MembershipRole
from council.errors import PermissionDenied, ValidationFailed
from council.meetings.attendance import (
    AttendanceEntry,
    attendances_of,
    load_meeting,
    may_record_attendance,
    memberships_on_day,
    record_attendance,
)
from council.meetings.models import AttendanceStatus, Meeting
from council.messages import N_
from web.auth import requires_login
from web.controllers.voting_common import commit_and_push, int_field, rolled_back
from web.pages import FormData, form_value, page


async def attendance_page(
    db_session: AsyncSession,
    viewer: Viewer,
    body: Body | None,
    meeting_id: int,
    *,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    meeting = await load_meeting(db_session, meeting_id)
    if not may_record_attendance(viewer, meeting):
        raise PermissionDenied("attendance")
    memberships = await memberships_on_day(db_session, meeting)
    people = {m.person_id: m for m in sorted(memberships, key=lambda m: (m.person.family_name, m.person.given_name))}
    return page(
        "voting/attendance.html",
        viewer=viewer,
        body=body,
        meeting=meeting,
        memberships=list(people.values()),
        regular=[m for m in people.values() if m.role is not MembershipRole.DEPUTY and m.voting_right],
        attendances=await attendances_of(db_session, meeting.id),
        statuses=list(AttendanceStatus),
        errors=errors or {},
        status_code=status_code,
    )


def _time(meeting: Meeting, raw: str, name: str) -> dt.datetime | None:
    """A time of day ("18:05") on the meeting's day, in the body's time zone."""
    raw = raw.strip()
    if not raw:
        return None
    try:
        clock = dt.time.fromisoformat(raw)
    except ValueError:
        raise ValidationFailed({name: N_("Bitte die Uhrzeit als SS:MM angeben, z. B. 18:05.")}) from None
    zone = ZoneInfo(meeting.organization.body.timezone)
    day = meeting.start.astimezone(zone).date()
    return dt.datetime.combine(day, clock, tzinfo=zone).astimezone(dt.UTC)


def _entry_from(meeting: Meeting, data: FormData) -> AttendanceEntry:
    person_id = int_field(data, "person", N_("Bitte wählen Sie eine Person."))
    assert person_id is not None
    try:
        status = AttendanceStatus(form_value(data, "status", 20))
    except ValueError:
        raise ValidationFailed({"status": N_("Bitte wählen Sie anwesend, entschuldigt oder abwesend.")}) from None
    return AttendanceEntry(
        person_id=person_id,
        status=status,
        arrived_at=_time(meeting, form_value(data, "arrived", 10), "arrived"),
        left_at=_time(meeting, form_value(data, "left", 10), "left"),
        substitutes_person_id=int_field(data, "substitutes", N_("Bitte wählen Sie ein Mitglied."), required=False),
        remote=form_value(data, "remote", 5) == "1",
        note=form_value(data, "note", 300),
    )


class AttendanceController(Controller):
    path = "/meetings/{meeting_id:int}/attendance"
    guards = [requires_login]  # noqa: RUF012

    @get("/", name="attendance")
    async def show(
        self,
        meeting_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
    ) -> Template:
        return await attendance_page(db_session, viewer, municipality, meeting_id)

    @post("/", name="attendance_record")
    async def record(
        self,
        request: Request[Any, Any, Any],
        meeting_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
        data: FormData,
    ) -> Template | Redirect:
        meeting = await load_meeting(db_session, meeting_id)
        if not may_record_attendance(viewer, meeting):
            raise PermissionDenied("attendance")
        try:
            entry = _entry_from(meeting, data)
            await record_attendance(db_session, meeting, viewer, entry)
        except ValidationFailed as exc:
            municipality = await rolled_back(db_session, municipality)
            return await attendance_page(
                db_session, viewer, municipality, meeting_id, errors=exc.errors, status_code=HTTP_400_BAD_REQUEST
            )
        await commit_and_push(request, db_session)
        return Redirect(f"/meetings/{meeting_id}/attendance#person-{entry.person_id}", status_code=303)
