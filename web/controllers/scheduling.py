"""The secretariat's meetings: overview, new meeting, change date and place, cancel and reinstate."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST
from sqlalchemy.ext.asyncio import AsyncSession

from council.accounts.viewer import Viewer
from council.bodies.models import Body, Organization
from council.bodies.service import deliberative_organizations, locations_of
from council.db import utcnow
from council.errors import NotFound, PermissionDenied, ValidationFailed
from council.meetings.attendance import load_meeting
from council.meetings.models import Meeting, MeetingMode
from council.meetings.scheduling import (
    cancel_meeting,
    create_meeting,
    reinstate_meeting,
    schedulable_organization,
    update_meeting,
)
from council.meetings.service import meetings_of_body
from council.messages import N_
from web.auth import requires_login
from web.controllers.meeting_forms import NEW_LOCATION, draft_from, form_values, values_of
from web.controllers.voting_common import commit_and_push, int_field, rolled_back
from web.pages import FormData, form_value, page


def _secretariat_body(viewer: Viewer, body: Body | None) -> Body:
    if body is None:
        raise NotFound("body")
    if not viewer.is_secretariat(body.id):
        raise PermissionDenied("meetings")
    return body


async def _meeting_of_secretariat(db_session: AsyncSession, viewer: Viewer, meeting_id: int) -> Meeting:
    meeting = await load_meeting(db_session, meeting_id)
    if not viewer.is_secretariat(meeting.organization.body_id):
        raise PermissionDenied("meetings")
    return meeting


async def _form_page(
    db_session: AsyncSession,
    viewer: Viewer,
    body: Body,
    organization: Organization,
    *,
    meeting: Meeting | None,
    values: dict[str, str],
    errors: dict[str, str],
    status_code: int = 200,
) -> Template:
    return page(
        "meetings/form.html",
        viewer=viewer,
        body=body,
        organization=organization,
        meeting=meeting,
        locations=await locations_of(db_session, body.id),
        modes=list(MeetingMode),
        new_location=NEW_LOCATION,
        values=values,
        errors=errors,
        status_code=status_code,
    )


class SchedulingController(Controller):
    guards = [requires_login]  # noqa: RUF012

    @get("/secretariat/meetings", name="secretariat_meetings")
    async def index(
        self,
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
        organization: FromQuery[int | None] = None,
    ) -> Template:
        body = _secretariat_body(viewer, municipality)
        organizations = await deliberative_organizations(db_session, body.id)
        chosen = next((o for o in organizations if o.id == organization), None)
        meetings = await meetings_of_body(db_session, body.id, chosen.id if chosen else None)
        now = utcnow()
        return page(
            "meetings/secretariat.html",
            viewer=viewer,
            body=body,
            organizations=organizations,
            chosen=chosen,
            upcoming=[m for m in reversed(meetings) if m.start >= now],
            past=[m for m in meetings if m.start < now],
        )

    @get("/meetings/new", name="meeting_new")
    async def new(
        self,
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
        organization: FromQuery[int],
    ) -> Template:
        body = _secretariat_body(viewer, municipality)
        chosen = await schedulable_organization(db_session, viewer, organization)
        return await _form_page(db_session, viewer, body, chosen, meeting=None, values={}, errors={})

    @post("/meetings/new", name="meeting_create")
    async def create(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
        data: FormData,
    ) -> Template | Redirect:
        body = _secretariat_body(viewer, municipality)
        organization_id = int_field(data, "organization", N_("Bitte wählen Sie ein Gremium."))
        assert organization_id is not None
        organization = await schedulable_organization(db_session, viewer, organization_id)
        values = form_values(data)
        try:
            meeting = await create_meeting(
                db_session, viewer, organization.id, draft_from(values, organization, body.timezone), utcnow()
            )
        except ValidationFailed as exc:
            await rolled_back(db_session, body)
            organization = await schedulable_organization(db_session, viewer, organization_id)
            return await _form_page(
                db_session,
                viewer,
                body,
                organization,
                meeting=None,
                values=values,
                errors=exc.errors,
                status_code=HTTP_400_BAD_REQUEST,
            )
        await commit_and_push(request, db_session)
        return Redirect(f"/meetings/{meeting.id}/agenda", status_code=303)

    @get("/meetings/{meeting_id:int}/edit", name="meeting_edit")
    async def edit(
        self,
        meeting_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
    ) -> Template:
        meeting = await _meeting_of_secretariat(db_session, viewer, meeting_id)
        body = meeting.organization.body
        values = values_of(meeting, body.timezone)
        return await _form_page(
            db_session, viewer, body, meeting.organization, meeting=meeting, values=values, errors={}
        )

    @post("/meetings/{meeting_id:int}/edit", name="meeting_update")
    async def update(
        self,
        request: Request[Any, Any, Any],
        meeting_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
        data: FormData,
    ) -> Template | Redirect:
        meeting = await _meeting_of_secretariat(db_session, viewer, meeting_id)
        timezone = meeting.organization.body.timezone
        values = form_values(data)
        try:
            draft = draft_from(values, meeting.organization, timezone)
            await update_meeting(db_session, meeting, viewer, draft, utcnow())
        except ValidationFailed as exc:
            await rolled_back(db_session, None)
            meeting = await _meeting_of_secretariat(db_session, viewer, meeting_id)
            return await _form_page(
                db_session,
                viewer,
                meeting.organization.body,
                meeting.organization,
                meeting=meeting,
                values=values,
                errors=exc.errors,
                status_code=HTTP_400_BAD_REQUEST,
            )
        await commit_and_push(request, db_session)
        return Redirect(f"/meetings/{meeting_id}", status_code=303)

    @get("/meetings/{meeting_id:int}/cancel", name="meeting_cancel_form")
    async def cancel_form(
        self,
        meeting_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
    ) -> Template:
        return await _cancel_page(db_session, viewer, municipality, meeting_id)

    @post("/meetings/{meeting_id:int}/cancel", name="meeting_cancel")
    async def cancel(
        self,
        request: Request[Any, Any, Any],
        meeting_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
        data: FormData,
    ) -> Template | Redirect:
        reason = form_value(data, "reason", 3000)

        async def decide(meeting: Meeting) -> None:
            await cancel_meeting(db_session, meeting, viewer, reason, utcnow())

        return await _decide(request, db_session, viewer, municipality, meeting_id, decide, reason)

    @post("/meetings/{meeting_id:int}/reinstate", name="meeting_reinstate")
    async def reinstate(
        self,
        request: Request[Any, Any, Any],
        meeting_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
    ) -> Template | Redirect:
        async def decide(meeting: Meeting) -> None:
            await reinstate_meeting(db_session, meeting, viewer, utcnow())

        return await _decide(request, db_session, viewer, municipality, meeting_id, decide)


async def _cancel_page(
    db_session: AsyncSession,
    viewer: Viewer,
    body: Body | None,
    meeting_id: int,
    *,
    reason: str = "",
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    meeting = await _meeting_of_secretariat(db_session, viewer, meeting_id)
    return page(
        "meetings/cancel.html",
        viewer=viewer,
        body=body,
        meeting=meeting,
        reason=reason,
        errors=errors or {},
        status_code=status_code,
    )


async def _decide(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    viewer: Viewer,
    body: Body | None,
    meeting_id: int,
    decide: Callable[[Meeting], Awaitable[None]],
    reason: str = "",
) -> Template | Redirect:
    """Cancel or reinstate: on refusal the cancellation page again with the reasons, nothing changed."""
    meeting = await _meeting_of_secretariat(db_session, viewer, meeting_id)
    try:
        await decide(meeting)
    except ValidationFailed as exc:
        body = await rolled_back(db_session, body)
        return await _cancel_page(
            db_session, viewer, body, meeting_id, reason=reason, errors=exc.errors, status_code=HTTP_400_BAD_REQUEST
        )
    await commit_and_push(request, db_session)
    return Redirect(f"/meetings/{meeting_id}", status_code=303)
