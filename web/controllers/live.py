"""Live pages: the public live view of a meeting, the projector, and the SSE stream that feeds every screen."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.channels import ChannelsPlugin
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Stream, Template
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from council.accounts.viewer import Viewer
from council.bodies.models import Body
from council.db import utcnow
from council.meetings.attendance import load_meeting
from council.settings import Settings
from council.voting.live import live_state
from web.auth import viewer_of
from web.live import internal_channel, public_channel, stream
from web.pages import page


class LiveController(Controller):
    path = "/meetings/{meeting_id:int}"

    async def _page(
        self, template: str, meeting_id: int, db_session: AsyncSession, viewer: Viewer, body: Body | None
    ) -> Template:
        meeting = await load_meeting(db_session, meeting_id)
        confidential = viewer.may_see_confidential(meeting.organization.body_id, meeting.organization_id)
        live = await live_state(
            db_session, meeting_id, include_confidential=confidential, now=utcnow(), meeting=meeting
        )
        return page(template, viewer=viewer, body=body, meeting=meeting, live=live, confidential=confidential)

    @get("/live", name="live")
    async def live(
        self,
        meeting_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
    ) -> Template:
        return await self._page("live/live.html", meeting_id, db_session, viewer, municipality)

    @get("/live/panel", name="live_panel")
    async def panel(
        self,
        meeting_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
    ) -> Template:
        return await self._page("live/_panel.html", meeting_id, db_session, viewer, municipality)

    @get("/projector", name="projector")
    async def projector(
        self,
        meeting_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
    ) -> Template:
        return await self._page("live/projector.html", meeting_id, db_session, viewer, municipality)

    @get("/events", name="live_events")
    async def events(
        self, request: Request[Any, Any, Any], meeting_id: FromPath[int], channels: NamedDependency[ChannelsPlugin]
    ) -> Stream:
        """Everyone gets the public channel; members and the secretariat also hear that something changed."""
        viewer = await viewer_of(request)
        sessions: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
        # A short session of its own: a stream lasts hours and must not hold a database connection.
        async with sessions() as session:
            meeting = await load_meeting(session, meeting_id)
        settings: Settings = request.app.state.settings
        names = [public_channel(settings.redis_namespace, meeting_id)]
        if viewer.may_see_confidential(meeting.organization.body_id, meeting.organization_id):
            names.append(internal_channel(settings.redis_namespace, meeting_id))
        # A plain stream of frames encoded once per push (see web.live.stream), not Litestar's ServerSentEvent,
        # which would decode and encode every push again for every listener.
        return Stream(
            stream(channels, names, settings.live_keepalive_seconds),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )
