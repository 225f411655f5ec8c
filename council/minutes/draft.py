"""Generating the minutes from what the meeting recorded: attendance, agenda, polls, conflicts, resolutions.

Everything here only reads. The generated records are stored on the working copy by the service, beside the texts
the secretariat writes, so regenerating never touches those texts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from council.bodies.models import Membership, MembershipRole, Person
from council.meetings.attendance import memberships_on_day
from council.meetings.models import AgendaItem, Attendance, AttendanceStatus, Meeting, MeetingMode
from council.minutes.document import (
    Absentee,
    ApprovalNote,
    Attendee,
    Conflict,
    Header,
    ItemRecord,
    PollRecord,
    VoteNote,
)
from council.minutes.models import Minutes, MinutesVersion, VoteRecordRequest
from council.voting.models import ConflictOfInterest, Poll, PollKind, PollState, Vote

ROLE_ORDER = [
    MembershipRole.CHAIR,
    MembershipRole.VICE_CHAIR,
    MembershipRole.MEMBER,
    MembershipRole.DEPUTY,
    MembershipRole.EXPERT_CITIZEN,
    MembershipRole.ADVISORY,
]


def _faction(membership: Membership) -> str | None:
    faction = membership.on_behalf_of
    return (faction.short_name or faction.name) if faction is not None else None


def _main_memberships(memberships: Iterable[Membership]) -> dict[int, Membership]:
    """One membership per person: the highest role they hold (a chair is listed as chair, not as member)."""
    chosen: dict[int, Membership] = {}
    for membership in sorted(memberships, key=lambda m: ROLE_ORDER.index(m.role)):
        chosen.setdefault(membership.person_id, membership)
    return chosen


def _sort_key(membership: Membership | None, person: Person) -> tuple[int, str, str]:
    rank = ROLE_ORDER.index(membership.role) if membership is not None else len(ROLE_ORDER)
    return rank, person.family_name, person.given_name


async def _attendances(session: AsyncSession, meeting_id: int) -> list[Attendance]:
    rows = await session.scalars(
        select(Attendance)
        .where(Attendance.meeting_id == meeting_id, Attendance.deleted.is_(False))
        .options(selectinload(Attendance.person), selectinload(Attendance.substitutes))
    )
    return list(rows)


def place_of(meeting: Meeting) -> str | None:
    if meeting.location is not None:
        return meeting.location.one_line
    return "Videokonferenz" if meeting.mode is MeetingMode.ONLINE else None


async def build_header(session: AsyncSession, meeting: Meeting) -> Header:
    memberships = _main_memberships(await memberships_on_day(session, meeting))
    attendances = await _attendances(session, meeting.id)
    by_person = {a.person_id: a for a in attendances}
    substituted_by = {a.substitutes_person_id: a.person.name for a in attendances if a.substitutes_person_id}
    present = [a for a in attendances if a.status is AttendanceStatus.PRESENT]
    present.sort(key=lambda a: _sort_key(memberships.get(a.person_id), a.person))
    absent = [
        m
        for m in memberships.values()
        if m.role is not MembershipRole.DEPUTY
        and (m.person_id not in by_person or by_person[m.person_id].status is not AttendanceStatus.PRESENT)
    ]
    absent.sort(key=lambda m: _sort_key(m, m.person))
    return Header(
        body_name=meeting.organization.body.name,
        organization_id=meeting.organization_id,
        organization_name=meeting.organization.name,
        meeting_id=meeting.id,
        meeting_title=meeting.name,
        start=meeting.start,
        end=meeting.end,
        place=place_of(meeting),
        mode=meeting.mode.value,
        timezone=meeting.organization.body.timezone,
        statutory_seats=meeting.organization.statutory_seats,
        present=[_attendee(a, memberships.get(a.person_id)) for a in present],
        absent=[_absentee(m, by_person.get(m.person_id), substituted_by.get(m.person_id)) for m in absent],
    )


def _attendee(attendance: Attendance, membership: Membership | None) -> Attendee:
    return Attendee(
        name=attendance.person.name,
        faction=_faction(membership) if membership else None,
        role=membership.role.value if membership else None,
        voting_right=membership.voting_right if membership else False,
        remote=attendance.remote,
        arrived_at=attendance.arrived_at,
        left_at=attendance.left_at,
        substitutes=attendance.substitutes.name if attendance.substitutes else None,
        note=attendance.note,
    )


def _absentee(membership: Membership, attendance: Attendance | None, substitute: str | None) -> Absentee:
    return Absentee(
        name=membership.person.name,
        faction=_faction(membership),
        role=membership.role.value,
        excused=attendance is not None and attendance.status is AttendanceStatus.EXCUSED,
        substituted_by=substitute,
        note=attendance.note if attendance is not None else None,
    )


async def _named_votes(session: AsyncSession, polls: list[Poll]) -> dict[int, dict[str, list[str]]]:
    named = [p.id for p in polls if p.kind is PollKind.NAMED]
    names: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    if not named:
        return {}
    rows = await session.scalars(
        select(Vote).where(Vote.poll_id.in_(named), Vote.deleted.is_(False)).options(selectinload(Vote.person))
    )
    for vote in sorted(rows, key=lambda v: (v.person.family_name, v.person.given_name)):
        names[vote.poll_id][vote.choice.value].append(vote.person.name)
    return {poll_id: dict(by_choice) for poll_id, by_choice in names.items()}


def _poll_record(poll: Poll, names: dict[str, list[str]]) -> PollRecord:
    return PollRecord(
        poll_id=poll.id,
        subject=poll.subject.value,
        kind=poll.kind.value,
        title=poll.title,
        motion_text=poll.motion_text,
        cancelled=poll.state is PollState.CANCELLED,
        cancel_reason=poll.cancel_reason,
        yes=poll.yes,
        no=poll.no,
        abstain=poll.abstain,
        befangen=poll.befangen,
        adopted=poll.adopted,
        wording=poll.wording,
        explanation=poll.explanation,
        quorum_flagged=poll.quorum_flagged,
        # Only a named poll records who voted how; never look further for an open or secret one.
        names=names if poll.kind is PollKind.NAMED else {},
    )


async def _vote_notes(session: AsyncSession, polls: list[Poll]) -> dict[int, list[VoteNote]]:
    titles = {p.id: (p.agenda_item_id, p.title) for p in polls}
    rows = await session.scalars(
        select(VoteRecordRequest)
        .where(VoteRecordRequest.poll_id.in_(list(titles)), VoteRecordRequest.deleted.is_(False))
        .options(selectinload(VoteRecordRequest.person))
        .order_by(VoteRecordRequest.requested_at, VoteRecordRequest.id)
    )
    notes: dict[int, list[VoteNote]] = defaultdict(list)
    for row in rows:
        item_id, title = titles[row.poll_id]
        notes[item_id].append(VoteNote(name=row.person.name, choice=row.choice.value, poll_title=title))
    return notes


async def _conflicts(session: AsyncSession, item_ids: list[int]) -> dict[int, list[Conflict]]:
    rows = await session.scalars(
        select(ConflictOfInterest)
        .where(ConflictOfInterest.agenda_item_id.in_(item_ids), ConflictOfInterest.deleted.is_(False))
        .options(selectinload(ConflictOfInterest.person))
        .order_by(ConflictOfInterest.declared_at, ConflictOfInterest.id)
    )
    conflicts: dict[int, list[Conflict]] = defaultdict(list)
    for row in rows:
        conflicts[row.agenda_item_id].append(Conflict(name=row.person.name, reason=row.reason))
    return conflicts


async def _approvals_here(session: AsyncSession, item_ids: list[int]) -> dict[int, list[ApprovalNote]]:
    """Minutes of earlier meetings approved under one of these items ("Genehmigung der Niederschrift")."""
    rows = await session.execute(
        select(MinutesVersion, Meeting)
        .join(Minutes, MinutesVersion.minutes_id == Minutes.id)
        .join(Meeting, Minutes.meeting_id == Meeting.id)
        .where(MinutesVersion.approval_item_id.in_(item_ids), MinutesVersion.deleted.is_(False))
        .options(selectinload(Meeting.organization))
        .order_by(Meeting.start, MinutesVersion.number)
    )
    notes: dict[int, list[ApprovalNote]] = defaultdict(list)
    for version, meeting in rows.tuples():
        assert version.approval_item_id is not None
        approval = version.content.get("approval") or {}
        notes[version.approval_item_id].append(
            ApprovalNote(
                meeting_title=meeting.name,
                meeting_start=meeting.start,
                objections=approval.get("objections"),
                corrections=approval.get("corrections"),
                confidential_notes=approval.get("confidential_notes"),
            )
        )
    return notes


async def build_items(session: AsyncSession, meeting: Meeting) -> list[ItemRecord]:
    items = [item for item in meeting.agenda_items if not item.deleted]
    item_ids = [item.id for item in items]
    polls = list(
        await session.scalars(
            select(Poll)
            .where(
                Poll.meeting_id == meeting.id,
                Poll.deleted.is_(False),
                Poll.state.in_([PollState.CLOSED, PollState.PUBLISHED, PollState.CANCELLED]),
            )
            .order_by(Poll.id)
        )
    )
    names = await _named_votes(session, polls)
    notes = await _vote_notes(session, polls)
    conflicts = await _conflicts(session, item_ids)
    approvals = await _approvals_here(session, item_ids)
    polls_by_item: dict[int, list[PollRecord]] = defaultdict(list)
    for poll in polls:
        polls_by_item[poll.agenda_item_id].append(_poll_record(poll, names.get(poll.id, {})))
    return [
        _item_record(item, polls_by_item[item.id], conflicts[item.id], notes[item.id], approvals[item.id])
        for item in items
    ]


def _item_record(
    item: AgendaItem,
    polls: list[PollRecord],
    conflicts: list[Conflict],
    notes: list[VoteNote],
    approvals: list[ApprovalNote],
) -> ItemRecord:
    consultation = item.consultation
    paper = consultation.paper if consultation is not None and not consultation.paper.deleted else None
    return ItemRecord(
        agenda_item_id=item.id,
        number=item.number,
        title=item.title,
        public=item.public,
        paper_reference=paper.reference if paper else None,
        paper_title=paper.title if paper else None,
        paper_public=paper.public if paper else True,
        consultation_role=consultation.role.value if consultation is not None and paper else None,
        proposal=paper.proposed_resolution if paper else None,
        polls=polls,
        conflicts=conflicts,
        vote_notes=notes,
        approvals=approvals,
        result=item.result,
        result_kind=item.result_kind.value if item.result_kind else None,
        resolution_text=item.resolution_text,
        vote_summary=item.vote_summary,
        resolution_number=item.resolution_number,
        referred_to=item.referred_to.name if item.referred_to is not None else None,
    )


def default_chair(memberships: Iterable[Membership], attendances: dict[int, Attendance]) -> int | None:
    """Who chaired: the chair if present, else a present vice chair, else the chair on record."""
    chairs = [m for m in memberships if m.role in (MembershipRole.CHAIR, MembershipRole.VICE_CHAIR)]
    chairs.sort(key=lambda m: ROLE_ORDER.index(m.role))
    for membership in chairs:
        attendance = attendances.get(membership.person_id)
        if attendance is not None and attendance.status is AttendanceStatus.PRESENT:
            return membership.person_id
    return chairs[0].person_id if chairs else None


async def vote_notes_of_item(session: AsyncSession, agenda_item_id: int) -> list[VoteNote]:
    polls = list(
        await session.scalars(select(Poll).where(Poll.agenda_item_id == agenda_item_id, Poll.deleted.is_(False)))
    )
    return (await _vote_notes(session, polls)).get(agenda_item_id, [])
