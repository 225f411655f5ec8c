"""The public live panel during a storm of votes: only the count is read again, the roll at most every few seconds;
a poll closed meanwhile (by another app process, say) is never pushed as still open."""

from __future__ import annotations

import asyncio
import datetime as dt

from litestar.channels import ChannelsPlugin

from council.voting.polls import close_poll
from tests.voting_scene import build_scene, start_poll, viewer
from tests.web_helpers import csrf_token_from
from web.live import LiveBroadcaster, public_channel


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
    assert 'data-cast=\\"0\\"' in first
    await _vote(await login("member"), poll_id)
    counted = await _pushed(channels, broadcaster, scene.meeting_id)  # the kept roll, the count read again
    assert 'data-cast=\\"1\\"' in counted
    assert 'data-entitled=\\"2\\"' in counted
    # Closed without this process hearing of it: the next push must show the result, not the progress.
    async with sessions() as session, session.begin():
        await close_poll(session, poll_id, await viewer(session, world, "secretariat"), dt.datetime.now(dt.UTC))
    closed = await _pushed(channels, broadcaster, scene.meeting_id)
    assert 'data-state=\\"closed\\"' in closed
