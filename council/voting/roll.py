"""Who may vote on an item right now: the seats of the organization, their presence and conflicts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Row, Select, and_, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from council.bodies.models import Membership, MembershipRole, Organization, Person
from council.meetings.models import Attendance, AttendanceStatus, Meeting
from council.voting.models import ConflictOfInterest


@dataclass(frozen=True)
class Seat:
    person_id: int
    name: str
    faction: str | None
    role: MembershipRole
    present: bool
    remote: bool
    befangen: bool
    # Set for a deputy standing in for this absent member.
    substitutes_person_id: int | None = None

    @property
    def entitled(self) -> bool:
        return self.present and not self.befangen


@dataclass(frozen=True)
class Roll:
    seats: list[Seat]
    statutory_seats: int
    # Everyone with a conflict of interest declared for the item, holding a seat today or not.
    befangen_ids: frozenset[int] = frozenset()

    @property
    def entitled(self) -> list[Seat]:
        return [seat for seat in self.seats if seat.entitled]

    @property
    def befangen(self) -> list[Seat]:
        return [seat for seat in self.seats if seat.befangen]

    def seat_of(self, person_id: int) -> Seat | None:
        return self._by_person.get(person_id)

    @cached_property
    def _by_person(self) -> dict[int, Seat]:
        """A batch of votes looks up every voter's seat: by key, not by a walk through all seats each time."""
        found: dict[int, Seat] = {}
        for seat in self.seats:
            found.setdefault(seat.person_id, seat)  # the first seat of a person, as the walk found it
        return found


def meeting_day(meeting: Meeting) -> dt.date:
    return meeting.start.astimezone(ZoneInfo(meeting.organization.body.timezone)).date()


@dataclass(frozen=True)
class _Presence:
    """An attendance as the roll needs it, read as columns (as _Member): every member's screen reads the roll when
    a poll opens or closes, and loading each attendance as an ORM object was a good part of that."""

    person_id: int
    status: AttendanceStatus
    arrived_at: dt.datetime | None
    left_at: dt.datetime | None
    substitutes_person_id: int | None
    remote: bool


_PRESENCE_COLUMNS = (
    Attendance.person_id,
    Attendance.status,
    Attendance.arrived_at,
    Attendance.left_at,
    Attendance.substitutes_person_id,
    Attendance.remote,
)


def is_present(attendance: _Presence | None, now: dt.datetime) -> bool:
    """Present means: marked present, arrived by now (late arrivals count from their time), not yet left."""
    if attendance is None or attendance.status is not AttendanceStatus.PRESENT:
        return False
    if attendance.arrived_at is not None and attendance.arrived_at > now:
        return False
    return attendance.left_at is None or attendance.left_at > now


@dataclass(frozen=True)
class _Member:
    """A membership as the roll needs it, read as columns: a council of 2,000 members builds its roll for every
    close and every live push, and loading memberships, persons and factions as ORM objects cost 80 ms."""

    person_id: int
    role: MembershipRole
    voting_right: bool
    name: str
    faction: str | None


_FACTION = aliased(Organization)
_MEMBER_COLUMNS = (
    Membership.person_id,
    Membership.role,
    Membership.voting_right,
    Person.title,
    Person.given_name,
    Person.family_name,
    _FACTION.short_name,
    _FACTION.name,
)


def _member(row: Row[Any]) -> _Member:
    person_id, role, voting_right, title, given, family, faction_short, faction_name = row[:8]
    name = " ".join(part for part in (title, given, family) if part)  # as Person.name
    return _Member(person_id, role, voting_right, name, faction_short or faction_name)


def _members_of(meeting: Meeting, *criteria: ColumnElement[bool]) -> Select[Any]:
    """The memberships of the meeting's organization active on the meeting's day, with name and faction."""
    day = meeting_day(meeting)
    return (
        select(*_MEMBER_COLUMNS)
        .join(Person, Person.id == Membership.person_id)
        .outerjoin(_FACTION, _FACTION.id == Membership.on_behalf_of_id)
        .where(
            Membership.organization_id == meeting.organization_id,
            Membership.deleted.is_(False),
            Membership.start_date <= day,
            or_(Membership.end_date.is_(None), Membership.end_date >= day),
            *criteria,
        )
    )


async def _memberships(session: AsyncSession, meeting: Meeting) -> list[_Member]:
    return [_member(row) for row in await session.execute(_members_of(meeting))]


async def _person_rows(
    session: AsyncSession, meeting: Meeting, item_id: int | None, person_ids: set[int]
) -> tuple[list[_Member], dict[int, _Presence], set[int]]:
    """Some persons' memberships, attendance and conflicts in one statement (the vote path's entitlement check)."""
    conflict = (
        select(ConflictOfInterest.id)
        .where(
            ConflictOfInterest.agenda_item_id == item_id,
            ConflictOfInterest.person_id == Membership.person_id,
            ConflictOfInterest.deleted.is_(False),
        )
        .exists()
    )
    query = (
        _members_of(meeting, Membership.person_id.in_(person_ids))
        .add_columns(*_PRESENCE_COLUMNS, conflict if item_id is not None else literal(False))
        .outerjoin(
            Attendance,
            and_(
                Attendance.meeting_id == meeting.id,
                Attendance.person_id == Membership.person_id,
                Attendance.deleted.is_(False),
            ),
        )
    )
    memberships, attendances, conflicted = [], {}, set()
    presence_end = 8 + len(_PRESENCE_COLUMNS)
    for row in await session.execute(query):
        member = _member(row)
        memberships.append(member)
        if row[8] is not None:  # the attendance's person: none without an attendance (outer join)
            attendances[member.person_id] = _Presence(*row[8:presence_end])
        if row[presence_end]:
            conflicted.add(member.person_id)
    return memberships, attendances, conflicted


async def build_roll(
    session: AsyncSession,
    meeting: Meeting,
    item_id: int | None,
    now: dt.datetime,
    *,
    person_ids: set[int] | None = None,
) -> Roll:
    """The voting seats: members with voting right, a deputy in place of the member they stand in for.

    With ``person_ids`` only those persons' seats are looked up, in one statement (the vote path needs no more).
    """
    if person_ids is not None:
        memberships, attendances, conflicted = await _person_rows(session, meeting, item_id, person_ids)
    else:
        memberships = await _memberships(session, meeting)
        attendance_query = select(*_PRESENCE_COLUMNS).where(
            Attendance.meeting_id == meeting.id, Attendance.deleted.is_(False)
        )
        conflict_query = select(ConflictOfInterest.person_id).where(
            ConflictOfInterest.agenda_item_id == item_id, ConflictOfInterest.deleted.is_(False)
        )
        attendances = {row[0]: _Presence(*row) for row in await session.execute(attendance_query)}
        conflicted = set(await session.scalars(conflict_query)) if item_id is not None else set()
    substituted = {a.substitutes_person_id for a in attendances.values() if a.substitutes_person_id}

    seats: dict[int, Seat] = {}
    for membership in memberships:
        attendance = attendances.get(membership.person_id)
        if membership.role is MembershipRole.DEPUTY:
            # A deputy holds a seat only while standing in for an absent member.
            if attendance is None or attendance.substitutes_person_id is None:
                continue
        elif not membership.voting_right:
            continue
        elif person_ids is None and membership.person_id in substituted:
            continue  # the deputy holds this seat today
        seats[membership.person_id] = Seat(
            person_id=membership.person_id,
            name=membership.name,
            faction=membership.faction,
            role=membership.role,
            present=is_present(attendance, now),
            remote=bool(attendance and attendance.remote),
            befangen=membership.person_id in conflicted,
            substitutes_person_id=attendance.substitutes_person_id if attendance else None,
        )
    ordered = sorted(seats.values(), key=lambda s: (s.name.split()[-1], s.name))
    statutory = meeting.organization.statutory_seats or _count_regular_seats(memberships)
    return Roll(ordered, statutory, frozenset(conflicted))


def _count_regular_seats(memberships: list[_Member]) -> int:
    return len({m.person_id for m in memberships if m.voting_right and m.role is not MembershipRole.DEPUTY}) or 1


async def seat_of(
    session: AsyncSession, meeting: Meeting, item_id: int | None, person_id: int, now: dt.datetime
) -> Seat | None:
    """One person's seat for the item (the vote path needs no more than this)."""
    roll = await build_roll(session, meeting, item_id, now, person_ids={person_id})
    return roll.seat_of(person_id)
