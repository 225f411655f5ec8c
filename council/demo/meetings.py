"""Build the demo meetings with their agendas, results and attendance."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from council.bodies.models import MembershipRole
from council.demo import roster
from council.demo.agendas import NOTED, PLANS, Item, MeetingPlan, Presence, Wording
from council.demo.schedule import SLOTS, ResolutionRegister, local_to_utc, meeting_day, meeting_numbers
from council.demo.structure import Directory
from council.meetings.models import (
    AgendaChange,
    AgendaChangeKind,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    InvitationNotice,
    Meeting,
    MeetingState,
)
from council.meetings.numbering import Slot, arrange
from council.papers.models import Consultation, Paper
from council.resolutions.models import Resolution, ResolutionVersion
from council.voting.rules import ItemResult

# Days between the invitation and the meeting; more than the usual Ladungsfrist of seven days.
INVITATION_DAYS = 10


def plan_days(today: dt.date) -> dict[str, dt.date]:
    return {key: meeting_day(today, slot) for key, slot in SLOTS.items()}


@dataclass
class _Context:
    session: AsyncSession
    directory: Directory
    papers: dict[str, Paper]
    consultations: dict[tuple[str, int], Consultation]
    register: ResolutionRegister


async def build_meetings(
    session: AsyncSession,
    directory: Directory,
    days: dict[str, dt.date],
    papers: dict[str, Paper],
    consultations: dict[tuple[str, int], Consultation],
) -> list[Meeting]:
    context = _Context(
        session, directory, papers, consultations, ResolutionRegister(directory.body.resolution_number_pattern)
    )
    numbers = meeting_numbers(days)
    meetings = []
    # In order of time, so that resolution numbers are handed out in the order of decisions.
    for plan in sorted(PLANS, key=lambda p: days[p.slot]):
        meetings.append(await _build_meeting(context, plan, days[plan.slot], numbers[plan.slot]))
    return meetings


async def _build_meeting(context: _Context, plan: MeetingPlan, day: dt.date, number: int) -> Meeting:
    slot = SLOTS[plan.slot]
    timezone = context.directory.body.timezone
    start = local_to_utc(day, slot.start, timezone)
    meeting = Meeting(
        organization_id=context.directory.organizations[slot.organization].id,
        legislative_term_id=context.directory.term.id,
        number=number,
        start=start,
        end=start + dt.timedelta(minutes=slot.minutes) if plan.state is MeetingState.CLOSED else None,
        location_id=context.directory.locations[plan.location].id if plan.location else None,
        mode=plan.mode,
        state=plan.state,
        cancellation_reason=plan.cancellation_reason,
    )
    context.session.add(meeting)
    await context.session.flush()

    total = sum(1 + len(item.children) for item in plan.items)
    position = 0
    counters = {True: 0, False: 0}
    # Public part first, then the non-public part; each is numbered on its own ("Ö 4.2", "N 1").
    for item in sorted(plan.items, key=lambda i: not i.public):
        counters[item.public] += 1
        label = f"{'Ö' if item.public else 'N'} {counters[item.public]}"
        position += 1
        parent = await _add_item(context, meeting, item, label, position, total, None)
        for index, child in enumerate(item.children, start=1):
            position += 1
            await _add_item(context, meeting, child, f"{label}.{index}", position, total, parent)

    if plan.state in (MeetingState.INVITED, MeetingState.CLOSED):
        await _invite(context, meeting, plan)
    if plan.presence is not None:
        context.session.add_all(_attendances(context.directory, meeting, slot.organization, day, plan.presence))
        await context.session.flush()
    return meeting


async def _invite(context: _Context, meeting: Meeting, plan: MeetingPlan) -> None:
    """The invitation went out ten days before the meeting; items marked as supplement came three days later."""
    sent = meeting.start - dt.timedelta(days=INVITATION_DAYS)
    meeting.invitation_sent_at = sent
    context.session.add(InvitationNotice(meeting_id=meeting.id, sent_at=sent))
    items = sorted(await _items_of(context.session, meeting.id), key=lambda i: i.position)
    late_titles = {i.title for i in plan.items if i.supplement} | {
        c.title for i in plan.items for c in i.children if c.supplement
    }
    invited = [i for i in items if i.title not in late_titles]
    numbers = {p.key: p.number for p in arrange([Slot(i.id, i.public, i.parent_id) for i in invited])}
    for item in invited:
        item.invited_number = numbers[item.id]
    late = [i for i in items if i.title in late_titles]
    if late:
        notice = InvitationNotice(meeting_id=meeting.id, sent_at=sent + dt.timedelta(days=3), supplement=True)
        context.session.add(notice)
        await context.session.flush()
        context.session.add_all(
            AgendaChange(
                meeting_id=meeting.id,
                agenda_item_id=item.id,
                kind=AgendaChangeKind.ADDED,
                at=notice.sent_at,
                number_after=item.number,
                title_after=item.title,
                notice_id=notice.id,
            )
            for item in late
        )
    await context.session.flush()


async def _items_of(session: AsyncSession, meeting_id: int) -> list[AgendaItem]:
    return list(await session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting_id)))


async def _add_item(
    context: _Context,
    meeting: Meeting,
    item: Item,
    label: str,
    position: int,
    total: int,
    parent: AgendaItem | None,
) -> AgendaItem:
    consultation = _consultation_for(context, meeting, item)
    decided_at = None
    if item.result and meeting.end is not None:
        # Results are spread evenly across the meeting so that every decision falls between start and end.
        decided_at = meeting.start + (meeting.end - meeting.start) * position / (total + 1)
    record = AgendaItem(
        meeting_id=meeting.id,
        position=position,
        number=label,
        parent_id=parent.id if parent else None,
        # A sub-item of the non-public part is itself non-public.
        public=item.public and (parent is None or parent.public),
        title=item.title,
        consultation_id=consultation.id if consultation else None,
        result=item.result,
        result_kind=_result_kind(item),
        resolution_text=_resolution_text(context, item),
        vote_summary=_vote_summary(item.vote),
        decided_at=decided_at,
    )
    context.session.add(record)
    await context.session.flush()
    if item.registered and decided_at is not None:
        await _register(context, record, decided_at)
    return record


def _result_kind(item: Item) -> ItemResult | None:
    if item.result is None or item.result == "genehmigt":
        return None
    if item.registered:
        if "abgelehnt" in item.result:
            return ItemResult.REJECTED
        return ItemResult.ADOPTED_AMENDED if "mit Änderungen" in item.result else ItemResult.ADOPTED
    if item.result.startswith("verwiesen"):
        return ItemResult.REFERRED
    return ItemResult.NOTED if item.result == NOTED else None


async def _register(context: _Context, record: AgendaItem, decided_at: dt.datetime) -> None:
    """The demo's past decisions stand in the register as if taken over from the previous system."""
    # The register's year is the local one (a decision late on New Year's Eve belongs to the old year).
    day = decided_at.astimezone(ZoneInfo(context.directory.body.timezone)).date()
    seq, number = context.register.next_number(day)
    record.resolution_number = number
    resolution = Resolution(
        body_id=context.directory.body.id,
        year=day.year,
        seq=seq,
        number=number,
        agenda_item_id=record.id,
        decided_at=decided_at,
        version=1,
    )
    context.session.add(resolution)
    await context.session.flush()
    assert record.result_kind is not None
    assert record.result is not None
    context.session.add(
        ResolutionVersion(
            resolution_id=resolution.id,
            version=1,
            result=record.result_kind,
            wording=record.result,
            text=record.resolution_text,
            vote_summary=record.vote_summary,
        )
    )
    await context.session.flush()


def _consultation_for(context: _Context, meeting: Meeting, item: Item) -> Consultation | None:
    if item.paper is None:
        return None
    consultation = context.consultations[item.paper]
    if consultation.organization_id != meeting.organization_id:
        raise ValueError(f"Beratungsfolge of {item.paper} does not name the organization of this meeting")
    consultation.meeting_id = meeting.id
    return consultation


def _resolution_text(context: _Context, item: Item) -> str | None:
    if not isinstance(item.resolution, Wording):
        return item.resolution
    assert item.paper is not None, "a resolution worded from a paper needs the paper"
    proposal = context.papers[item.paper[0]].proposed_resolution or ""
    if item.resolution is Wording.RECOMMEND:
        return f"Empfehlung an den Stadtrat, wie folgt zu beschließen:\n\n{proposal}"
    return proposal


def _vote_summary(vote: tuple[int, int, int, int] | None) -> str | None:
    if vote is None:
        return None
    yes, no, abstentions, conflicted = vote
    return f"Ja: {yes}, Nein: {no}, Enthaltungen: {abstentions}, Befangen: {conflicted}"


def _attendances(
    directory: Directory, meeting: Meeting, organization: str, day: dt.date, presence: Presence
) -> list[Attendance]:
    """Everyone holding a seat (deputies only when they stand in for someone), as the minutes list them."""
    spec = next((s for s in roster.BODIES if s.key == organization), None)
    seats = [s.family_name for s in spec.seats if s.role is not MembershipRole.DEPUTY] if spec else []
    timezone = directory.body.timezone

    def at(time: dt.time) -> dt.datetime:
        return local_to_utc(day, time, timezone)

    rows = []
    for name in [*seats, *presence.substitutes]:
        present = name not in presence.excused
        row = Attendance(
            meeting_id=meeting.id,
            person_id=directory.people[name].id,
            status=AttendanceStatus.PRESENT if present else AttendanceStatus.EXCUSED,
            remote=presence.remote and present,
        )
        if name in presence.substitutes:
            row.substitutes_person_id = directory.people[presence.substitutes[name]].id
            row.note = f"in Vertretung für {directory.people[presence.substitutes[name]].name}"
        if presence.late and presence.late[0] == name:
            row.arrived_at, row.note = at(presence.late[1]), presence.late[2]
        if presence.left_early and presence.left_early[0] == name:
            row.left_at = at(presence.left_early[1])
        rows.append(row)
    return rows
