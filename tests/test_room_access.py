"""Who else enters the meeting room, over real WebSockets: invited guests by a signed link through the lobby,
anonymous visitors of the public listen-only stream (held during non-public items, bounded in number), and the
members already inside when the meeting is opened."""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from council.meetings.models import AgendaItem, Attendance, Meeting, MeetingMode, MeetingState
from council.meetings.room_access import GuestPass, sign_guest_pass
from council.settings import Settings, load_settings
from media.bots import Bot, opus_tone
from tests.room_client import RoomClient, answer_offers, close_code, join_with_bot, room_client, served
from tests.web_helpers import submit_form
from tests.world import CONFIDENTIAL_MARKER

pytestmark = pytest.mark.timeout(120)

SECRET = "test-secret-key-that-is-long-enough-0123456789"


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return load_settings(
        {
            "COUNCIL_ENV": "test",
            "COUNCIL_DATABASE_URL": database_url,
            "COUNCIL_VAR_DIR": str(tmp_path / "var"),
            "COUNCIL_SECRET_KEY": SECRET,
            "COUNCIL_MEDIA_RECONNECT_GRACE_SECONDS": "1",
            "COUNCIL_MEDIA_HOST_ADDRESSES": "127.0.0.1",
        }
    )


async def _online(sessions, meeting_id: int, state: MeetingState) -> int:
    """The meeting online, with a public item first and a non-public one second."""
    async with sessions() as session, session.begin():
        meeting = await session.get(Meeting, meeting_id)
        assert meeting is not None
        meeting.mode = MeetingMode.ONLINE
        meeting.state = state
        session.add_all(
            [
                AgendaItem(meeting_id=meeting_id, position=1, number="Ö 1", title="Spielplatz am Markt"),
                AgendaItem(
                    meeting_id=meeting_id,
                    position=2,
                    number="N 1",
                    public=False,
                    title=f"Personal {CONFIDENTIAL_MARKER}",
                ),
            ]
        )
    return meeting_id


@pytest.fixture
async def public_meeting(world, sessions) -> int:
    return await _online(sessions, world.next_meeting.id, MeetingState.OPENED)


@pytest.fixture
async def base(running_app):
    async with served(running_app) as url:
        yield url


async def attendance(sessions, meeting_id: int) -> list[Attendance]:
    async with sessions() as session:
        return list(await session.scalars(select(Attendance).where(Attendance.meeting_id == meeting_id)))


async def guest_link(login, meeting_id: int, name: str, persona: str = "secretariat") -> str:
    """The secretariat invites a guest on the room's guest page; the token from the link it shows."""
    http = await login(persona)
    response = await submit_form(http, f"/meetings/{meeting_id}/room/guests", name=name)
    assert response.status_code == 201, response.text
    found = re.search(r'id="guest-link" type="text" readonly value="([^"]+)"', response.text)
    assert found, "the page shows the new link"
    link = html.unescape(found[1])
    assert urlsplit(link).path == f"/meetings/{meeting_id}/room/guest"
    return parse_qs(urlsplit(link).query)["token"][0]


async def joined(client: RoomClient) -> dict[str, Any]:
    welcome = await client.expect("welcome")
    await client.send({"type": "join"})
    await client.expect("joined")
    return welcome


async def state_where(client: RoomClient, test) -> dict[str, Any]:
    while True:
        state = await client.expect("state")
        if test(state):
            return state


async def test_guest_waits_in_the_lobby_until_admitted_and_is_no_attendance(
    base, login, client, world, public_meeting, sessions
):
    token = await guest_link(login, public_meeting, "Dr. Erika Expertin")
    page = await client.get(f"/meetings/{public_meeting}/room/guest", params={"token": token})
    assert page.status_code == 200
    assert 'data-role="guest"' in page.text and "Dr. Erika Expertin" in page.text
    assert CONFIDENTIAL_MARKER not in page.text
    ice = await client.get(f"/meetings/{public_meeting}/room/ice", params={"guest": token})
    assert ice.status_code == 200 and "iceServers" in ice.json()
    async with (
        room_client(base, public_meeting, world.username("chair")) as chair,
        room_client(base, public_meeting, world.username("member")) as member,
        room_client(base, public_meeting, None, query=f"?guest={token}") as guest,
    ):
        await joined(chair)
        await joined(member)
        welcome = await guest.expect("welcome")
        assert welcome["role"] == "guest" and "lobby" not in welcome
        await guest.send({"type": "join"})
        await guest.expect("lobby")
        await guest.send({"type": "hand", "raised": True})  # no seat yet: nothing but waiting
        assert (await guest.expect("error"))["code"] == "out_of_order"
        state = await state_where(chair, lambda s: s["lobby"])
        [waiting] = state["lobby"]
        assert waiting["name"] == "Dr. Erika Expertin"
        assert all("lobby" not in m for m in member.seen if m["type"] in ("state", "welcome"))
        await member.send({"type": "admit", "target": waiting["id"]})
        assert (await member.expect("error"))["code"] == "forbidden"
        await chair.send({"type": "admit", "target": "g-nobody"})
        assert (await chair.expect("error"))["code"] == "unknown_participant"
        await chair.send({"type": "admit", "target": waiting["id"]})
        assert (await guest.expect("joined"))["you"] == waiting["id"]
        state = await state_where(member, lambda s: any(p["id"] == waiting["id"] for p in s["participants"]))
        assert {p["role"] for p in state["participants"]} == {"chair", "member", "guest"}
        # The guest does not see the title of the non-public item when the chair calls it (after the public one).
        await chair.send({"type": "next_item"})
        await state_where(guest, lambda s: (s["item"] or {}).get("number") == "Ö 1")
        await chair.send({"type": "next_item"})
        state = await state_where(guest, lambda s: (s["item"] or {}).get("public") is False)
        assert state["item"] == {"public": False}
        member_state = await state_where(member, lambda s: (s["item"] or {}).get("number") == "N 1")
        assert CONFIDENTIAL_MARKER in member_state["item"]["title"]
        assert all(CONFIDENTIAL_MARKER not in str(m) for m in guest.seen)
    rows = await attendance(sessions, public_meeting)
    assert {row.person_id for row in rows} == {world.users["chair"].person_id, world.users["member"].person_id}


async def test_rejected_and_revoked_guests_are_closed_out(base, login, world, public_meeting):
    first = await guest_link(login, public_meeting, "Gast Eins")
    second = await guest_link(login, public_meeting, "Gast Zwei", persona="chair")
    # A guest who has a login elsewhere (a member of another committee) still enters as the link's guest.
    outsider = world.username("other_committee_member")
    async with (
        room_client(base, public_meeting, world.username("secretariat")) as leader,
        room_client(base, public_meeting, outsider, query=f"?guest={first}") as one,
    ):
        await joined(leader)
        assert (await one.expect("welcome"))["role"] == "guest"
        await one.send({"type": "join"})
        await one.expect("lobby")
        [waiting] = (await state_where(leader, lambda s: s["lobby"]))["lobby"]
        assert waiting["name"] == "Gast Eins"
        async with room_client(base, public_meeting, None, query=f"?guest={first}") as again:  # a second window
            await again.expect("welcome")
            await asyncio.wait_for(one.ws.wait_closed(), 10)
            assert one.ws.close_code == 4009
            await again.send({"type": "join"})
            await again.expect("lobby")
            await leader.send({"type": "reject", "target": waiting["id"]})
            await asyncio.wait_for(again.ws.wait_closed(), 10)
            assert (again.ws.close_code, again.ws.close_reason) == (4001, "not admitted")
        await state_where(leader, lambda s: not s["lobby"])
    secretariat = await login("secretariat")
    guests_page = await secretariat.get(f"/meetings/{public_meeting}/room/guests")
    assert "Gast Eins" in guests_page.text and "Gast Zwei" in guests_page.text
    # The second guest's id is in the revoke form that follows the name.
    guest_id = re.findall(r'/room/guests/([\w-]+)/revoke"', guests_page.text.split("Gast Zwei")[1])[0]
    async with room_client(base, public_meeting, None, query=f"?guest={second}") as two:
        await two.expect("welcome")
        response = await submit_form(
            secretariat,
            f"/meetings/{public_meeting}/room/guests",
            action=f"/meetings/{public_meeting}/room/guests/{guest_id}/revoke",
        )
        assert response.status_code == 303
        await asyncio.wait_for(two.ws.wait_closed(), 10)
        assert two.ws.close_code == 4000
    assert await close_code(base, public_meeting, None, query=f"?guest={second}") == (4403, "guest link revoked")
    assert "zurückgezogen" in (await secretariat.get(f"/meetings/{public_meeting}/room/guests")).text


async def test_forged_expired_and_foreign_guest_links_are_refused(base, client, world, public_meeting, sessions):
    start = world.next_meeting.start
    valid = GuestPass(public_meeting, "Gast", "abc", int((start + dt.timedelta(hours=1)).timestamp()))
    expired = GuestPass(public_meeting, "Gast", "abc", int(dt.datetime(2020, 1, 1, tzinfo=dt.UTC).timestamp()))
    foreign = GuestPass(world.past_meeting.id, "Gast", "abc", valid.expires)
    forged = sign_guest_pass("another-secret-key-that-is-long-enough-0123456", valid)
    cases = [
        (forged, 403, (4401, "invalid guest link")),
        (sign_guest_pass(SECRET, valid)[:-3], 403, (4401, "invalid guest link")),
        (sign_guest_pass(SECRET, expired), 410, (4419, "guest link expired")),
        (sign_guest_pass(SECRET, foreign), 403, (4403, "guest link for another meeting")),
    ]
    for token, status, code in cases:
        page = await client.get(f"/meetings/{public_meeting}/room/guest", params={"token": token})
        assert page.status_code == status, token
        assert "Gastzugang" in page.text
        assert await close_code(base, public_meeting, None, query=f"?guest={token}") == code
        ice = await client.get(
            f"/meetings/{public_meeting}/room/ice", params={"guest": token}, headers={"Accept": "application/json"}
        )
        assert ice.status_code == 403
    assert (await client.get(f"/meetings/{public_meeting}/room/guest")).status_code == 403
    # A valid link of a meeting that is over no longer opens the room.
    token = sign_guest_pass(SECRET, valid)
    assert (await client.get(f"/meetings/{public_meeting}/room/guest", params={"token": token})).status_code == 200
    async with sessions() as session, session.begin():
        meeting = await session.get(Meeting, public_meeting)
        assert meeting is not None
        meeting.state = MeetingState.CLOSED
    assert (await client.get(f"/meetings/{public_meeting}/room/guest", params={"token": token})).status_code == 403
    assert await close_code(base, public_meeting, None, query=f"?guest={token}") == (
        4410,
        "the meeting is closed or cancelled",
    )


async def test_guest_links_re_render_with_messages_for_bad_input(login, public_meeting):
    secretariat = await login("secretariat")
    for name, message in (("", "Bitte geben Sie den Namen des Gastes an."), ("x" * 300, "Der Name ist zu lang")):
        response = await submit_form(secretariat, f"/meetings/{public_meeting}/room/guests", name=name)
        assert response.status_code == 400
        assert message in response.text and 'id="guest-link"' not in response.text
    page = await (await login("chair")).get(f"/meetings/{public_meeting}/room")
    assert f'href="/meetings/{public_meeting}/room/guests"' in page.text and 'id="stream-toggle"' in page.text
    admin_page = await (await login("secretariat")).get(f"/meetings/{public_meeting}")
    assert f'href="/meetings/{public_meeting}/room/guests"' in admin_page.text
    member_page = await (await login("member")).get(f"/meetings/{public_meeting}/room")
    assert "/room/guests" not in member_page.text and "stream-toggle" not in member_page.text


async def test_visitors_listen_only_while_the_chair_allows_the_public_stream(base, client, world, public_meeting):
    assert await close_code(base, public_meeting, None) == (4423, "no public stream")
    page = await client.get(f"/meetings/{public_meeting}/room")
    assert page.status_code == 200 and "keine öffentliche Übertragung" in page.text
    assert "Öffentliche Übertragung" in (await client.get(f"/meetings/{public_meeting}")).text  # the way in
    assert (
        await client.get(f"/meetings/{public_meeting}/room/ice", headers={"Accept": "application/json"})
    ).status_code == 401
    async with room_client(base, public_meeting, world.username("chair")) as chair:
        await joined(chair)
        async with room_client(base, public_meeting, world.username("member")) as member:
            await joined(member)
            await member.send({"type": "public_stream", "allowed": True})
            assert (await member.expect("error"))["code"] == "forbidden"
        await chair.send({"type": "public_stream", "allowed": "yes"})
        assert (await chair.expect("error"))["code"] == "malformed"
        await chair.send({"type": "public_stream", "allowed": True})
        await state_where(chair, lambda s: s["stream"])
        page = await client.get(f"/meetings/{public_meeting}/room")
        assert page.status_code == 200 and 'data-role="visitor"' in page.text
        assert 'id="hand-button"' not in page.text and 'id="mute-button"' not in page.text
        assert (await client.get(f"/meetings/{public_meeting}/room/ice")).status_code == 200
        async with room_client(base, public_meeting, None) as visitor:
            welcome = await visitor.expect("welcome")
            assert welcome["role"] == "visitor" and welcome["stream"] is True and "lobby" not in welcome
            await visitor.send({"type": "join"})
            assert (await visitor.expect("joined"))["listen_only"] is True
            await state_where(chair, lambda s: s["listeners"] == 1)
            for message in (
                {"type": "offer", "sdp": "v=0"},
                {"type": "hand", "raised": True},
                {"type": "mute", "kind": "audio"},
                {"type": "candidate", "connection": "publish", "candidate": "", "sdpMid": "0"},
                {"type": "next_item"},
            ):
                await visitor.send(message)
                assert (await visitor.expect("error"))["code"] in ("listen_only", "forbidden"), message
            assert all(p["role"] != "visitor" for p in (await state_where(chair, lambda s: True))["participants"])
            await chair.send({"type": "public_stream", "allowed": False})
            await asyncio.wait_for(visitor.ws.wait_closed(), 10)
            assert (visitor.ws.close_code, visitor.ws.close_reason) == (4002, "public stream ended")
        assert await close_code(base, public_meeting, None) == (4423, "no public stream")


async def test_visitors_are_held_during_a_non_public_item(base, world, public_meeting):
    async with room_client(base, public_meeting, world.username("chair")) as chair:
        await joined(chair)
        await chair.send({"type": "public_stream", "allowed": True})
        await state_where(chair, lambda s: s["stream"])
        async with room_client(base, public_meeting, None) as visitor:
            await joined(visitor)
            await chair.send({"type": "next_item"})  # the public item: the stream goes on
            await state_where(visitor, lambda s: (s["item"] or {}).get("number") == "Ö 1")
            await chair.send({"type": "next_item"})
            await visitor.expect("held")
            state = await state_where(visitor, lambda s: s["item"] == {"public": False})
            assert all(p["role"] != "visitor" for p in state["participants"])
            await visitor.send({"type": "join"})
            assert (await visitor.expect("error"))["code"] == "held"
            async with room_client(base, public_meeting, None) as late:  # entering during the item: held at once
                await late.expect("welcome")
                await late.send({"type": "join"})
                await late.expect("held")
            await chair.send({"type": "previous_item"})
            assert (await visitor.expect("joined"))["listen_only"] is True
            await state_where(visitor, lambda s: (s["item"] or {}).get("number") == "Ö 1")
            assert all(CONFIDENTIAL_MARKER not in str(m) for m in visitor.seen)


async def test_listeners_are_bounded(base, running_app, world, public_meeting):
    running_app.state.room_hub.max_listeners = 1
    async with room_client(base, public_meeting, world.username("chair")) as chair:
        await joined(chair)
        await chair.send({"type": "public_stream", "allowed": True})
        await state_where(chair, lambda s: s["stream"])
        async with room_client(base, public_meeting, None) as visitor:
            await visitor.expect("welcome")
            assert await close_code(base, public_meeting, None) == (4429, "too many listeners")


async def test_no_public_stream_for_a_meeting_without_a_public_part(base, world, sessions):
    meeting_id = world.next_meeting.id
    async with sessions() as session, session.begin():
        meeting = await session.get(Meeting, meeting_id)
        assert meeting is not None
        meeting.mode = MeetingMode.ONLINE
        meeting.state = MeetingState.OPENED
        session.add(AgendaItem(meeting_id=meeting_id, position=1, number="N 1", public=False, title="Personal"))
    async with room_client(base, meeting_id, world.username("chair")) as chair:
        await joined(chair)
        await chair.send({"type": "public_stream", "allowed": True})
        assert (await chair.expect("error"))["code"] == "not_public"
    assert await close_code(base, meeting_id, None) == (4401, "login required")


async def test_a_visitor_hears_the_members_and_sends_nothing(base, world, public_meeting):
    bots = {"member": Bot("member", opus_tone(500)), "visitor": Bot("visitor", opus_tone(900))}
    stop = asyncio.Event()
    try:
        async with room_client(base, public_meeting, world.username("chair")) as chair:
            await joined(chair)
            await chair.send({"type": "public_stream", "allowed": True})
            await state_where(chair, lambda s: s["stream"])
            async with (
                room_client(base, public_meeting, world.username("member")) as member,
                room_client(base, public_meeting, None) as visitor,
            ):
                await join_with_bot(member, bots["member"])
                await joined(visitor)
                await visitor.send({"type": "offer", "sdp": await bots["visitor"].publish_offer()})
                assert (await visitor.expect("error"))["code"] == "listen_only"
                pumps = [
                    asyncio.create_task(answer_offers(member, bots["member"], stop)),
                    asyncio.create_task(answer_offers(visitor, bots["visitor"], stop)),
                ]
                tone = set(opus_tone(500))
                for _ in range(150):
                    heard = {p for ps in bots["visitor"].received.values() for p in ps}
                    if heard & tone:
                        break
                    await asyncio.sleep(0.1)
                stop.set()
                await asyncio.gather(*pumps)
        heard = {p for ps in bots["visitor"].received.values() for p in ps}
        assert heard and heard <= tone  # the member's tone, nothing else
        assert not any(set(opus_tone(900)) & set(ps) for ps in bots["member"].received.values())
    finally:
        stop.set()
        await asyncio.gather(*(bot.close() for bot in bots.values()))


async def test_members_in_the_room_are_checked_in_when_the_meeting_opens(base, login, world, sessions):
    meeting_id = await _online(sessions, world.next_meeting.id, MeetingState.INVITED)
    async with (
        room_client(base, meeting_id, world.username("member")) as member,
        room_client(base, meeting_id, world.username("secretariat")) as secretariat,
    ):
        await joined(member)
        await joined(secretariat)
        assert await attendance(sessions, meeting_id) == []  # not opened yet: presence is not attendance
        http = await login("secretariat")
        response = await submit_form(http, f"/meetings/{meeting_id}/console", action=f"/meetings/{meeting_id}/open")
        assert response.status_code == 303
        [row] = await attendance(sessions, meeting_id)
        assert row.person_id == world.users["member"].person_id and row.remote and row.left_at is None
        await member.send({"type": "leave"})
        await asyncio.wait_for(member.ws.wait_closed(), 10)
    [row] = await attendance(sessions, meeting_id)
    assert row.left_at is not None


async def test_an_admitted_guest_back_within_the_grace_skips_the_lobby(base, login, world, public_meeting):
    token = await guest_link(login, public_meeting, "Gast")
    async with room_client(base, public_meeting, world.username("chair")) as chair:
        await joined(chair)
        async with room_client(base, public_meeting, None, query=f"?guest={token}") as guest:
            await guest.expect("welcome")
            await guest.send({"type": "join"})
            await guest.expect("lobby")
            [waiting] = (await state_where(chair, lambda s: s["lobby"]))["lobby"]
            await chair.send({"type": "admit", "target": waiting["id"]})
            await guest.expect("joined")
        async with room_client(base, public_meeting, None, query=f"?guest={token}") as guest:  # dropped, back
            await joined(guest)
        await asyncio.sleep(2.5)  # longer than the grace (1 s): the seat is gone, the lobby again
        async with room_client(base, public_meeting, None, query=f"?guest={token}") as guest:
            await guest.expect("welcome")
            await guest.send({"type": "join"})
            await guest.expect("lobby")
