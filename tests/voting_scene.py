"""A meeting under way for voting tests: the world's next meeting, opened, with its members present."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from council.accounts.service import load_viewer
from council.accounts.viewer import Viewer
from council.bodies.models import Body
from council.meetings.attendance import load_meeting
from council.meetings.models import AgendaItem, Attendance, AttendanceStatus, Meeting, MeetingState
from council.voting.models import PollKind, PollSubject
from council.voting.polls import PollDraft, create_poll, open_poll
from tests.world import CONFIDENTIAL_MARKER, World


@dataclass
class Scene:
    meeting_id: int
    item_id: int
    confidential_item_id: int


NOW = dt.datetime.now(dt.UTC)


async def viewer(session: AsyncSession, world: World, persona: str) -> Viewer:
    return await load_viewer(session, world.users[persona].id)


async def configure_body(sessions: async_sessionmaker[AsyncSession], world: World, **settings: object) -> None:
    """Set the body's voting settings (rule set, votes changeable) before a poll opens."""
    async with sessions() as session, session.begin():
        body = await session.get(Body, world.body.id)
        assert body is not None
        for name, value in settings.items():
            setattr(body, name, value)


async def build_scene(
    sessions: async_sessionmaker[AsyncSession], world: World, *, present: tuple[str, ...] = ("chair", "member")
) -> Scene:
    async with sessions() as session, session.begin():
        meeting = await session.get(Meeting, world.next_meeting.id)
        assert meeting is not None
        meeting.state = MeetingState.OPENED
        item = AgendaItem(meeting_id=meeting.id, position=1, number="Ö 1", title="Spielplatz Lindenstraße")
        hidden = AgendaItem(
            meeting_id=meeting.id, position=2, number="N 1", public=False, title=f"Personalsache {CONFIDENTIAL_MARKER}"
        )
        session.add_all([item, hidden])
        session.add_all(
            Attendance(meeting_id=meeting.id, person_id=world.people[p].id, status=AttendanceStatus.PRESENT)
            for p in present
        )
        await session.flush()
        return Scene(meeting.id, item.id, hidden.id)


async def start_poll(
    sessions: async_sessionmaker[AsyncSession],
    world: World,
    item_id: int,
    kind: PollKind = PollKind.NAMED,
    subject: PollSubject = PollSubject.MAIN,
    *,
    open_it: bool = True,
) -> int:
    """Create (and open) a poll as the secretariat; returns its id."""
    async with sessions() as session, session.begin():
        secretariat = await viewer(session, world, "secretariat")
        item = await session.get(AgendaItem, item_id)
        assert item is not None
        meeting = await load_meeting(session, item.meeting_id)
        poll = await create_poll(session, item, meeting, secretariat, PollDraft(kind, subject, "Beschlussvorschlag"))
        if open_it:
            await open_poll(session, poll.id, secretariat, dt.datetime.now(dt.UTC))
        return poll.id
