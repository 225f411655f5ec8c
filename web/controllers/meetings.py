"""Meetings as the public and the members read them."""

from __future__ import annotations

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from council.accounts.viewer import Viewer
from council.bodies.models import Body
from council.meetings.service import get_meeting, item_paper_visible, visible_items
from web.pages import page


class MeetingController(Controller):
    path = "/meetings"

    @get("/{meeting_id:int}", name="meeting")
    async def show(
        self,
        meeting_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
    ) -> Template:
        meeting = await get_meeting(db_session, meeting_id)
        items = visible_items(meeting, meeting.agenda_items, viewer)
        return page(
            "meetings/show.html",
            viewer=viewer,
            body=municipality,
            meeting=meeting,
            items=items,
            papers_shown={item.id for item in items if item_paper_visible(meeting, item, viewer)},
        )
