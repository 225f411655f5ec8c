"""The meeting room beyond presence: recording (allowed by the secretariat, told to everyone, stored as files only
the secretariat and the chair get), screen sharing through the signaling, and the called agenda item that
survives a room restart and reaches the public pages (a non-public one only as "nichtöffentlicher Teil")."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import av
import pytest
from sqlalchemy import select
from websockets.exceptions import ConnectionClosed

from council.bodies.models import Organization
from council.events import DomainEvent, EventKind
from council.meetings.models import AgendaItem, Meeting, MeetingMode, MeetingState
from council.papers.models import File
from council.settings import Settings, load_settings
from media.bots import Bot, opus_tone
from tests.room_client import RoomClient, join_with_bot, room_client, served
from tests.web_helpers import csrf_token_from, submit_form
from tests.world import CONFIDENTIAL_MARKER
from web.room_hub import RoomHub

pytestmark = pytest.mark.timeout(180)

ALL = ("visitor", "member", "deputy", "chair", "secretariat", "admin", "other_committee_member")
GETS_RECORDINGS = {"chair", "secretariat", "admin"}


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return load_settings(
        {
            "COUNCIL_ENV": "test",
            "COUNCIL_DATABASE_URL": database_url,
            "COUNCIL_VAR_DIR": str(tmp_path / "var"),
            "COUNCIL_SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
            "COUNCIL_MEDIA_RECONNECT_GRACE_SECONDS": "1",
            "COUNCIL_MEDIA_HOST_ADDRESSES": "127.0.0.1",
        }
    )


@pytest.fixture
async def room(world, sessions) -> dict[str, int]:
    """The next meeting, opened as a video meeting, with a public and a non-public item."""
    async with sessions() as session, session.begin():
        meeting = await session.get(Meeting, world.next_meeting.id)
        assert meeting is not None
        meeting.mode = MeetingMode.ONLINE
        meeting.state = MeetingState.OPENED
        public = AgendaItem(meeting_id=meeting.id, position=1, number="Ö 1", title="Spielplatz am Anger")
        secret = AgendaItem(
            meeting_id=meeting.id, position=2, number="N 1", public=False, title=f"Personalsache {CONFIDENTIAL_MARKER}"
        )
        session.add_all([public, secret])
    return {"meeting": int(world.next_meeting.id), "public": int(public.id), "secret": int(secret.id)}


@pytest.fixture
async def base(running_app):
    async with served(running_app) as url:
        yield url


async def until_state(client: RoomClient, condition: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    for _ in range(50):
        state = await client.expect("state")
        if condition(state):
            return state
    raise AssertionError("the room never reached the state")


async def serve(client: RoomClient, bot: Bot, stop: asyncio.Event) -> None:
    """The only reader of the client's socket while it runs: answers the relay's offers with the bot, keeps every
    message in `client.seen` for `eventually`."""
    waiting, client.backlog = client.backlog, []
    while not stop.is_set():
        if waiting:
            message = waiting.pop(0)
        else:
            try:
                message = json.loads(await asyncio.wait_for(client.ws.recv(), 1))
            except TimeoutError:
                continue
            except ConnectionClosed:
                return
            client.seen.append(message)
        if message["type"] == "offer":
            await client.send({"type": "answer", "sdp": await bot.answer_subscription(message["sdp"])})


def last_state(client: RoomClient) -> dict[str, Any]:
    return next((m for m in reversed(client.seen) if m["type"] in ("state", "welcome")), {})


async def eventually(condition: Callable[[], Any], seconds: float = 30) -> None:
    for _ in range(int(seconds * 10)):
        if condition():
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the condition never held")


async def joined(client: RoomClient) -> dict[str, Any]:
    welcome = await client.expect("welcome")
    await client.send({"type": "join"})
    await client.expect("joined")
    return welcome


async def stored_item(sessions, meeting_id: int) -> int | None:
    async with sessions() as session:
        item_id: int | None = await session.scalar(
            select(Meeting.current_agenda_item_id).where(Meeting.id == meeting_id)
        )
        return item_id


async def recordings(sessions, meeting_id: int) -> list[File]:
    async with sessions() as session:
        return list(await session.scalars(select(File).where(File.meeting_id == meeting_id).order_by(File.id)))


async def allow_recording(sessions, meeting_id: int, allowed: bool = True) -> None:
    async with sessions() as session, session.begin():
        meeting = await session.get(Meeting, meeting_id)
        assert meeting is not None
        meeting.recording_allowed = allowed


# --- the current agenda item -----------------------------------------------------------------------------------


async def test_the_called_item_survives_a_room_restart_and_reaches_the_public(
    base, running_app, world, room, sessions, client, login
):
    meeting_id = room["meeting"]
    async with room_client(base, meeting_id, world.username("chair")) as chair:
        assert (await joined(chair))["item"] is None
        await chair.send({"type": "previous_item"})  # nothing called yet: nothing to go back to
        await chair.send({"type": "next_item"})
        state = await until_state(chair, lambda s: s["item"] is not None)
        assert state["item"]["id"] == room["public"]
    assert await stored_item(sessions, meeting_id) == room["public"]
    page = (await client.get(f"/meetings/{meeting_id}")).text
    assert "Aktueller Tagesordnungspunkt" in page and "Spielplatz am Anger" in page
    assert "Spielplatz am Anger" in (await client.get(f"/meetings/{meeting_id}/live")).text

    # the server restarts: a new hub reads the called item back, a joining member sees it
    old: RoomHub = running_app.state.room_hub
    await old.close()
    running_app.state.room_hub = RoomHub(
        old.backend, old.sessions, old.publish, old.grace_seconds, recorder=old.recorder
    )
    async with (
        room_client(base, meeting_id, world.username("member")) as member,
        room_client(base, meeting_id, world.username("chair")) as chair,
    ):
        assert (await joined(member))["item"]["id"] == room["public"]
        await joined(chair)
        await chair.send({"type": "next_item"})
        assert (await until_state(member, lambda s: s["item"]["id"] != room["public"]))["item"]["id"] == room["secret"]
        await chair.send({"type": "next_item"})  # the last item stays called
        await member.send({"type": "next_item"})
        assert (await member.expect("error"))["code"] == "forbidden"
    assert await stored_item(sessions, meeting_id) == room["secret"]

    public_page = (await client.get(f"/meetings/{meeting_id}")).text
    assert "nichtöffentlicher Teil" in public_page and CONFIDENTIAL_MARKER not in public_page
    live = (await client.get(f"/meetings/{meeting_id}/live")).text
    assert "nichtöffentlicher Teil" in live and CONFIDENTIAL_MARKER not in live
    members_page = (await (await login("member")).get(f"/meetings/{meeting_id}")).text
    assert f"Personalsache {CONFIDENTIAL_MARKER}" in members_page

    # a deleted item is no longer called (the foreign key lets go of it)
    async with sessions() as session, session.begin():
        item = await session.get(AgendaItem, room["secret"])
        assert item is not None
        await session.delete(item)
    assert await stored_item(sessions, meeting_id) is None


# --- recording -------------------------------------------------------------------------------------------------


async def test_recording_needs_the_secretariats_permission_and_the_chair(base, world, room, sessions, settings):
    meeting_id = room["meeting"]
    async with (
        room_client(base, meeting_id, world.username("chair")) as chair,
        room_client(base, meeting_id, world.username("member")) as member,
    ):
        await joined(chair)
        await joined(member)
        await member.send({"type": "recording", "on": True})
        assert (await member.expect("error"))["code"] == "forbidden"
        await chair.send({"type": "recording", "on": True})
        error = await chair.expect("error")
        assert error["code"] == "recording_not_allowed" and error["about"] == "recording"
        await chair.send({"type": "hand", "raised": True})  # the session goes on
        state = await until_state(chair, lambda s: bool(s["speakers"]))
        assert state["recording"] is False
    assert await recordings(sessions, meeting_id) == []
    assert not list((settings.var_dir / "recordings").rglob("*.opus"))


async def test_a_recording_is_announced_and_stored_for_the_secretariat_and_the_chair_only(
    base, running_app, world, room, sessions, settings, client, login
):
    meeting_id = room["meeting"]
    await allow_recording(sessions, meeting_id)
    tones = {"member": opus_tone(500), "chair": opus_tone(700)}
    bots = {name: Bot(name, payloads) for name, payloads in tones.items()}
    stop = asyncio.Event()
    try:
        async with (
            room_client(base, meeting_id, world.username("member")) as member,
            room_client(base, meeting_id, world.username("chair")) as chair,
        ):
            await join_with_bot(member, bots["member"])
            await join_with_bot(chair, bots["chair"])
            pumps = [asyncio.create_task(serve(c, bots[n], stop)) for c, n in ((member, "member"), (chair, "chair"))]
            await chair.send({"type": "recording", "on": True})
            await eventually(lambda: last_state(member).get("recording") is True)
            async with room_client(base, meeting_id, world.username("secretariat")) as late:
                assert (await late.expect("welcome"))["recording"] is True  # told on arrival
            await asyncio.sleep(3)
            await chair.send({"type": "recording", "on": False})
            await eventually(lambda: last_state(member).get("recording") is False)
            stop.set()
            await asyncio.gather(*pumps)
    finally:
        stop.set()
        await asyncio.gather(*(bot.close() for bot in bots.values()))

    files = await recordings(sessions, meeting_id)
    assert sorted(f.name.split(" ")[1] for f in files) == ["chair", "member"]
    for file in files:
        assert file.name.startswith("Aufzeichnung ") and not file.public and file.mime_type == "audio/ogg"
        assert file.file_name.endswith(".ogg") and file.paper_id is None
        speaker = file.name.split(" ")[1]
        with av.open(str(settings.file_storage / file.storage_path)) as container:
            packets = [bytes(p) for p in container.demux(audio=0) if p.size]
        assert len(packets) > 25 and set(packets) <= set(tones[speaker]), "the file holds the speaker's packets"
    assert not list((settings.var_dir / "recordings").rglob("*.opus")), "the raw files are cleaned up"

    file_id = files[0].id
    for persona in ALL:
        http = client if persona == "visitor" else await login(persona)
        for suffix in ("", "/download"):
            response = await http.get(f"/files/{file_id}{suffix}")
            assert response.status_code == (200 if persona in GETS_RECORDINGS else 404), (persona, suffix)
        page = (await http.get(f"/meetings/{meeting_id}")).text
        assert (f"/files/{file_id}/download" in page) is (persona in GETS_RECORDINGS), persona
    assert (await client.get(f"/oparl/v1.1/file/{file_id}")).status_code == 404
    listing = await client.get(f"/oparl/v1.1/body/{world.body.id}/file")
    assert listing.status_code == 200 and f"/file/{file_id}" not in listing.text
    assert f"/files/{file_id}" not in (await client.get("/search", params={"q": "Aufzeichnung"})).text


async def test_closing_the_meeting_stops_and_stores_the_recording(base, running_app, world, room, sessions):
    meeting_id = room["meeting"]
    await allow_recording(sessions, meeting_id)
    bot = Bot("member", opus_tone(500))
    listener = Bot("chair", opus_tone(700))
    stop = asyncio.Event()
    try:
        async with (
            room_client(base, meeting_id, world.username("member")) as member,
            room_client(base, meeting_id, world.username("chair")) as chair,
        ):
            await join_with_bot(member, bot)
            await join_with_bot(chair, listener)
            pumps = [asyncio.create_task(serve(c, b, stop)) for c, b in ((member, bot), (chair, listener))]
            await chair.send({"type": "recording", "on": True})
            await eventually(lambda: last_state(chair).get("recording") is True)
            await asyncio.sleep(2)
            async with sessions() as session, session.begin():
                meeting = await session.get(Meeting, meeting_id)
                assert meeting is not None
                meeting.state = MeetingState.CLOSED
            await running_app.state.broadcaster.publish([DomainEvent(EventKind.MEETING_CHANGED, meeting_id)])
            await eventually(lambda: last_state(member).get("recording") is False)
            stop.set()
            await asyncio.gather(*pumps)
    finally:
        stop.set()
        await asyncio.gather(bot.close(), listener.close())
    assert {f.name.split(" ")[1] for f in await recordings(sessions, meeting_id)} == {"member", "chair"}


async def test_the_secretariat_allows_recording_in_the_meeting_form(world, sessions, login):
    async with sessions() as session, session.begin():
        committee = await session.get(Organization, world.next_meeting.organization_id)
        assert committee is not None
        committee.digital_meetings_allowed = True
    url = f"/meetings/{world.next_meeting.id}/edit"
    secretariat = await login("secretariat")
    fields = {"date": "2031-07-01", "start_time": "17:00", "location": str(world.next_meeting.location_id)}
    refused = await submit_form(secretariat, url, mode="in_person", recording_allowed="on", **fields)
    assert refused.status_code == 400
    assert "Aufzeichnen lassen sich nur Video- und hybride Sitzungen." in refused.text
    assert 'id="recording_allowed" name="recording_allowed" type="checkbox" value="on" checked' in refused.text
    saved = await submit_form(secretariat, url, mode="hybrid", recording_allowed="on", **fields)
    assert saved.status_code == 303
    assert "Aufzeichnung</dt><dd>erlaubt" in (await secretariat.get(f"/meetings/{world.next_meeting.id}")).text
    for persona in ("member", "chair", "other_committee_member"):
        http = await login(persona)
        token = csrf_token_from((await http.get("/login")).text)
        data = {"_csrf_token": token, "mode": "hybrid", "recording_allowed": "", **fields}
        assert (await http.post(url, data=data, follow_redirects=False)).status_code == 403, persona
    async with sessions() as session:
        meeting = await session.get(Meeting, world.next_meeting.id)
        assert meeting is not None and meeting.recording_allowed is True
    cleared = await submit_form(secretariat, url, mode="hybrid", **fields)
    assert cleared.status_code == 303
    async with sessions() as session:
        meeting = await session.get(Meeting, world.next_meeting.id)
        assert meeting is not None and meeting.recording_allowed is False


# --- screen sharing --------------------------------------------------------------------------------------------


async def test_a_shared_screen_reaches_the_others_and_the_chair_may_stop_it(base, world, room):
    meeting_id = room["meeting"]
    member_key = f"u{world.users['member'].id}"
    bots = {"member": Bot("member", opus_tone(500)), "chair": Bot("chair", opus_tone(700))}
    stop = asyncio.Event()
    try:
        async with (
            room_client(base, meeting_id, world.username("member")) as member,
            room_client(base, meeting_id, world.username("chair")) as chair,
        ):
            await join_with_bot(member, bots["member"])
            await join_with_bot(chair, bots["chair"])
            await member.send({"type": "share", "active": True})
            assert (await member.expect("error"))["code"] == "malformed"
            mid, offer = await bots["member"].share_screen()
            await member.send({"type": "share", "active": True, "mid": mid})
            await member.send({"type": "offer", "sdp": offer})
            await bots["member"].accept_answer((await member.expect("answer"))["sdp"])
            pumps = [asyncio.create_task(serve(c, bots[n], stop)) for c, n in ((member, "member"), (chair, "chair"))]
            await eventually(lambda: last_state(chair).get("screen") == member_key)

            def screen_mids() -> set[str]:
                mids: set[str] = set()
                for message in chair.seen:
                    if message["type"] in ("offer", "tracks"):
                        mids = {t["mid"] for t in message["tracks"] if t["screen"] and t["source"] == member_key}
                return mids

            await eventually(lambda: any(len(bots["chair"].frames_by_mid.get(m, [])) > 3 for m in screen_mids()))
            [screen_mid] = screen_mids()
            assert set(bots["chair"].frames_by_mid[screen_mid]) == {(320, 180)}, "the screen, not a camera"

            def errors(client: RoomClient) -> list[str]:
                return [m["code"] for m in client.seen if m["type"] == "error"]

            chair_mid, _ = await bots["chair"].share_screen()
            await chair.send({"type": "share", "active": True, "mid": chair_mid})
            await eventually(lambda: errors(chair) == ["screen_busy"])
            await member.send({"type": "stop_share"})
            await eventually(lambda: "forbidden" in errors(member))
            await chair.send({"type": "stop_share"})
            await eventually(lambda: any(m["type"] == "share_stopped" for m in member.seen))
            await eventually(lambda: last_state(chair).get("screen", "") is None)
            stop.set()
            await asyncio.gather(*pumps)
    finally:
        stop.set()
        await asyncio.gather(*(bot.close() for bot in bots.values()))


async def test_the_room_page_shows_the_called_item_and_the_chairs_recording_switch(login, room, sessions):
    meeting_id = room["meeting"]
    async with sessions() as session, session.begin():
        meeting = await session.get(Meeting, meeting_id)
        assert meeting is not None
        meeting.current_agenda_item_id = room["public"]
    chair = await login("chair")
    page = (await chair.get(f"/meetings/{meeting_id}/room")).text
    assert '<p id="current-item" aria-live="polite">Ö 1 Spielplatz am Anger</p>' in page
    assert 'id="recording-indicator" class="room-recording" aria-live="assertive"' in page
    assert 'id="recording-button"' not in page and "keine Aufzeichnung erlaubt" in page
    assert 'data-chair="stop_share"' in page and 'id="share-button"' in page
    await allow_recording(sessions, meeting_id)
    assert 'id="recording-button"' in (await chair.get(f"/meetings/{meeting_id}/room")).text
    member = (await (await login("member")).get(f"/meetings/{meeting_id}/room")).text
    assert 'id="share-button"' in member
    assert 'id="recording-button"' not in member and 'data-chair="stop_share"' not in member
