"""Scheduling meetings, the papers waiting for them, and deputies standing in at attendance."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from council.audit.models import AuditEntry
from council.bodies.models import Location
from council.errors import PermissionDenied, ValidationFailed
from council.meetings.agenda import add_consultation
from council.meetings.attendance import AttendanceEntry, record_attendance
from council.meetings.models import AgendaItem, Attendance, AttendanceStatus, Meeting, MeetingMode, MeetingState
from council.meetings.scheduling import (
    LocationDraft,
    MeetingDraft,
    cancel_meeting,
    create_meeting,
    reinstate_meeting,
    update_meeting,
)
from council.meetings.waiting import waiting_consultations
from council.papers.models import Paper
from council.voting.rules import ItemResult
from tests.agenda_scene import NOW, meeting, viewer, waiting_paper

START = dt.datetime(2025, 5, 6, 15, 30, tzinfo=dt.UTC)


def draft(world, **changes) -> MeetingDraft:
    start = changes.get("start", START)
    values = {
        "start": start,
        "end": start + dt.timedelta(hours=2),
        "mode": MeetingMode.IN_PERSON,
        "location_id": world.past_meeting.location_id,
    }
    values.update(changes)
    return MeetingDraft(**values)


async def create(sessions, world, persona: str = "secretariat", organization_id: int | None = None, **changes):
    async with sessions() as session, session.begin():
        who = await viewer(session, world, persona)
        created = await create_meeting(
            session, who, organization_id or world.committee.id, draft(world, **changes), NOW
        )
        return created.id


async def as_secretariat(sessions, world, meeting_id: int, operation) -> None:
    """``operation(session, meeting, secretariat)`` in one unit of work."""
    async with sessions() as session, session.begin():
        await operation(session, await meeting(session, meeting_id), await viewer(session, world, "secretariat"))


async def count_meetings(sessions) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Meeting)) or 0)


async def test_a_new_meeting_gets_the_next_running_number_of_its_term(sessions, world):
    first = await create(sessions, world)
    second = await create(sessions, world, start=START + dt.timedelta(days=28))
    board = await create(sessions, world, organization_id=world.advisory_board.id)
    async with sessions() as session:
        rows = await session.scalars(select(Meeting).options(selectinload(Meeting.organization)))
        numbers = {m.id: (m.number, m.state, m.name) for m in rows}
        audit = await session.scalar(select(func.count()).where(AuditEntry.action == "meeting.created"))
    assert numbers[first][:2] == (3, MeetingState.PLANNED)  # the world's committee had meetings 1 and 2
    assert numbers[first][2] == "3. Sitzung des Hauptausschusses"
    assert numbers[second][0] == 4
    assert numbers[board][0] == 1
    assert audit == 3


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
async def test_concurrent_creations_get_distinct_numbers(sessions, world):
    created = await asyncio.gather(*(create(sessions, world, start=START + dt.timedelta(days=7 * n)) for n in range(8)))
    async with sessions() as session:
        numbers = sorted(n for n in await session.scalars(select(Meeting.number).where(Meeting.id.in_(created))))
    assert numbers == list(range(3, 11))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"end": START - dt.timedelta(minutes=1)}, "end"),
        ({"mode": MeetingMode.HYBRID}, "mode"),
        ({"location_id": None}, "location"),
        ({"location_id": None, "new_location": LocationDraft("  ")}, "location_description"),
        ({"location_id": 999999}, "location"),
        ({"start": dt.datetime(2020, 1, 1, 12, tzinfo=dt.UTC), "end": None}, "start"),
    ],
    ids=["ends-before-start", "digital-not-allowed", "no-place", "unnamed-new-place", "unknown-place", "no-term"],
)
async def test_bad_meeting_input_is_refused_and_nothing_is_written(sessions, world, changes, field):
    before = await count_meetings(sessions)
    with pytest.raises(ValidationFailed) as refused:
        await create(sessions, world, **changes)
    assert field in refused.value.errors
    assert await count_meetings(sessions) == before


async def test_online_meetings_of_boards_that_may_meet_digitally_need_no_place(sessions, world):
    async with sessions() as session, session.begin():
        board = await session.get(type(world.advisory_board), world.advisory_board.id)
        board.digital_meetings_allowed = True
    meeting_id = await create(
        sessions, world, organization_id=world.advisory_board.id, mode=MeetingMode.ONLINE, location_id=None
    )
    async with sessions() as session:
        online = await meeting(session, meeting_id)
    assert online.mode is MeetingMode.ONLINE and online.location_id is None


async def test_a_new_place_is_created_with_the_meeting(sessions, world):
    place = LocationDraft("Bürgerhaus Nord", room="Saal 2", street_address="Nordring 4", postal_code="99999")
    meeting_id = await create(sessions, world, location_id=None, new_location=place)
    async with sessions() as session:
        created = await meeting(session, meeting_id)
        location = await session.get(Location, created.location_id)
    assert location.one_line == "Bürgerhaus Nord, Saal 2, Nordring 4, 99999"
    assert location.body_id == world.body.id


async def test_only_the_secretariat_schedules(sessions, world):
    for persona in ("chair", "member", "deputy", "other_committee_member"):
        with pytest.raises(PermissionDenied):
            await create(sessions, world, persona)
    with pytest.raises(ValidationFailed):
        await create(sessions, world, organization_id=world.faction.id)
    assert await count_meetings(sessions) == 2


async def test_moving_a_meeting_keeps_its_number_and_stays_in_its_term(sessions, world):
    meeting_id = await create(sessions, world)
    async with sessions() as session, session.begin():
        moved = await meeting(session, meeting_id)
        later = draft(world, start=START + dt.timedelta(days=2), end=None)
        await update_meeting(session, moved, await viewer(session, world, "secretariat"), later, NOW)
    async with sessions() as session:
        moved = await meeting(session, meeting_id)
        assert (moved.start, moved.number) == (START + dt.timedelta(days=2), 3)
    earlier = draft(world, start=dt.datetime(2020, 3, 1, 12, tzinfo=dt.UTC), end=None)
    with pytest.raises(ValidationFailed) as refused:
        await as_secretariat(sessions, world, meeting_id, lambda s, m, v: update_meeting(s, m, v, earlier, NOW))
    assert "start" in refused.value.errors
    with pytest.raises(ValidationFailed):
        await as_secretariat(
            sessions, world, world.past_meeting.id, lambda s, m, v: update_meeting(s, m, v, draft(world), NOW)
        )


async def test_cancelling_needs_a_reason_and_reinstating_restores_the_state(sessions, world):
    async def cancel(reason: str) -> None:
        async with sessions() as session, session.begin():
            target = await meeting(session, world.next_meeting.id)
            await cancel_meeting(session, target, await viewer(session, world, "secretariat"), reason, NOW)

    with pytest.raises(ValidationFailed) as refused:
        await cancel("   ")
    assert "reason" in refused.value.errors
    await cancel("Die Vorsitzende ist erkrankt.")
    async with sessions() as session:
        cancelled = await meeting(session, world.next_meeting.id)
        assert (cancelled.state, cancelled.cancellation_reason) == (
            MeetingState.CANCELLED,
            "Die Vorsitzende ist erkrankt.",
        )
    with pytest.raises(ValidationFailed):
        await cancel("noch einmal")
    async with sessions() as session, session.begin():
        target = await meeting(session, world.next_meeting.id)
        await reinstate_meeting(session, target, await viewer(session, world, "secretariat"), NOW)
    async with sessions() as session:
        back = await meeting(session, world.next_meeting.id)
        # The world's next meeting was invited before invitations were recorded: it returns planned.
        assert (back.state, back.cancellation_reason) == (MeetingState.PLANNED, None)
    with pytest.raises(ValidationFailed):
        await as_secretariat(
            sessions, world, world.past_meeting.id, lambda s, m, v: cancel_meeting(s, m, v, "zu spät", NOW)
        )


async def test_papers_of_postponed_items_and_cancelled_meetings_wait_again(sessions, world):
    async with sessions() as session, session.begin():
        consultation = await waiting_paper(session, world, "Kita-Gebühren")
        target = await meeting(session, world.next_meeting.id)
        item = await add_consultation(
            session, target, await viewer(session, world, "secretariat"), consultation.id, None, NOW
        )
        consultation_id, item_id = consultation.id, item.id

    async def waiting() -> list[int]:
        async with sessions() as session:
            return [c.id for c in await waiting_consultations(session, world.committee.id)]

    assert await waiting() == []
    async with sessions() as session, session.begin():
        (await session.get(AgendaItem, item_id)).result_kind = ItemResult.POSTPONED
    assert await waiting() == [consultation_id]
    async with sessions() as session, session.begin():
        (await session.get(AgendaItem, item_id)).result_kind = None
        target = await meeting(session, world.next_meeting.id)
        await cancel_meeting(session, target, await viewer(session, world, "secretariat"), "Ausfall", NOW)
    assert await waiting() == [consultation_id]

    # Put on another meeting, the paper blocks reinstating the cancelled one.
    other_id = await create(sessions, world)
    async with sessions() as session, session.begin():
        other = await meeting(session, other_id)
        await add_consultation(session, other, await viewer(session, world, "secretariat"), consultation_id, None, NOW)
    with pytest.raises(ValidationFailed) as refused:
        await as_secretariat(sessions, world, world.next_meeting.id, lambda s, m, v: reinstate_meeting(s, m, v, NOW))
    assert "anderen Sitzung" in refused.value.errors["state"]


async def test_a_paper_withdrawn_at_one_step_waits_nowhere(sessions, world):
    async with sessions() as session, session.begin():
        consultation = await waiting_paper(session, world, "Zurückgezogen")
        board_step = type(consultation)(
            paper_id=consultation.paper_id, organization_id=world.advisory_board.id, position=2, role=consultation.role
        )
        session.add(board_step)
        target = await meeting(session, world.next_meeting.id)
        item = await add_consultation(
            session, target, await viewer(session, world, "secretariat"), consultation.id, None, NOW
        )
        item.result_kind = ItemResult.WITHDRAWN
    async with sessions() as session:
        assert await waiting_consultations(session, world.advisory_board.id) == []


async def test_draft_and_withdrawn_papers_wait_for_no_meeting(sessions, world):
    async with sessions() as session, session.begin():
        draft = await waiting_paper(session, world, "Entwurf")
        withdrawn = await waiting_paper(session, world, "Vom Antragsteller zurückgezogen")
        waiting = await waiting_paper(session, world, "Bereit")
        (await session.get(Paper, draft.paper_id)).published_at = None
        paper = await session.get(Paper, withdrawn.paper_id)
        paper.withdrawn_at, paper.withdrawal_reason = NOW, "erledigt"
        waiting_id = waiting.id
    async with sessions() as session:
        assert [c.id for c in await waiting_consultations(session, world.committee.id)] == [waiting_id]


# --- attendance: deputies ---------------------------------------------------------------------------------


async def attend(sessions, world, entry: AttendanceEntry) -> None:
    async with sessions() as session, session.begin():
        target = await meeting(session, world.next_meeting.id)
        await record_attendance(session, target, await viewer(session, world, "secretariat"), entry)


async def test_a_deputy_stands_in_only_for_an_absent_member_of_the_same_faction(sessions, world):
    member, deputy = world.people["member"].id, world.people["deputy"].id
    await attend(sessions, world, AttendanceEntry(member, AttendanceStatus.PRESENT))
    with pytest.raises(ValidationFailed) as refused:
        await attend(sessions, world, AttendanceEntry(deputy, AttendanceStatus.PRESENT, substitutes_person_id=member))
    assert "selbst anwesend" in refused.value.errors["substitutes"]
    await attend(sessions, world, AttendanceEntry(member, AttendanceStatus.EXCUSED))
    arrived = dt.datetime.combine(world.next_meeting.start.date(), dt.time(16, 20), tzinfo=dt.UTC)
    await attend(
        sessions,
        world,
        AttendanceEntry(deputy, AttendanceStatus.PRESENT, arrived_at=arrived, substitutes_person_id=member),
    )
    async with sessions() as session:
        rows = {a.person_id: a for a in await session.scalars(select(Attendance))}
    assert rows[deputy].substitutes_person_id == member and rows[deputy].arrived_at == arrived
    assert rows[member].status is AttendanceStatus.EXCUSED


async def test_a_deputy_of_another_faction_is_refused(sessions, world):
    from council.bodies.models import Membership

    async with sessions() as session, session.begin():
        seat = await session.scalar(
            select(Membership).where(
                Membership.person_id == world.people["chair"].id, Membership.organization_id == world.committee.id
            )
        )
        seat.on_behalf_of_id = None
    await attend(sessions, world, AttendanceEntry(world.people["chair"].id, AttendanceStatus.ABSENT))
    with pytest.raises(ValidationFailed) as refused:
        await attend(
            sessions,
            world,
            AttendanceEntry(
                world.people["deputy"].id, AttendanceStatus.PRESENT, substitutes_person_id=world.people["chair"].id
            ),
        )
    assert "derselben Fraktion" in refused.value.errors["substitutes"]
