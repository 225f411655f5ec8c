"""The public live panel during a storm of votes: only the count is read again, the roll at most every few seconds;
a poll closed meanwhile (by another app process, say) is never pushed as still open."""

from __future__ import annotations

import asyncio
import datetime as dt

from litestar.channels import ChannelsPlugin
from litestar.channels.backends.memory import MemoryChannelsBackend

from council.voting.models import PollKind
from council.voting.polls import close_poll
from tests.voting_scene import build_scene, start_poll, viewer
from tests.web_helpers import csrf_token_from
from web.live import CHANGED_FRAME, READY_FRAME, LiveBroadcaster, internal_channel, public_channel, sse_frame, stream


async def _vote(http, poll_id: int) -> None:
    csrf = csrf_token_from((await http.get("/login")).text)
    response = await http.post(
        f"/polls/{poll_id}/votes",
        data={"choice": "yes"},
        headers={"x-csrftoken": csrf, "accept": "application/json"},
    )
    assert response.status_code == 201, response.text


async def _pushed(channels: ChannelsPlugin, broadcaster: LiveBroadcaster, meeting_id: int) -> str:
    async with channels.start_subscription([public_channel("council", meeting_id)]) as subscriber:
        await broadcaster.push(meeting_id)
        return (await asyncio.wait_for(anext(subscriber.iter_events()), timeout=5)).decode()


async def test_vote_pushes_count_again_and_never_reopen_a_closed_poll(sessions, world, login, running_app):
    scene = await build_scene(sessions, world)
    poll_id = await start_poll(sessions, world, scene.item_id)
    channels = running_app.plugins.get(ChannelsPlugin)
    broadcaster: LiveBroadcaster = running_app.state.broadcaster
    first = await _pushed(channels, broadcaster, scene.meeting_id)  # reads the whole state, keeps it
    assert 'data-cast="0"' in first
    await _vote(await login("member"), poll_id)
    counted = await _pushed(channels, broadcaster, scene.meeting_id)  # the kept roll, the count read again
    assert 'data-cast="1"' in counted
    assert 'data-entitled="2"' in counted
    # Closed without this process hearing of it: the next push must show the result, not the progress.
    async with sessions() as session, session.begin():
        await close_poll(session, poll_id, await viewer(session, world, "secretariat"), dt.datetime.now(dt.UTC))
    closed = await _pushed(channels, broadcaster, scene.meeting_id)
    assert 'data-state="closed"' in closed


async def _both_pushed(
    channels: ChannelsPlugin, broadcaster: LiveBroadcaster, meeting_id: int, *, votes_only: bool
) -> tuple[str, bytes]:
    names = [public_channel("council", meeting_id), internal_channel("council", meeting_id)]
    async with channels.start_subscription(names) as subscriber:
        await broadcaster.push(meeting_id, votes_only=votes_only)
        events = subscriber.iter_events()
        public, internal = [await asyncio.wait_for(anext(events), timeout=5) for _ in names]
        return public.decode(), internal


async def test_votes_tell_members_screens_only_the_count_of_the_open_poll_also_on_a_non_public_item(
    sessions, world, login, running_app
):
    """After votes, members' and the chair's screens get the count ("progress"), not "changed" (which makes every
    member's screen fetch its panel); the count is of a secret poll on a non-public item too, which the public
    panel does not show. A poll closed meanwhile, or any other change, is "changed"."""
    scene = await build_scene(sessions, world)
    poll_id = await start_poll(sessions, world, scene.confidential_item_id, PollKind.SECRET)
    channels = running_app.plugins.get(ChannelsPlugin)
    broadcaster: LiveBroadcaster = running_app.state.broadcaster
    await _vote(await login("member"), poll_id)
    public, internal = await _both_pushed(channels, broadcaster, scene.meeting_id, votes_only=True)
    assert internal == sse_frame("progress", "1")
    assert "Personalsache" not in public
    assert 'data-state="open"' not in public
    assert (await _both_pushed(channels, broadcaster, scene.meeting_id, votes_only=False))[1] == CHANGED_FRAME
    async with sessions() as session, session.begin():
        await close_poll(session, poll_id, await viewer(session, world, "secretariat"), dt.datetime.now(dt.UTC))
    assert (await _both_pushed(channels, broadcaster, scene.meeting_id, votes_only=True))[1] == CHANGED_FRAME


async def test_every_listener_gets_the_frame_encoded_once_byte_for_byte():
    """A push is encoded once: the stream hands each listener the published bytes, after its "ready" frame, and a
    keep-alive comment while nothing comes."""
    plugin = ChannelsPlugin(backend=MemoryChannelsBackend(), arbitrary_channels_allowed=True)
    async with plugin:
        listeners = [stream(plugin, ["council.meeting.1.public"], keepalive_seconds=0.2) for _ in range(3)]
        assert [await anext(listener) for listener in listeners] == [READY_FRAME] * 3
        frame = sse_frame("live", '<div data-state="open">\n31 von 38 haben abgestimmt</div>')
        assert frame == (
            b'event: live\r\ndata: <div data-state="open">\r\ndata: 31 von 38 haben abgestimmt</div>\r\n\r\n'
        )
        await plugin.wait_published(frame, "council.meeting.1.public")
        received = [await asyncio.wait_for(anext(listener), timeout=5) for listener in listeners]
        assert all(message is frame or message == frame for message in received)
        assert await asyncio.wait_for(anext(listeners[0]), timeout=5) == b": keep-alive\r\n\r\n"
        for listener in listeners:
            await listener.aclose()
