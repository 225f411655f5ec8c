"""The meeting room's signaling over a real WebSocket: who enters, errors that keep the session, presence as
attendance with the reconnect grace, the speakers list, and two bots hearing each other through the relay."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import select

from council.meetings.models import Attendance, Meeting, MeetingMode, MeetingState
from council.settings import Settings, load_settings
from media.bots import Bot, opus_tone
from tests.room_client import answer_offers, close_code, join_with_bot, room_client, served

pytestmark = pytest.mark.timeout(120)

GRACE = 1.0


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return load_settings(
        {
            "COUNCIL_ENV": "test",
            "COUNCIL_DATABASE_URL": database_url,
            "COUNCIL_VAR_DIR": str(tmp_path / "var"),
            "COUNCIL_SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
            "COUNCIL_MEDIA_RECONNECT_GRACE_SECONDS": str(GRACE),
            "COUNCIL_MEDIA_HOST_ADDRESSES": "127.0.0.1",
        }
    )


@pytest.fixture
async def online_meeting(world, sessions) -> int:
    async with sessions() as session, session.begin():
        meeting = await session.get(Meeting, world.next_meeting.id)
        assert meeting is not None
        meeting.mode = MeetingMode.ONLINE
        meeting.state = MeetingState.OPENED
    return int(world.next_meeting.id)


@pytest.fixture
async def base(running_app):
    async with served(running_app) as url:
        yield url


async def attendance(sessions, meeting_id: int) -> list[Attendance]:
    async with sessions() as session:
        return list(await session.scalars(select(Attendance).where(Attendance.meeting_id == meeting_id)))


async def test_visitors_and_outsiders_are_closed_with_a_clear_code(base, world, online_meeting, sessions):
    assert await close_code(base, online_meeting, None) == (4401, "login required")
    code, reason = await close_code(base, online_meeting, world.username("other_committee_member"))
    assert (code, reason) == (4403, "not a participant of this meeting")
    assert (await close_code(base, 999999, world.username("member")))[0] == 4404
    assert (await close_code(base, online_meeting, world.username("member"), origin="http://evil.example"))[0] == 4403
    async with sessions() as session, session.begin():
        meeting = await session.get(Meeting, online_meeting)
        assert meeting is not None
        meeting.mode = MeetingMode.IN_PERSON
    assert (await close_code(base, online_meeting, world.username("member")))[0] == 4409


async def test_malformed_and_out_of_order_messages_get_errors_and_the_session_stays(base, world, online_meeting):
    async with room_client(base, online_meeting, world.username("member")) as client:
        await client.expect("welcome")
        await client.send("this is not json")
        assert (await client.expect("error"))["code"] == "malformed"
        await client.send({"type": "launch_rockets"})
        assert (await client.expect("error"))["code"] == "unknown_type"
        await client.send({"type": "offer", "sdp": "v=0"})
        assert (await client.expect("error"))["code"] == "out_of_order"
        await client.send({"type": "join"})
        await client.expect("joined")
        await client.send({"type": "answer", "sdp": "v=0"})
        assert (await client.expect("error"))["code"] == "media"
        await client.send({"type": "offer", "sdp": "garbage"})
        assert (await client.expect("error"))["about"] == "offer"
        await client.send({"type": "next_item"})
        assert (await client.expect("error"))["code"] == "forbidden"
        await client.send({"type": "hand", "raised": True})
        state = await client.expect("state")
        assert state["speakers"] == [f"u{world.users['member'].id}"]


async def test_chair_keeps_the_speakers_list_and_moves_through_the_agenda(base, world, online_meeting):
    member_key = f"u{world.users['member'].id}"
    async with (
        room_client(base, online_meeting, world.username("chair")) as chair,
        room_client(base, online_meeting, world.username("member")) as member,
    ):
        for client in (chair, member):
            await client.expect("welcome")
            await client.send({"type": "join"})
            await client.expect("joined")
        await member.send({"type": "hand", "raised": True})
        while member_key not in (await chair.expect("state"))["speakers"]:
            pass
        await chair.send({"type": "give_floor"})
        while (await chair.expect("state"))["speaking"] != member_key:
            pass
        await chair.send({"type": "mute_participant", "target": member_key, "kind": "audio"})
        assert (await member.expect("muted_by_chair"))["kind"] == "audio"
        await chair.send({"type": "remove", "target": member_key})
        await asyncio.wait_for(member.ws.wait_closed(), 10)
        assert member.ws.close_code == 4000


async def test_dropped_member_back_within_the_grace_keeps_one_attendance_entry(base, world, online_meeting, sessions):
    member = world.username("member")
    async with room_client(base, online_meeting, member) as client:
        await client.expect("welcome")
        await client.send({"type": "join"})
        await client.expect("joined")
    [row] = await attendance(sessions, online_meeting)
    arrived = row.arrived_at
    assert row.remote and row.left_at is None
    async with room_client(base, online_meeting, member) as client:  # back at once
        await client.expect("welcome")
        await client.send({"type": "join"})
        await client.expect("joined")
        await asyncio.sleep(GRACE * 1.5)
        [row] = await attendance(sessions, online_meeting)
        assert row.arrived_at == arrived and row.left_at is None
    await asyncio.sleep(GRACE * 2.5)  # gone for longer than the grace: an early departure
    [row] = await attendance(sessions, online_meeting)
    assert row.arrived_at == arrived and row.left_at is not None


async def test_two_members_hear_each_other_through_the_room(base, world, online_meeting):
    tones = {"member": opus_tone(500), "chair": opus_tone(700)}
    owner = {payload: name for name, payloads in tones.items() for payload in payloads}
    bots = {name: Bot(name, payloads) for name, payloads in tones.items()}
    stop = asyncio.Event()
    try:
        async with (
            room_client(base, online_meeting, world.username("member")) as a,
            room_client(base, online_meeting, world.username("chair")) as b,
        ):
            await join_with_bot(a, bots["member"])
            await join_with_bot(b, bots["chair"])
            pumps = [asyncio.create_task(answer_offers(c, bots[n], stop)) for c, n in ((a, "member"), (b, "chair"))]

            def heard(listener: str) -> set[str]:
                return {owner.get(p, "?") for ps in bots[listener].received.values() for p in ps}

            for _ in range(150):
                if heard("member") == {"chair"} and heard("chair") == {"member"}:
                    break
                await asyncio.sleep(0.1)
            stop.set()
            await asyncio.gather(*pumps)
        assert heard("member") == {"chair"}
        assert heard("chair") == {"member"}
    finally:
        stop.set()
        await asyncio.gather(*(bot.close() for bot in bots.values()))


async def test_ice_servers_with_time_limited_turn_credentials(app, login, world, online_meeting, monkeypatch):
    settings = app.state.settings
    monkeypatch.setattr(
        app.state,
        "settings",
        Settings(
            **{
                **settings.__dict__,
                "media_stun_urls": ("stun:turn.example.org:3478",),
                "media_turn_urls": ("turn:turn.example.org:3478?transport=udp",),
                "media_turn_secret": "shared-turn-secret",
            }
        ),
    )
    member = await login("member")
    response = await member.get(f"/meetings/{online_meeting}/room/ice")
    assert response.status_code == 200
    stun, turn = response.json()["iceServers"]
    assert stun == {"urls": ["stun:turn.example.org:3478"]}
    expiry, user = turn["username"].split(":")
    assert user == str(world.users["member"].id) and int(expiry) > 0
    outsider = await login("other_committee_member")
    assert (await outsider.get(f"/meetings/{online_meeting}/room/ice")).status_code == 403


async def test_room_page_offers_the_controls_and_the_vote_panel(login, online_meeting):
    page = await (await login("member")).get(f"/meetings/{online_meeting}/room")
    assert page.status_code == 200
    for marker in ('id="join-button"', 'id="hand-button"', 'aria-live="polite"', f"/meetings/{online_meeting}/vote"):
        assert marker in page.text
    chair = await (await login("chair")).get(f"/meetings/{online_meeting}/room")
    assert 'data-chair="next_item"' in chair.text
    assert 'data-chair="next_item"' not in page.text
