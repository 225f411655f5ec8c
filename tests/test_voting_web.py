"""Voting over HTTP: the member's screen, the console, JSON errors, concurrency, permissions, non-public items."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from litestar.channels import ChannelsPlugin
from sqlalchemy import func, select

from council.accounts.service import create_user
from council.bodies.models import Membership, MembershipRole, Organization, OrganizationKind, Person
from council.meetings.models import AgendaItem, Attendance, AttendanceStatus, Meeting, MeetingState
from council.resolutions.models import Resolution
from council.voting.models import Poll, PollKind, PollState, Vote
from tests.voting_scene import build_scene, start_poll
from tests.web_helpers import csrf_token_from, log_in, submit_form
from tests.world import CONFIDENTIAL_MARKER, PASSWORD
from web.live import public_channel


async def token(http) -> str:
    return csrf_token_from((await http.get("/login")).text)


async def post_vote(http, poll_id: int, choice: str, csrf: str, json: bool = True):
    headers = {"x-csrftoken": csrf}
    if json:
        headers["accept"] = "application/json"
    return await http.post(f"/polls/{poll_id}/votes", data={"choice": choice}, headers=headers, follow_redirects=False)


async def test_member_votes_on_own_device_and_sees_the_receipt(sessions, world, login):
    scene = await build_scene(sessions, world)
    poll_id = await start_poll(sessions, world, scene.item_id)
    member = await login("member")
    screen = await member.get(f"/meetings/{scene.meeting_id}/vote")
    assert screen.status_code == 200
    assert 'name="choice" value="yes"' in screen.text
    chosen = await submit_form(member, f"/meetings/{scene.meeting_id}/vote", f"/polls/{poll_id}/votes", choice="yes")
    assert chosen.status_code == 200
    assert 'data-pending="yes"' in chosen.text
    assert 'name="confirm" value="1"' in chosen.text
    response = await member.post(
        f"/polls/{poll_id}/votes",
        data={"_csrf_token": csrf_token_from(chosen.text), "choice": "yes", "confirm": "1"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    after = await member.get(f"/meetings/{scene.meeting_id}/vote")
    assert "Ihre Stimme: Ja" in after.text
    assert 'name="choice" value="yes"' not in after.text


async def test_choosing_a_vote_on_screen_stores_nothing_until_confirmed(sessions, world, login):
    scene = await build_scene(sessions, world)
    poll_id = await start_poll(sessions, world, scene.item_id)
    member = await login("member")
    screen = f"/meetings/{scene.meeting_id}/vote"
    chosen = await submit_form(member, screen, f"/polls/{poll_id}/votes", choice="no")
    assert chosen.status_code == 200
    assert "Ihre Stimme: Nein" in chosen.text
    assert f'href="{screen}"' in chosen.text  # "Ändern" goes back to the buttons
    # A live push refreshes the panel: the choice waiting for confirmation stays on screen.
    panel = await member.get(f"{screen}/panel?choice=no")
    assert 'data-pending="no"' in panel.text
    assert 'hx-swap-oob="innerHTML"' in panel.text
    assert "Bitte bestätigen" in panel.text
    assert 'data-pending="' not in (await member.get(f"{screen}/panel?choice=vielleicht")).text
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Vote).where(Vote.poll_id == poll_id)) == 0
    bad = await submit_form(member, screen, f"/polls/{poll_id}/votes", choice="vielleicht")
    assert bad.status_code == 400


async def test_choosing_is_refused_like_casting_for_a_member_who_may_not_vote(sessions, world, login):
    scene = await build_scene(sessions, world)
    poll_id = await start_poll(sessions, world, scene.item_id)
    outsider = await login("other_committee_member")
    csrf = await token(outsider)
    refused = await outsider.post(f"/polls/{poll_id}/votes", data={"_csrf_token": csrf, "choice": "yes"})
    assert refused.status_code == 403
    member = await login("member")
    assert (await post_vote(member, poll_id, "yes", await token(member))).status_code == 201
    again = await submit_form(member, f"/meetings/{scene.meeting_id}/vote", f"/polls/{poll_id}/votes", choice="no")
    assert again.status_code == 409
    assert "bereits abgestimmt" in again.text
    assert 'data-pending="' not in again.text


async def test_refused_votes_answer_json_errors_and_change_nothing(sessions, world, login, client):
    scene = await build_scene(sessions, world)
    poll_id = await start_poll(sessions, world, scene.item_id)
    member = await login("member")
    csrf = await token(member)
    first = await post_vote(member, poll_id, "yes", csrf)
    assert first.status_code == 201
    assert first.json()["choice"] == "yes"
    second = await post_vote(member, poll_id, "no", csrf)
    assert second.status_code == 409
    assert "bereits abgestimmt" in second.json()["detail"]
    bad = await post_vote(member, poll_id, "vielleicht", csrf)
    assert bad.status_code == 400
    outsider = await login("other_committee_member")
    refused = await post_vote(outsider, poll_id, "yes", await token(outsider))
    assert refused.status_code == 403
    anonymous = await post_vote(client, poll_id, "yes", await token(client))
    assert anonymous.status_code in (401, 303)
    async with sessions() as session:
        choices = list(await session.scalars(select(Vote.choice).where(Vote.poll_id == poll_id)))
    assert choices == ["yes"]


async def test_a_refused_vote_in_the_browser_rerenders_the_screen_with_the_reason(sessions, world, login):
    scene = await build_scene(sessions, world)
    poll_id = await start_poll(sessions, world, scene.item_id)
    member = await login("member")
    csrf = await token(member)
    assert (await post_vote(member, poll_id, "yes", csrf)).status_code == 201
    again = await post_vote(member, poll_id, "no", csrf, json=False)
    assert again.status_code == 409
    assert "bereits abgestimmt" in again.text


async def test_hundred_concurrent_requests_for_one_member_store_one_vote(sessions, world, login):
    scene = await build_scene(sessions, world)
    poll_id = await start_poll(sessions, world, scene.item_id)
    member = await login("member")
    csrf = await token(member)
    responses = await asyncio.gather(*(post_vote(member, poll_id, "yes", csrf) for _ in range(100)))
    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(201) == 1
    assert set(statuses) == {201, 409}
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Vote).where(Vote.poll_id == poll_id)) == 1


async def _big_committee(sessions, world, size: int) -> tuple[int, int, list[str]]:
    """A committee of ``size`` members, all present in an opened meeting; returns meeting, item, usernames."""
    async with sessions() as session, session.begin():
        org = Organization(
            body_id=world.body.id, kind=OrganizationKind.COMMITTEE, name="Großer Ausschuss", statutory_seats=size
        )
        session.add(org)
        await session.flush()
        meeting = Meeting(
            organization_id=org.id,
            legislative_term_id=world.next_meeting.legislative_term_id,
            number=1,
            start=dt.datetime.now(dt.UTC),
            state=MeetingState.OPENED,
        )
        session.add(meeting)
        await session.flush()
        item = AgendaItem(meeting_id=meeting.id, position=1, number="Ö 1", title="Haushaltssatzung")
        session.add(item)
        usernames = []
        for index in range(size):
            person = Person(body_id=world.body.id, given_name="Mitglied", family_name=f"Nr{index:03d}")
            session.add(person)
            await session.flush()
            session.add(
                Membership(
                    person_id=person.id,
                    organization_id=org.id,
                    role=MembershipRole.MEMBER,
                    start_date=dt.date(2024, 1, 1),
                )
            )
            session.add(Attendance(meeting_id=meeting.id, person_id=person.id, status=AttendanceStatus.PRESENT))
            user = await create_user(
                session,
                body=world.body,
                username=f"mitglied-{index:03d}",
                password=PASSWORD,
                display_name=person.name,
                person=person,
                roles=[],
            )
            usernames.append(user.username)
        await session.flush()
        return meeting.id, item.id, usernames


async def test_sixty_members_voting_at_once_are_all_counted(sessions, world, running_app):
    from tests.conftest import browser_client

    _, item_id, usernames = await _big_committee(sessions, world, 60)
    poll_id = await start_poll(sessions, world, item_id)
    clients = [browser_client(running_app) for _ in usernames]
    try:
        await asyncio.gather(*(log_in(c, name, PASSWORD) for c, name in zip(clients, usernames, strict=True)))
        tokens = await asyncio.gather(*(token(c) for c in clients))
        choices = ["yes"] * 40 + ["no"] * 15 + ["abstain"] * 5
        responses = await asyncio.gather(
            *(post_vote(c, poll_id, choice, t) for c, choice, t in zip(clients, choices, tokens, strict=True))
        )
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))
    assert [r.status_code for r in responses] == [201] * 60
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Vote).where(Vote.poll_id == poll_id)) == 60
    from tests.test_voting import close

    poll = await close(sessions, world, poll_id)
    assert poll.counts == "Ja: 40, Nein: 15, Enthaltungen: 5, Befangen: 0"
    assert poll.wording == "mehrheitlich beschlossen"


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
async def test_parallel_closes_get_gapless_distinct_resolution_numbers(sessions, world, login):
    polls = []
    for index in range(8):
        async with sessions() as session, session.begin():
            meeting = Meeting(
                organization_id=world.committee.id,
                legislative_term_id=world.next_meeting.legislative_term_id,
                number=10 + index,
                start=dt.datetime.now(dt.UTC),
                state=MeetingState.OPENED,
            )
            session.add(meeting)
            await session.flush()
            item = AgendaItem(meeting_id=meeting.id, position=1, number="Ö 1", title=f"Punkt {index}")
            session.add(item)
            session.add_all(
                Attendance(meeting_id=meeting.id, person_id=world.people[p].id, status=AttendanceStatus.PRESENT)
                for p in ("chair", "member")
            )
            await session.flush()
            item_id = item.id
        polls.append(await start_poll(sessions, world, item_id, PollKind.OPEN))
    secretariat = await login("secretariat")
    csrf = await token(secretariat)
    responses = await asyncio.gather(
        *(
            secretariat.post(
                f"/polls/{poll_id}/close",
                data={"yes": "2", "no": "0", "abstain": "0"},
                headers={"x-csrftoken": csrf},
                follow_redirects=False,
            )
            for poll_id in polls
        )
    )
    assert [r.status_code for r in responses] == [303] * 8
    async with sessions() as session:
        seqs = sorted(await session.scalars(select(Resolution.seq)))
    assert seqs == list(range(1, 9))


async def test_console_runs_a_show_of_hands_from_creation_to_result(sessions, world, login, client):
    scene = await build_scene(sessions, world)
    secretariat = await login("secretariat")
    console = f"/meetings/{scene.meeting_id}/console"
    created = await submit_form(
        secretariat,
        console,
        f"/meetings/{scene.meeting_id}/items/{scene.item_id}/polls",
        kind="open",
        subject="main",
        majority="simple",
        title="Beschlussvorschlag der Verwaltung",
    )
    assert created.status_code == 303
    async with sessions() as session:
        poll_id = await session.scalar(select(Poll.id).where(Poll.agenda_item_id == scene.item_id))
    assert (await submit_form(secretariat, console, f"/polls/{poll_id}/open")).status_code == 303
    too_many = await submit_form(secretariat, console, f"/polls/{poll_id}/close", yes="5", no="0", abstain="0")
    assert too_many.status_code == 400
    assert "mehr Stimmen" in too_many.text
    closed = await submit_form(secretariat, console, f"/polls/{poll_id}/close", yes="1", no="1", abstain="0")
    assert closed.status_code == 303
    page = await secretariat.get(console)
    assert "Ja: 1, Nein: 1, Enthaltungen: 0, Befangen: 0" in page.text
    live = await client.get(f"/meetings/{scene.meeting_id}/live")
    assert 'data-state="closed"' in live.text
    assert "abgelehnt" in live.text


async def test_console_form_errors_rerender_with_messages(sessions, world, login):
    scene = await build_scene(sessions, world)
    secretariat = await login("secretariat")
    console = f"/meetings/{scene.meeting_id}/console"
    bad = await submit_form(
        secretariat, console, f"/meetings/{scene.meeting_id}/items/{scene.item_id}/polls", kind="lottery"
    )
    assert bad.status_code == 400
    assert "Art der Abstimmung" in bad.text
    wrong_item = await submit_form(secretariat, console, f"/meetings/{scene.meeting_id}/items/999999/result")
    assert wrong_item.status_code == 400
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Poll)) == 0


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("visitor", 303),
        ("member", 403),
        ("deputy", 403),
        ("other_committee_member", 403),
        ("chair", 200),
        ("secretariat", 200),
        ("admin", 200),
    ],
)
async def test_console_roll_call_and_attendance_per_persona(persona, status, sessions, world, login, client):
    scene = await build_scene(sessions, world)
    poll_id = await start_poll(sessions, world, scene.item_id)
    http = client if persona == "visitor" else await login(persona)
    for url in (
        f"/meetings/{scene.meeting_id}/console",
        f"/polls/{poll_id}/roll-call",
        f"/meetings/{scene.meeting_id}/attendance",
    ):
        response = await http.get(url, follow_redirects=False)
        assert response.status_code == status, (persona, url)
    csrf = await token(http)
    for url in (
        f"/polls/{poll_id}/close",
        f"/polls/{poll_id}/cancel",
        f"/meetings/{scene.meeting_id}/close",
        f"/meetings/{scene.meeting_id}/items/{scene.item_id}/polls",
        f"/meetings/{scene.meeting_id}/items/{scene.item_id}/result",
        f"/meetings/{scene.meeting_id}/attendance",
        f"/polls/{poll_id}/roll-call",
    ):
        response = await http.post(url, data={"_csrf_token": csrf}, follow_redirects=False)
        if status == 200:
            assert response.status_code in (303, 400, 409), (persona, url, response.status_code)
        else:
            assert response.status_code == status, (persona, url, response.status_code)
    async with sessions() as session:
        state = await session.scalar(select(Poll.state).where(Poll.id == poll_id))
    assert (state is PollState.OPEN) == (status != 200)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("visitor", 303),
        ("member", 200),
        ("chair", 200),
        ("deputy", 200),
        ("secretariat", 403),
        ("other_committee_member", 403),
    ],
)
async def test_vote_screen_per_persona(persona, status, sessions, world, login, client):
    scene = await build_scene(sessions, world)
    http = client if persona == "visitor" else await login(persona)
    for url in (f"/meetings/{scene.meeting_id}/vote", f"/meetings/{scene.meeting_id}/vote/panel"):
        assert (await http.get(url, follow_redirects=False)).status_code == status, (persona, url)


async def test_live_pages_never_show_a_non_public_poll_to_the_public(sessions, world, login, client, running_app):
    scene = await build_scene(sessions, world)
    await start_poll(sessions, world, scene.confidential_item_id)
    channels = running_app.plugins.get(ChannelsPlugin)
    async with channels.start_subscription([public_channel("council", scene.meeting_id)]) as subscriber:
        await running_app.state.broadcaster.push(scene.meeting_id)
        pushed = await asyncio.wait_for(anext(subscriber.iter_events()), timeout=5)
    assert CONFIDENTIAL_MARKER not in pushed.decode()
    for url in ("live", "live/panel", "projector"):
        page = await client.get(f"/meetings/{scene.meeting_id}/{url}")
        assert page.status_code == 200
        assert CONFIDENTIAL_MARKER not in page.text
        assert "Zurzeit läuft keine Abstimmung" in page.text
    member = await login("member")
    assert CONFIDENTIAL_MARKER in (await member.get(f"/meetings/{scene.meeting_id}/live")).text


async def test_closing_pushes_the_result_to_public_listeners(sessions, world, login, running_app):
    scene = await build_scene(sessions, world)
    poll_id = await start_poll(sessions, world, scene.item_id)
    secretariat = await login("secretariat")
    csrf = await token(secretariat)
    channels = running_app.plugins.get(ChannelsPlugin)
    async with channels.start_subscription([public_channel("council", scene.meeting_id)]) as subscriber:
        closed = await secretariat.post(
            f"/polls/{poll_id}/close", headers={"x-csrftoken": csrf}, follow_redirects=False
        )
        assert closed.status_code == 303
        pushed = await asyncio.wait_for(anext(subscriber.iter_events()), timeout=5)
    assert pushed.startswith(b"event: live\r\n") and b'data-state="closed"' in pushed


async def test_a_vote_from_a_program_loads_the_poll_once(sessions, world, login):
    """The request itself sends no statement: the signed-in viewer comes from the cache and the vote goes to the
    ballot box, whose writer has its own budget (tests/test_ballot_box.py). It was 23 statements once, then 18,
    then 5. Unknown polls still answer 404."""
    from council.querycount import counting_statements

    scene = await build_scene(sessions, world)
    poll_id = await start_poll(sessions, world, scene.item_id)
    member = await login("member")
    csrf = await token(member)
    with counting_statements() as count:
        cast = await post_vote(member, poll_id, "yes", csrf)
    assert cast.status_code == 201
    assert count.statements == 0
    assert (await post_vote(member, 999999, "yes", csrf)).status_code == 404
    assert (await post_vote(member, 999999, "yes", csrf, json=False)).status_code == 404


async def test_a_member_declares_a_conflict_on_the_vote_screen_and_sees_it_instead_of_the_buttons(
    sessions, world, login
):
    scene = await build_scene(sessions, world)
    await start_poll(sessions, world, scene.item_id)
    member = await login("member")
    screen = f"/meetings/{scene.meeting_id}/vote"
    declared = await submit_form(
        member, screen, f"/meetings/{scene.meeting_id}/items/{scene.item_id}/conflicts", reason="Anlieger"
    )
    assert declared.status_code == 303
    assert declared.headers["location"] == screen
    panel = (await member.get(f"{screen}/panel")).text
    assert "Sie haben sich für diesen Punkt für befangen erklärt" in panel
    assert 'name="choice"' not in panel
    assert "Ich bin befangen" not in panel
    # Another member's screen: no such notice, the buttons.
    other = (await (await login("chair")).get(f"{screen}/panel")).text
    assert "befangen erklärt" not in other
    assert 'name="choice" value="yes"' in other


async def test_a_vote_panel_costs_nine_statements(sessions, world, login):
    """Every member's screen fetches its panel when a poll opens or closes: it reads the roll once, the meeting
    once, in nine statements (it was twenty: the meeting twice, the poll in three steps, the conflicts again)."""
    from council.querycount import counting_statements

    scene = await build_scene(sessions, world)
    await start_poll(sessions, world, scene.item_id)
    member = await login("member")
    await member.get(f"/meetings/{scene.meeting_id}/vote/panel")  # the viewer cached, as on a screen in use
    with counting_statements() as count:
        panel = await member.get(f"/meetings/{scene.meeting_id}/vote/panel")
    assert panel.status_code == 200
    assert count.statements <= 9
