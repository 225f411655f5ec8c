"""Calendars (iCalendar): one meeting, an organization's public feed, and each member's personal feed at a
secret address that the member can replace or switch off on the account page."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect
from sqlalchemy.ext.asyncio import AsyncSession

from agendas.calendar import calendar_of, meeting_event
from council.accounts.calendar_token import issue_calendar_token, revoke_calendar_token, user_of_calendar_token
from council.accounts.service import get_user, load_viewer
from council.accounts.viewer import Viewer
from council.bodies.models import Organization
from council.db import utcnow
from council.errors import NotFound
from council.meetings.attendance import load_meeting
from council.meetings.calendar_feeds import organization_feed, personal_feed
from council.meetings.models import Meeting
from council.settings import Settings
from web.auth import requires_login
from web.page_cache import PUBLIC_PAGE


def ics_response(
    meetings: list[Meeting], request: Request[Any, Any, Any], name: str, *, private: bool
) -> Response[Any]:
    settings: Settings = request.app.state.settings
    now = utcnow()
    events = [meeting_event(m, base_url=settings.public_base_url, now=now) for m in meetings]
    return Response(
        calendar_of(events, name=name),
        media_type="text/calendar; charset=utf-8",
        headers={"cache-control": "private, no-store" if private else "public, max-age=300"},
    )


class CalendarFeedController(Controller):
    @get("/meetings/{meeting_id:int}/calendar.ics", name="meeting_calendar", opt=PUBLIC_PAGE)
    async def meeting(
        self, request: Request[Any, Any, Any], meeting_id: FromPath[int], db_session: NamedDependency[AsyncSession]
    ) -> Response[Any]:
        meeting = await load_meeting(db_session, meeting_id)
        return ics_response([meeting], request, meeting.name, private=False)

    @get("/organizations/{organization_id:int}/calendar.ics", name="organization_calendar", opt=PUBLIC_PAGE)
    async def organization(
        self,
        request: Request[Any, Any, Any],
        organization_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
    ) -> Response[Any]:
        organization = await db_session.get(Organization, organization_id)
        if organization is None or organization.deleted or not organization.kind.is_deliberative:
            raise NotFound("organization")
        meetings = await organization_feed(db_session, organization_id, utcnow())
        return ics_response(meetings, request, f"Sitzungen: {organization.name}", private=False)

    @get("/calendar/{file:str}", name="personal_calendar")
    async def personal(
        self, request: Request[Any, Any, Any], file: FromPath[str], db_session: NamedDependency[AsyncSession]
    ) -> Response[Any]:
        """``<token>.ics``: a path parameter fills a whole segment, so the suffix is taken off here."""
        token = file.removesuffix(".ics") if file.endswith(".ics") else ""
        user = await user_of_calendar_token(db_session, token)
        viewer = await load_viewer(db_session, user.id)
        meetings = await personal_feed(db_session, user, viewer, utcnow())
        return ics_response(meetings, request, f"Meine Sitzungen ({user.display_name})", private=True)


class CalendarTokenController(Controller):
    path = "/account/calendar"
    guards = [requires_login]  # noqa: RUF012

    @post("/", name="account_calendar_issue")
    async def issue(self, db_session: NamedDependency[AsyncSession], viewer: NamedDependency[Viewer]) -> Redirect:
        assert viewer.user_id is not None  # the guard let only logged-in users through
        issue_calendar_token(await get_user(db_session, viewer.user_id))
        return Redirect("/account#calendar", status_code=303)

    @post("/revoke", name="account_calendar_revoke")
    async def revoke(self, db_session: NamedDependency[AsyncSession], viewer: NamedDependency[Viewer]) -> Redirect:
        assert viewer.user_id is not None
        revoke_calendar_token(await get_user(db_session, viewer.user_id))
        return Redirect("/account#calendar", status_code=303)
