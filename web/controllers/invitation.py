"""Einladung versenden: the secretariat's check before sending, the sending, and the delivery record."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST
from sqlalchemy.ext.asyncio import AsyncSession

from agendas.dispatch import deliver, retry, sending_check, start_sending
from council.accounts.viewer import Viewer
from council.bodies.models import Body
from council.db import utcnow
from council.errors import PermissionDenied, ValidationFailed
from council.mail.deliveries import deliveries_of
from council.meetings.attendance import load_meeting
from council.meetings.models import Meeting
from council.messages import N_
from council.settings import Settings
from web.auth import requires_login
from web.controllers.voting_common import commit_and_push, int_field, rolled_back
from web.pages import FormData, form_value, page


async def _secretariat_meeting(db_session: AsyncSession, viewer: Viewer, meeting_id: int) -> Meeting:
    meeting = await load_meeting(db_session, meeting_id)
    if not viewer.is_secretariat(meeting.organization.body_id):
        raise PermissionDenied("invitation")
    return meeting


async def invitation_page(
    db_session: AsyncSession,
    viewer: Viewer,
    body: Body | None,
    meeting_id: int,
    *,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    meeting = await _secretariat_meeting(db_session, viewer, meeting_id)
    return page(
        "meetings/invitation.html",
        viewer=viewer,
        body=body,
        meeting=meeting,
        check=await sending_check(db_session, meeting, utcnow()),
        deliveries=await deliveries_of(db_session, meeting.id),
        errors=errors or {},
        status_code=status_code,
    )


class InvitationController(Controller):
    path = "/meetings/{meeting_id:int}/invitation"
    guards = [requires_login]  # noqa: RUF012

    @get("/", name="invitation")
    async def show(
        self,
        meeting_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
    ) -> Template:
        return await invitation_page(db_session, viewer, municipality, meeting_id)

    @post("/", name="invitation_send")
    async def send(
        self,
        request: Request[Any, Any, Any],
        meeting_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
        data: FormData,
    ) -> Template | Redirect:
        meeting = await _secretariat_meeting(db_session, viewer, meeting_id)
        settings: Settings = request.app.state.settings
        now = utcnow()
        try:
            expected = int_field(data, "notices", N_("Bitte laden Sie die Seite neu und senden Sie erneut."))
            assert expected is not None
            notice = await start_sending(
                db_session,
                meeting,
                viewer,
                now,
                expected_notices=expected,
                confirm_short_notice=form_value(data, "confirm_short_notice", 10) == "yes",
            )
        except ValidationFailed as exc:
            body = await rolled_back(db_session, municipality)
            return await invitation_page(
                db_session, viewer, body, meeting_id, errors=exc.errors, status_code=HTTP_400_BAD_REQUEST
            )
        # The sending and its pending deliveries are committed before any mail goes out: a crash while sending
        # leaves them visible as pending, to be sent again, and a second click finds the sending recorded.
        await commit_and_push(request, db_session)
        await deliver(db_session, meeting, notice, settings, now)
        await db_session.commit()
        return Redirect(f"/meetings/{meeting_id}/invitation#deliveries", status_code=303)

    @post("/deliveries/{delivery_id:int}/retry", name="invitation_retry")
    async def retry(
        self,
        request: Request[Any, Any, Any],
        meeting_id: FromPath[int],
        delivery_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
    ) -> Template | Redirect:
        meeting = await _secretariat_meeting(db_session, viewer, meeting_id)
        settings: Settings = request.app.state.settings
        try:
            await retry(db_session, meeting, viewer, delivery_id, settings, utcnow())
        except ValidationFailed as exc:
            body = await rolled_back(db_session, municipality)
            return await invitation_page(
                db_session, viewer, body, meeting_id, errors=exc.errors, status_code=HTTP_400_BAD_REQUEST
            )
        await db_session.commit()
        return Redirect(f"/meetings/{meeting_id}/invitation#deliveries", status_code=303)
