"""Attendance: who is present, excused or absent, late arrivals, early departures, deputies standing in."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from council.accounts.viewer import Viewer
from council.bodies.models import Membership, MembershipRole, Organization
from council.errors import NotFound, PermissionDenied, ValidationFailed
from council.events import DomainEvent, EventKind, emit
from council.meetings.models import AgendaItem, Attendance, AttendanceStatus, Meeting, MeetingMode, MeetingState
from council.meetings.states import require_transition
from council.messages import N_
from council.papers.models import Consultation
from council.voting.polls import open_poll_of_meeting


@dataclass(frozen=True)
class AttendanceEntry:
    person_id: int
    status: AttendanceStatus
    arrived_at: dt.datetime | None = None
    left_at: dt.datetime | None = None
    substitutes_person_id: int | None = None
    remote: bool = False
    note: str | None = None


async def load_meeting(session: AsyncSession, meeting_id: int) -> Meeting:
    meeting = await session.scalar(
        select(Meeting)
        .where(Meeting.id == meeting_id, Meeting.deleted.is_(False))
        .options(
            # One row each: joined into the meeting's statement instead of a statement each.
            joinedload(Meeting.organization, innerjoin=True).joinedload(Organization.body, innerjoin=True),
            joinedload(Meeting.location),
            selectinload(Meeting.agenda_items).selectinload(AgendaItem.consultation).selectinload(Consultation.paper),
        )
    )
    if meeting is None:
        raise NotFound("meeting")
    return meeting


def may_record_attendance(viewer: Viewer, meeting: Meeting) -> bool:
    return viewer.is_secretariat(meeting.organization.body_id) or viewer.chairs(meeting.organization_id)


async def memberships_on_day(session: AsyncSession, meeting: Meeting) -> list[Membership]:
    day = meeting.start.astimezone(ZoneInfo(meeting.organization.body.timezone)).date()
    rows = await session.scalars(
        select(Membership)
        .where(Membership.organization_id == meeting.organization_id, Membership.deleted.is_(False))
        .options(selectinload(Membership.person), selectinload(Membership.on_behalf_of))
    )
    return [m for m in rows if m.is_active_on(day)]


async def attendances_of(session: AsyncSession, meeting_id: int) -> dict[int, Attendance]:
    rows = await session.scalars(
        select(Attendance).where(Attendance.meeting_id == meeting_id, Attendance.deleted.is_(False))
    )
    return {row.person_id: row for row in rows}


def _entry_problems(
    entry: AttendanceEntry, memberships: list[Membership], others: dict[int, Attendance]
) -> dict[str, str]:
    errors: dict[str, str] = {}
    mine = [m for m in memberships if m.person_id == entry.person_id]
    if not mine:
        return {"person": N_("Diese Person gehört dem Gremium nicht an.")}
    if entry.status is not AttendanceStatus.PRESENT and (entry.arrived_at or entry.left_at):
        errors["arrived_at"] = N_("Ankunft und Weggang gibt es nur bei Anwesenden.")
    if entry.arrived_at and entry.left_at and entry.left_at < entry.arrived_at:
        errors["left_at"] = N_("Der Weggang liegt vor der Ankunft.")
    if entry.substitutes_person_id is not None:
        errors.update(_substitution_problems(entry, mine, memberships, others))
    return errors


def _substitution_problems(
    entry: AttendanceEntry, mine: list[Membership], memberships: list[Membership], others: dict[int, Attendance]
) -> dict[str, str]:
    if entry.status is not AttendanceStatus.PRESENT:
        return {"substitutes": N_("Vertreten kann nur, wer anwesend ist.")}
    deputy = next((m for m in mine if m.role is MembershipRole.DEPUTY), None)
    if deputy is None:
        return {"substitutes": N_("Nur stellvertretende Mitglieder können vertreten.")}
    seat = next(
        (
            m
            for m in memberships
            if m.person_id == entry.substitutes_person_id and m.role is not MembershipRole.DEPUTY and m.voting_right
        ),
        None,
    )
    if seat is None:
        return {"substitutes": N_("Vertreten werden kann nur ein stimmberechtigtes Mitglied des Gremiums.")}
    # Seats belong to factions: a deputy of another faction (or of none, for a faction's seat) cannot take one.
    if deputy.on_behalf_of_id != seat.on_behalf_of_id:
        return {"substitutes": N_("Vertreten wird nur ein Mitglied derselben Fraktion.")}
    absent = others.get(seat.person_id)
    if absent is not None and absent.status is AttendanceStatus.PRESENT:
        return {"substitutes": N_("Das zu vertretende Mitglied ist selbst anwesend.")}
    taken = [a for a in others.values() if a.substitutes_person_id == seat.person_id and a.person_id != entry.person_id]
    if taken:
        return {"substitutes": N_("Für dieses Mitglied ist bereits eine Vertretung eingetragen.")}
    return {}


async def record_attendance(
    session: AsyncSession, meeting: Meeting, viewer: Viewer, entry: AttendanceEntry
) -> Attendance:
    if not may_record_attendance(viewer, meeting):
        raise PermissionDenied("attendance")
    if meeting.state is MeetingState.CANCELLED:
        raise ValidationFailed({"status": N_("Die Sitzung ist abgesagt.")})
    memberships = await memberships_on_day(session, meeting)
    others = await attendances_of(session, meeting.id)
    errors = _entry_problems(entry, memberships, others)
    substituted_by = [a for a in others.values() if a.substitutes_person_id == entry.person_id]
    if substituted_by and entry.status is AttendanceStatus.PRESENT:
        errors["status"] = N_("Für dieses Mitglied ist eine Vertretung anwesend; bitte zuerst die Vertretung ändern.")
    if errors:
        raise ValidationFailed(errors)
    return await _save(session, meeting, others.get(entry.person_id), entry)


async def _save(session: AsyncSession, meeting: Meeting, row: Attendance | None, entry: AttendanceEntry) -> Attendance:
    if row is None:
        row = Attendance(meeting_id=meeting.id, person_id=entry.person_id, status=entry.status)
        session.add(row)
    row.status = entry.status
    row.arrived_at = entry.arrived_at
    row.left_at = entry.left_at
    row.substitutes_person_id = entry.substitutes_person_id
    row.remote = entry.remote and entry.status is AttendanceStatus.PRESENT
    row.note = (entry.note or "").strip() or None
    await session.flush()
    emit(session, DomainEvent(EventKind.ATTENDANCE_CHANGED, meeting.id))
    return row


async def check_in(session: AsyncSession, meeting: Meeting, viewer: Viewer, now: dt.datetime) -> Attendance:
    """A member joins an online or hybrid meeting from their own device and is counted present (remote)."""
    if viewer.person_id is None or not viewer.is_member_of(meeting.organization_id):
        raise PermissionDenied("check in")
    if meeting.mode is MeetingMode.IN_PERSON:
        raise ValidationFailed({"status": N_("Bei Präsenzsitzungen erfasst die Sitzungsleitung die Anwesenheit.")})
    if meeting.state is not MeetingState.OPENED:
        raise ValidationFailed({"status": N_("Die Sitzung ist nicht eröffnet.")})
    memberships = await memberships_on_day(session, meeting)
    others = await attendances_of(session, meeting.id)
    row = others.get(viewer.person_id)
    deputy_only = all(m.role is MembershipRole.DEPUTY for m in memberships if m.person_id == viewer.person_id)
    if deputy_only and (row is None or row.substitutes_person_id is None):
        raise ValidationFailed(
            {"status": N_("Stellvertretende Mitglieder trägt die Sitzungsleitung als Vertretung ein.")}
        )
    if row is not None and row.status is AttendanceStatus.PRESENT and row.left_at is None:
        return row
    entry = AttendanceEntry(
        viewer.person_id,
        AttendanceStatus.PRESENT,
        arrived_at=now,
        substitutes_person_id=row.substitutes_person_id if row else None,
        remote=True,
        note=row.note if row else None,
    )
    errors = _entry_problems(entry, memberships, others)
    if errors:
        raise ValidationFailed(errors)
    return await _save(session, meeting, row, entry)


async def open_meeting(session: AsyncSession, meeting: Meeting, viewer: Viewer) -> None:
    if not may_record_attendance(viewer, meeting):
        raise PermissionDenied("open meeting")
    require_transition(meeting.state, MeetingState.OPENED)
    meeting.state = MeetingState.OPENED
    await session.flush()
    emit(session, DomainEvent(EventKind.MEETING_CHANGED, meeting.id))


async def close_meeting(session: AsyncSession, meeting: Meeting, viewer: Viewer, now: dt.datetime) -> None:
    if not may_record_attendance(viewer, meeting):
        raise PermissionDenied("close meeting")
    require_transition(meeting.state, MeetingState.CLOSED)
    if await open_poll_of_meeting(session, meeting.id) is not None:
        raise ValidationFailed({"state": N_("Es läuft noch eine Abstimmung.")})
    meeting.state = MeetingState.CLOSED
    meeting.end = max(now, meeting.start)
    await session.flush()
    emit(session, DomainEvent(EventKind.MEETING_CHANGED, meeting.id))
