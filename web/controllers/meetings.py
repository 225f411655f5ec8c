"""Meetings as the public and the members read them."""

from __future__ import annotations

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from council.accounts.viewer import Viewer
from council.bodies.models import Body
from council.meetings.room_access import meeting_is_public
from council.meetings.room_media import current_item, recordings_of
from council.meetings.service import agenda_visible, get_meeting, item_paper_visible, visible_items
from council.meetings.supplement import supplement_of
from council.minutes.reading import minutes_link
from council.voting.polls import may_conduct
from web.page_cache import PUBLIC_PAGE
from web.pages import page


class MeetingController(Controller):
    path = "/meetings"

    @get("/{meeting_id:int}", name="meeting", opt=PUBLIC_PAGE)
    async def show(
        self,
        meeting_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
    ) -> Template:
        meeting = await get_meeting(db_session, meeting_id)
        items = visible_items(meeting, meeting.agenda_items, viewer)
        confidential = viewer.may_see_confidential(meeting.organization.body_id, meeting.organization_id)
        return page(
            "meetings/show.html",
            viewer=viewer,
            body=municipality,
            meeting=meeting,
            items=items,
            papers_shown={item.id for item in items if item_paper_visible(meeting, item, viewer)},
            supplement=await supplement_of(db_session, meeting, include_confidential=confidential),
            draft=not meeting.invited and bool(items),
            manage=viewer.is_secretariat(meeting.organization.body_id),
            conduct=may_conduct(viewer, meeting),
            minutes=await minutes_link(db_session, meeting, viewer),
            documents=agenda_visible(meeting, viewer),
            members_documents=agenda_visible(meeting, viewer) and confidential,
            # Where the public may listen when the chair allows it (from the database only: the page is cached).
            public_stream=meeting_is_public(meeting, meeting.agenda_items),
            current=current_item(meeting, viewer),
            recordings=await recordings_of(db_session, meeting, viewer),
        )
