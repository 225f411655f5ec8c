"""The public calendar: /calendar (upcoming or past, per organization) and /calendar/{year}/{month}."""

from __future__ import annotations

from typing import Annotated
from zoneinfo import ZoneInfo

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from council.accounts.viewer import Viewer
from council.bodies.models import Body, Organization
from council.bodies.service import list_organizations
from council.db import utcnow
from council.errors import NotFound
from council.meetings.calendar import meeting_list, meetings_by_day, month_of
from web.page_cache import PUBLIC_PAGE
from web.pages import page
from web.paper_pages import required_body


def _organization(value: str) -> int | None:
    """An unknown filter value shows everything rather than an error: a calendar is never an error."""
    return int(value) if value.isdigit() and len(value) < 10 else None


async def _deliberative(db_session: AsyncSession, body_id: int) -> list[Organization]:
    grouped = await list_organizations(db_session, body_id)
    return [o for group in grouped.values() for o in group if o.kind.is_deliberative]


class CalendarController(Controller):
    path = "/calendar"

    @get("/", name="calendar", opt=PUBLIC_PAGE)
    async def index(
        self,
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
        when: FromQuery[str] = "upcoming",
        organization: FromQuery[str] = "",
    ) -> Template:
        body = required_body(municipality)
        past = when == "past"
        organization_id = _organization(organization)
        now = utcnow()
        local_today = now.astimezone(ZoneInfo(body.timezone)).date()
        return page(
            "calendar/index.html",
            viewer=viewer,
            body=body,
            past=past,
            organization_id=organization_id,
            organizations=await _deliberative(db_session, body.id),
            meetings=await meeting_list(db_session, body.id, now, past=past, organization_id=organization_id),
            this_month=(local_today.year, local_today.month),
        )

    @get("/{year:int}/{month:int}", name="calendar_month", opt=PUBLIC_PAGE)
    async def month(
        self,
        year: FromPath[int],
        month: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
        organization: Annotated[str, QueryParameter(name="organization")] = "",
    ) -> Template:
        body = required_body(municipality)
        wanted = month_of(year, month)
        if wanted is None:
            raise NotFound("month")
        organization_id = _organization(organization)
        zone = ZoneInfo(body.timezone)
        return page(
            "calendar/month.html",
            viewer=viewer,
            body=body,
            month=wanted,
            weeks=wanted.weeks(),
            days=await meetings_by_day(db_session, body.id, wanted, zone, organization_id),
            today=utcnow().astimezone(zone).date(),
            organization_id=organization_id,
            organizations=await _deliberative(db_session, body.id),
        )
