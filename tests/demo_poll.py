"""A named poll under way in the demo's next Hauptausschuss meeting, set up over HTTP against a real server.

Used by the tests that drive `council serve` in a subprocess (crash recovery, live updates across processes,
the browser). The demo has logins for only two of the committee's members, so the others get accounts through
the service layer, straight in the server's database, with the demo's published password.
"""

from __future__ import annotations

import asyncio
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import httpx
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from council.accounts.models import User
from council.accounts.service import create_user
from council.bodies.models import Body, Membership, MembershipRole, Organization
from council.db import create_engine, session_factory
from council.demo.logins import DEMO_PASSWORD
from council.meetings.models import AgendaItem, Meeting, MeetingState
from tests.web_helpers import csrf_token_from

COMMITTEE = "Hauptausschuss"
SECRETARIAT = "demo-sitzungsdienst"
POLL_ID = re.compile(r'action="/polls/(\d+)/open"')


@dataclass(frozen=True)
class Voter:
    username: str
    person_id: int


@dataclass(frozen=True)
class DemoMeeting:
    meeting_id: int
    item_id: int  # a public item
    voters: list[Voter]  # every regular member of the committee, each with a login


async def _prepare(database_url: str) -> DemoMeeting:
    engine = create_engine(database_url)
    try:
        async with session_factory(engine)() as session, session.begin():
            committee = await session.scalar(select(Organization).where(Organization.name == COMMITTEE))
            assert committee is not None, "the demo is not loaded"
            body = await session.get(Body, committee.body_id)
            assert body is not None
            meeting = await session.scalar(
                select(Meeting).where(Meeting.organization_id == committee.id, Meeting.state == MeetingState.INVITED)
            )
            assert meeting is not None
            item = await session.scalar(
                select(AgendaItem)
                .where(AgendaItem.meeting_id == meeting.id, AgendaItem.public.is_(True), AgendaItem.deleted.is_(False))
                .where(AgendaItem.title.like("Sachstand%"))
            )
            assert item is not None
            memberships = await session.scalars(
                select(Membership)
                .where(Membership.organization_id == committee.id, Membership.role != MembershipRole.DEPUTY)
                .where(Membership.voting_right.is_(True), Membership.end_date.is_(None))
                .order_by(Membership.person_id)
                .options(selectinload(Membership.person))
            )
            voters = []
            for membership in memberships:
                username = await session.scalar(select(User.username).where(User.person_id == membership.person_id))
                if username is None:
                    person = membership.person
                    user = await create_user(
                        session,
                        body=body,
                        username=f"ha-mitglied-{membership.person_id}",
                        password=DEMO_PASSWORD,
                        display_name=person.name,
                        person=person,
                    )
                    username = user.username
                voters.append(Voter(username, membership.person_id))
            return DemoMeeting(meeting.id, item.id, voters)
    finally:
        await engine.dispose()


def prepare_voters(database_url: str) -> DemoMeeting:
    """Logins for every regular member of the demo's next Hauptausschuss meeting.

    In a thread of its own: Playwright's sync API keeps an event loop running in the test's thread."""
    with ThreadPoolExecutor(max_workers=1) as executor:
        return executor.submit(asyncio.run, _prepare(database_url)).result()


def log_in(http: httpx.Client, username: str, password: str = DEMO_PASSWORD) -> str:
    """Log in; returns a CSRF token for later posts."""
    token = csrf_token_from(http.get("/login").text)
    response = http.post("/login", data={"_csrf_token": token, "username": username, "password": password})
    assert response.status_code == 303, response.text
    return csrf_token_from(http.get("/account").text)


def _post(http: httpx.Client, url: str, token: str, **fields: str) -> httpx.Response:
    response = http.post(url, data={"_csrf_token": token, **fields})
    assert response.status_code == 303, (url, response.status_code, response.text[:2000])
    return response


def open_named_poll(http: httpx.Client, demo: DemoMeeting) -> int:
    """As the secretariat (``http`` logged in): open the meeting, mark every member present, open a named poll."""
    token = csrf_token_from(http.get(f"/meetings/{demo.meeting_id}/console").text)
    _post(http, f"/meetings/{demo.meeting_id}/open", token)
    for voter in demo.voters:
        _post(http, f"/meetings/{demo.meeting_id}/attendance/", token, person=str(voter.person_id), status="present")
    _post(
        http,
        f"/meetings/{demo.meeting_id}/items/{demo.item_id}/polls",
        token,
        kind="named",
        subject="main",
        majority="simple",
        title="Beschlussvorschlag der Verwaltung",
    )
    match = POLL_ID.search(http.get(f"/meetings/{demo.meeting_id}/console").text)
    assert match, "the console offers no poll to open"
    poll_id = int(match.group(1))
    _post(http, f"/polls/{poll_id}/open", token)
    return poll_id


def cast(http: httpx.Client, poll_id: int, token: str, choice: str) -> httpx.Response:
    """A member's vote as a program sends it: the receipt comes back as JSON."""
    return http.post(
        f"/polls/{poll_id}/votes",
        data={"choice": choice},
        headers={"x-csrftoken": token, "accept": "application/json"},
    )
