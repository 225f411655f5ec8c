"""A held meeting with everything the minutes must record, and a later meeting that can approve them.

The world's next meeting becomes the held one: five voting seats, an excused member whose deputy stands in, a
member absent without excuse, a befangen member, a named, an open and a secret poll, and a non-public item.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from council.bodies.models import Membership, MembershipRole, Organization, Person
from council.meetings.attendance import close_meeting, load_meeting
from council.meetings.models import AgendaItem, Attendance, AttendanceStatus, Meeting, MeetingState
from council.minutes.service import create_minutes
from council.papers.models import Consultation, ConsultationRole, Paper, PaperKind
from council.voting.ballots import cast_vote
from council.voting.conflicts import declare_conflict
from council.voting.models import PollKind, PollSubject
from council.voting.polls import PollDraft, close_poll, create_poll, open_poll
from council.voting.rules import Choice, Tally
from tests.voting_scene import viewer
from tests.world import CONFIDENTIAL_MARKER, World

PUBLIC_TEXT = "Der Ausschuss beschließt die Sanierung des Spielplatzes Lindenstraße."
CONFLICT_REASON = f"Grundstücksnachbarin {CONFIDENTIAL_MARKER}"


@dataclass
class MinutesScene:
    meeting_id: int
    public_item_id: int
    confidential_item_id: int
    later_meeting_id: int
    approval_item_id: int
    named_poll_id: int
    open_poll_id: int
    secret_poll_id: int
    people: dict[str, int]


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def _people(session: AsyncSession, world: World) -> dict[str, int]:
    committee = await session.get(Organization, world.committee.id)
    assert committee is not None
    committee.statutory_seats = 5
    extra = {
        "befangen": Person(body_id=world.body.id, given_name="Berta", family_name="Befangen"),
        "excused": Person(body_id=world.body.id, given_name="Erik", family_name="Entschuldigt"),
        "absent": Person(body_id=world.body.id, given_name="Udo", family_name="Unentschuldigt"),
    }
    session.add_all(extra.values())
    await session.flush()
    faction = {"befangen": world.faction.id, "excused": world.faction.id, "absent": None}
    session.add_all(
        Membership(
            person_id=person.id,
            organization_id=committee.id,
            role=MembershipRole.MEMBER,
            on_behalf_of_id=faction[key],
            start_date=dt.date(2024, 7, 1),
        )
        for key, person in extra.items()
    )
    ids = {key: p.id for key, p in world.people.items()}
    return ids | {key: p.id for key, p in extra.items()}


async def _agenda(session: AsyncSession, world: World) -> tuple[int, int]:
    paper = Paper(
        body_id=world.body.id,
        reference="VO/2024/00009",
        kind=PaperKind.RESOLUTION_PROPOSAL,
        title="Sanierung Spielplatz Lindenstraße",
        date=dt.date(2024, 9, 1),
        proposed_resolution=PUBLIC_TEXT,
    )
    session.add(paper)
    await session.flush()
    consultation = Consultation(
        paper_id=paper.id, organization_id=world.committee.id, position=1, role=ConsultationRole.DECISION
    )
    session.add(consultation)
    await session.flush()
    public = AgendaItem(
        meeting_id=world.next_meeting.id,
        position=1,
        number="Ö 1",
        title="Spielplatz Lindenstraße",
        consultation_id=consultation.id,
    )
    hidden = AgendaItem(
        meeting_id=world.next_meeting.id,
        position=2,
        number="N 1",
        public=False,
        title=f"Personalsache {CONFIDENTIAL_MARKER}",
        resolution_text=f"Die Stelle wird besetzt. {CONFIDENTIAL_MARKER}",
    )
    session.add_all([public, hidden])
    await session.flush()
    return public.id, hidden.id


async def _later_meeting(session: AsyncSession, world: World, held: Meeting) -> tuple[int, int]:
    later = Meeting(
        organization_id=world.committee.id,
        legislative_term_id=held.legislative_term_id,
        number=3,
        start=held.start + dt.timedelta(days=28),
        location_id=held.location_id,
        state=MeetingState.OPENED,
    )
    session.add(later)
    await session.flush()
    opening = AgendaItem(meeting_id=later.id, position=1, number="Ö 1", title="Eröffnung")
    approval = AgendaItem(
        meeting_id=later.id, position=2, number="Ö 2", title="Genehmigung der Niederschrift der 2. Sitzung"
    )
    session.add_all([opening, approval])
    await session.flush()
    return later.id, approval.id


async def _prepare(sessions: async_sessionmaker[AsyncSession], world: World) -> MinutesScene:
    async with sessions() as session, session.begin():
        people = await _people(session, world)
        public_id, hidden_id = await _agenda(session, world)
        held = await session.get(Meeting, world.next_meeting.id)
        assert held is not None
        held.state = MeetingState.OPENED
        present = ("chair", "member", "befangen")
        session.add_all(
            Attendance(meeting_id=held.id, person_id=people[p], status=AttendanceStatus.PRESENT) for p in present
        )
        session.add(
            Attendance(meeting_id=held.id, person_id=people["excused"], status=AttendanceStatus.EXCUSED, note="Urlaub")
        )
        session.add(
            Attendance(
                meeting_id=held.id,
                person_id=people["deputy"],
                status=AttendanceStatus.PRESENT,
                substitutes_person_id=people["excused"],
            )
        )
        later_id, approval_id = await _later_meeting(session, world, held)
        return MinutesScene(held.id, public_id, hidden_id, later_id, approval_id, 0, 0, 0, people)


async def _poll(
    sessions: async_sessionmaker[AsyncSession],
    world: World,
    item_id: int,
    kind: PollKind,
    subject: PollSubject,
    title: str,
    motion: str | None = None,
) -> int:
    async with sessions() as session, session.begin():
        secretariat = await viewer(session, world, "secretariat")
        item = await session.get(AgendaItem, item_id)
        assert item is not None
        meeting = await load_meeting(session, item.meeting_id)
        poll = await create_poll(session, item, meeting, secretariat, PollDraft(kind, subject, title, motion))
        await open_poll(session, poll.id, secretariat, now())
        return poll.id


async def _votes(sessions: async_sessionmaker[AsyncSession], world: World, poll_id: int, **choices: Choice) -> None:
    for persona, choice in choices.items():
        async with sessions() as session, session.begin():
            await cast_vote(session, poll_id, await viewer(session, world, persona), choice, now())


async def _close(
    sessions: async_sessionmaker[AsyncSession], world: World, poll_id: int, counts: Tally | None = None
) -> None:
    async with sessions() as session, session.begin():
        await close_poll(session, poll_id, await viewer(session, world, "secretariat"), now(), counts)


async def hold_meeting(sessions: async_sessionmaker[AsyncSession], world: World) -> MinutesScene:
    """Everything up to the closed meeting; the minutes are not created yet."""
    scene = await _prepare(sessions, world)
    async with sessions() as session, session.begin():
        secretariat = await viewer(session, world, "secretariat")
        await declare_conflict(
            session, scene.public_item_id, secretariat, scene.people["befangen"], CONFLICT_REASON, now()
        )
    scene.open_poll_id = await _poll(
        sessions, world, scene.public_item_id, PollKind.OPEN, PollSubject.AMENDMENT, "Änderungsantrag Fraktion Blau"
    )
    await _close(sessions, world, scene.open_poll_id, Tally(2, 1, 0, 0))
    scene.named_poll_id = await _poll(
        sessions, world, scene.public_item_id, PollKind.NAMED, PollSubject.MAIN, "Beschlussvorschlag", PUBLIC_TEXT
    )
    await _votes(sessions, world, scene.named_poll_id, chair=Choice.YES, member=Choice.NO, deputy=Choice.YES)
    await _close(sessions, world, scene.named_poll_id)
    scene.secret_poll_id = await _poll(
        sessions, world, scene.confidential_item_id, PollKind.SECRET, PollSubject.MAIN, "Stellenbesetzung"
    )
    await _votes(sessions, world, scene.secret_poll_id, chair=Choice.YES, member=Choice.YES, deputy=Choice.NO)
    await _close(sessions, world, scene.secret_poll_id)
    async with sessions() as session, session.begin():
        meeting = await load_meeting(session, scene.meeting_id)
        await close_meeting(session, meeting, await viewer(session, world, "secretariat"), now())
    return scene


async def minutes_scene(sessions: async_sessionmaker[AsyncSession], world: World) -> MinutesScene:
    """The held meeting with its draft minutes, created by the secretariat."""
    scene = await hold_meeting(sessions, world)
    async with sessions() as session, session.begin():
        await create_minutes(session, scene.meeting_id, await viewer(session, world, "secretariat"), now())
    return scene
