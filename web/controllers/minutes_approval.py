"""Approving and signing minutes, and members' requests to have their own vote recorded."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST, HTTP_409_CONFLICT
from sqlalchemy.ext.asyncio import AsyncSession

from council.accounts.viewer import Viewer
from council.bodies.models import Body
from council.db import utcnow
from council.errors import ValidationFailed
from council.messages import N_
from council.minutes.access import ensure_entitled
from council.minutes.approval import ApprovalText, approve_as_chair, approve_at_meeting, sign
from council.minutes.models import SignatureRole
from council.minutes.rules import Action
from council.minutes.vote_records import request_vote_record, withdraw_vote_record
from council.voting.rules import Choice
from web.auth import requires_login
from web.controllers.minutes_pages import minutes_page
from web.controllers.voting_common import commit_and_push, int_field, rolled_back
from web.pages import FormData, form_value

TEXT_LIMIT = 20_000


def _approval_text(data: FormData) -> ApprovalText:
    return ApprovalText(
        objections=form_value(data, "objections", TEXT_LIMIT),
        corrections=form_value(data, "corrections", TEXT_LIMIT),
        confidential_notes=form_value(data, "confidential_notes", TEXT_LIMIT),
    )


def _required(data: FormData, name: str, message: str) -> int:
    value = int_field(data, name, message)
    assert value is not None
    return value


class MinutesApprovalController(Controller):
    path = "/meetings/{meeting_id:int}/minutes"
    guards = [requires_login]  # noqa: RUF012

    @post("/approve", name="minutes_approve")
    async def approve(
        self,
        request: Request[Any, Any, Any],
        meeting_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
        data: FormData,
    ) -> Template | Redirect:
        """At a later meeting's item "Genehmigung der Niederschrift", or (``via=chair``) by the chair."""
        await ensure_entitled(db_session, meeting_id, viewer, Action.APPROVE_AT_MEETING, Action.APPROVE_AS_CHAIR)
        try:
            if form_value(data, "via", 10) == "chair":
                await approve_as_chair(db_session, meeting_id, viewer, _approval_text(data), utcnow())
            else:
                item_id = _required(data, "item", N_("Bitte wählen Sie den Tagesordnungspunkt der Genehmigung."))
                await approve_at_meeting(db_session, meeting_id, viewer, item_id, _approval_text(data), utcnow())
        except ValidationFailed as exc:
            return await _refused(db_session, viewer, municipality, meeting_id, exc)
        await commit_and_push(request, db_session)
        return Redirect(f"/meetings/{meeting_id}/minutes", status_code=303)

    @post("/sign", name="minutes_sign")
    async def sign(
        self,
        meeting_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
        data: FormData,
    ) -> Template | Redirect:
        await ensure_entitled(db_session, meeting_id, viewer, Action.SIGN_AS_CHAIR, Action.SIGN_AS_CLERK)
        try:
            try:
                role = SignatureRole(form_value(data, "role", 10))
            except ValueError:
                raise ValidationFailed(
                    {"role": N_("Bitte wählen Sie, in welcher Funktion Sie unterzeichnen.")}
                ) from None
            await sign(db_session, meeting_id, viewer, role, utcnow())
        except ValidationFailed as exc:
            return await _refused(db_session, viewer, municipality, meeting_id, exc)
        return Redirect(f"/meetings/{meeting_id}/minutes#signatures", status_code=303)

    @post("/vote-records", name="minutes_vote_record")
    async def record_vote(
        self,
        meeting_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
        data: FormData,
    ) -> Template | Redirect:
        await ensure_entitled(db_session, meeting_id, viewer, Action.RECORD_OWN_VOTE, Action.RECORD_VOTE_FOR_MEMBER)
        try:
            poll_id = _required(data, "poll", N_("Bitte wählen Sie die Abstimmung."))
            person_id = int_field(data, "person", N_("Bitte wählen Sie das Mitglied."), required=False)
            try:
                choice = Choice(form_value(data, "choice", 10))
            except ValueError:
                raise ValidationFailed({"choice": N_("Bitte wählen Sie Ja, Nein oder Enthaltung.")}) from None
            person = person_id if person_id is not None else viewer.person_id
            if person is None:
                raise ValidationFailed({"person": N_("Bitte wählen Sie das Mitglied.")})
            await request_vote_record(db_session, meeting_id, viewer, poll_id, person, choice, utcnow())
        except ValidationFailed as exc:
            return await _refused(db_session, viewer, municipality, meeting_id, exc)
        return Redirect(f"/meetings/{meeting_id}/minutes#vote-records", status_code=303)

    @post("/vote-records/{request_id:int}/delete", name="minutes_vote_record_delete")
    async def delete_vote_record(
        self,
        meeting_id: FromPath[int],
        request_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
    ) -> Template | Redirect:
        await ensure_entitled(db_session, meeting_id, viewer, Action.RECORD_OWN_VOTE, Action.RECORD_VOTE_FOR_MEMBER)
        try:
            await withdraw_vote_record(db_session, meeting_id, viewer, request_id)
        except ValidationFailed as exc:
            return await _refused(db_session, viewer, municipality, meeting_id, exc)
        return Redirect(f"/meetings/{meeting_id}/minutes#vote-records", status_code=303)


async def _refused(
    db_session: AsyncSession, viewer: Viewer, body: Body | None, meeting_id: int, exc: ValidationFailed
) -> Template:
    body = await rolled_back(db_session, body)
    status = HTTP_409_CONFLICT if "state" in exc.errors else HTTP_400_BAD_REQUEST
    return await minutes_page(db_session, viewer, body, meeting_id, errors=exc.errors, status_code=status)
