"""Scheduling meetings: create with the next running number, change date, place and form, cancel, reinstate."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from council.accounts.viewer import Viewer
from council.audit.service import record
from council.bodies.models import Body, LegislativeTerm, Location, Organization
from council.errors import NotFound, PermissionDenied, ValidationFailed
from council.events import DomainEvent, EventKind, emit
from council.meetings.models import AgendaItem, Meeting, MeetingMode, MeetingState
from council.meetings.states import reinstated_state, require_details_editable, require_transition
from council.meetings.waiting import consultation_dealt_with_elsewhere
from council.messages import N_

REASON_LIMIT = 2000


@dataclass(frozen=True)
class LocationDraft:
    """A new place, entered in the meeting form when it is not yet in the list."""

    description: str
    room: str = ""
    street_address: str = ""
    postal_code: str = ""
    locality: str = ""


@dataclass(frozen=True)
class MeetingDraft:
    start: dt.datetime
    end: dt.datetime | None
    mode: MeetingMode
    location_id: int | None = None
    new_location: LocationDraft | None = None
    recording_allowed: bool = False


def may_schedule(viewer: Viewer, organization: Organization) -> bool:
    return viewer.is_secretariat(organization.body_id)


async def schedulable_organization(session: AsyncSession, viewer: Viewer, organization_id: int) -> Organization:
    organization = await session.get(Organization, organization_id)
    if organization is None or organization.deleted:
        raise NotFound("organization")
    if not may_schedule(viewer, organization):
        raise PermissionDenied("meetings")
    if not organization.kind.is_deliberative:
        raise ValidationFailed({"organization": N_("Sitzungen halten Rat, Ausschüsse und Beiräte ab.")})
    return organization


def place_problems(
    organization: Organization, mode: MeetingMode, location_id: int | None, new_location: LocationDraft | None
) -> dict[str, str]:
    """Form and place of a meeting (pure): digital only where allowed, a place unless the meeting is online."""
    errors: dict[str, str] = {}
    if mode is not MeetingMode.IN_PERSON and not organization.digital_meetings_allowed:
        errors["mode"] = N_("Dieses Gremium darf nicht digital oder hybrid tagen.")
    if mode is not MeetingMode.ONLINE and location_id is None and new_location is None:
        errors["location"] = N_("Bitte wählen Sie einen Sitzungsort oder legen Sie einen neuen an.")
    if new_location is not None and not new_location.description.strip():
        errors["location_description"] = N_("Bitte benennen Sie den neuen Ort, z. B. Rathaus.")
    return errors


def draft_problems(organization: Organization, draft: MeetingDraft) -> dict[str, str]:
    """What the form got wrong, field by field (pure: no database)."""
    if draft.start.tzinfo is None:
        raise ValueError("meeting times are aware datetimes")
    errors = place_problems(organization, draft.mode, draft.location_id, draft.new_location)
    if draft.end is not None and draft.end < draft.start:
        errors["end"] = N_("Das Ende liegt vor dem Beginn.")
    errors.update(recording_problems(draft.mode, draft.recording_allowed))
    return errors


def recording_problems(mode: MeetingMode, recording_allowed: bool) -> dict[str, str]:
    """Only the video room can be recorded: a meeting in person has none."""
    if recording_allowed and mode is MeetingMode.IN_PERSON:
        return {"recording_allowed": N_("Aufzeichnen lassen sich nur Video- und hybride Sitzungen.")}
    return {}


async def create_meeting(
    session: AsyncSession, viewer: Viewer, organization_id: int, draft: MeetingDraft, now: dt.datetime
) -> Meeting:
    organization = await schedulable_organization(session, viewer, organization_id)
    _raise_problems(organization, draft)
    term = await term_on(session, organization, draft.start)
    location_id = await _location(session, organization, draft)
    # The organization's row serialises concurrent creations, so each one reads the number before it.
    await session.execute(select(Organization.id).where(Organization.id == organization.id).with_for_update())
    highest = await session.scalar(
        select(func.max(Meeting.number)).where(
            Meeting.organization_id == organization.id, Meeting.legislative_term_id == term.id
        )
    )
    meeting = Meeting(
        organization_id=organization.id,
        legislative_term_id=term.id,
        number=(highest or 0) + 1,
        start=draft.start,
        end=draft.end,
        mode=draft.mode,
        location_id=location_id,
        state=MeetingState.PLANNED,
        recording_allowed=draft.recording_allowed,
    )
    session.add(meeting)
    await session.flush()
    _audit(session, meeting, organization, viewer, "meeting.created", now, number=meeting.number)
    return meeting


async def update_meeting(
    session: AsyncSession, meeting: Meeting, viewer: Viewer, draft: MeetingDraft, now: dt.datetime
) -> Meeting:
    """Another date, end, place or form. The running number stays: the meeting stays in its term."""
    organization = await schedulable_organization(session, viewer, meeting.organization_id)
    require_details_editable(meeting.state)
    _raise_problems(organization, draft)
    term = await term_on(session, organization, draft.start)
    if term.id != meeting.legislative_term_id:
        raise ValidationFailed({"start": N_("Eine Sitzung kann nicht in eine andere Wahlperiode verlegt werden.")})
    before = {
        "start": meeting.start.isoformat(),
        "location": meeting.location_id,
        "mode": meeting.mode.value,
        "recording_allowed": meeting.recording_allowed,
    }
    meeting.location_id = await _location(session, organization, draft)
    meeting.start, meeting.end, meeting.mode = draft.start, draft.end, draft.mode
    meeting.recording_allowed = draft.recording_allowed
    await session.flush()
    _audit(session, meeting, organization, viewer, "meeting.changed", now, before=before)
    emit(session, DomainEvent(EventKind.MEETING_CHANGED, meeting.id))
    return meeting


async def cancel_meeting(
    session: AsyncSession, meeting: Meeting, viewer: Viewer, reason: str, now: dt.datetime
) -> Meeting:
    """Cancelled with a reason for everyone to read. The papers on its agenda wait again for a meeting."""
    organization = await schedulable_organization(session, viewer, meeting.organization_id)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed({"reason": N_("Bitte geben Sie den Grund der Absage an.")})
    if len(reason) > REASON_LIMIT:
        raise ValidationFailed({"reason": N_("Der Grund darf höchstens 2000 Zeichen lang sein.")})
    require_transition(meeting.state, MeetingState.CANCELLED)
    meeting.state = MeetingState.CANCELLED
    meeting.cancellation_reason = reason
    await session.flush()
    _audit(session, meeting, organization, viewer, "meeting.cancelled", now, reason=reason)
    emit(session, DomainEvent(EventKind.MEETING_CHANGED, meeting.id))
    return meeting


async def reinstate_meeting(session: AsyncSession, meeting: Meeting, viewer: Viewer, now: dt.datetime) -> Meeting:
    """Undo a cancellation (made in error, or the reason fell away): back to planned or invited."""
    organization = await schedulable_organization(session, viewer, meeting.organization_id)
    target = reinstated_state(meeting.invitation_sent_at is not None)
    if meeting.state is not MeetingState.CANCELLED:
        raise ValidationFailed({"state": N_("Nur eine abgesagte Sitzung kann wieder aufgenommen werden.")})
    require_transition(meeting.state, target)
    if await _papers_now_elsewhere(session, meeting):
        raise ValidationFailed(
            {
                "state": N_(
                    "Vorlagen dieser Tagesordnung stehen inzwischen auf der Tagesordnung einer anderen Sitzung. "
                    "Bitte nehmen Sie sie zuerst von einer der beiden Tagesordnungen."
                )
            }
        )
    meeting.state = target
    meeting.cancellation_reason = None
    await session.flush()
    _audit(session, meeting, organization, viewer, "meeting.reinstated", now, state=target.value)
    emit(session, DomainEvent(EventKind.MEETING_CHANGED, meeting.id))
    return meeting


async def _papers_now_elsewhere(session: AsyncSession, meeting: Meeting) -> bool:
    taken = await session.scalar(
        select(AgendaItem.id)
        .where(
            AgendaItem.meeting_id == meeting.id,
            AgendaItem.deleted.is_(False),
            AgendaItem.consultation_id.is_not(None),
            consultation_dealt_with_elsewhere(meeting.id),
        )
        .limit(1)
    )
    return taken is not None


async def term_on(session: AsyncSession, organization: Organization, start: dt.datetime) -> LegislativeTerm:
    """The electoral term in which the meeting's (local) day lies."""
    body = await session.get(Body, organization.body_id)
    assert body is not None
    day = start.astimezone(ZoneInfo(body.timezone)).date()
    terms = await session.scalars(
        select(LegislativeTerm).where(LegislativeTerm.body_id == body.id, LegislativeTerm.deleted.is_(False))
    )
    term = next((t for t in terms if t.start_date <= day and (t.end_date is None or day <= t.end_date)), None)
    if term is None:
        raise ValidationFailed({"start": N_("Für diesen Tag ist keine Wahlperiode angelegt.")})
    return term


async def _location(session: AsyncSession, organization: Organization, draft: MeetingDraft) -> int | None:
    if draft.new_location is not None:
        new = draft.new_location
        location = Location(
            body_id=organization.body_id,
            description=new.description.strip()[:200],
            room=new.room.strip()[:120] or None,
            street_address=new.street_address.strip()[:200] or None,
            postal_code=new.postal_code.strip()[:10] or None,
            locality=new.locality.strip()[:120] or None,
        )
        session.add(location)
        await session.flush()
        return location.id
    if draft.location_id is None:
        return None
    chosen = await session.get(Location, draft.location_id)
    if chosen is None or chosen.deleted or chosen.body_id != organization.body_id:
        raise ValidationFailed({"location": N_("Diesen Sitzungsort gibt es nicht.")})
    return chosen.id


def _raise_problems(organization: Organization, draft: MeetingDraft) -> None:
    errors = draft_problems(organization, draft)
    if errors:
        raise ValidationFailed(errors)


def _audit(
    session: AsyncSession,
    meeting: Meeting,
    organization: Organization,
    viewer: Viewer,
    action: str,
    now: dt.datetime,
    **data: object,
) -> None:
    record(
        session,
        action=action,
        subject_type="meeting",
        subject_id=meeting.id,
        actor_user_id=viewer.user_id,
        body_id=organization.body_id,
        data=data,
        at=now,
    )
