"""The chair's and secretariat's console: run the meeting, its attendance, conflicts, polls and results."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from council.accounts.viewer import Viewer
from council.bodies.models import Body, Organization
from council.db import utcnow
from council.errors import ValidationFailed
from council.meetings.attendance import close_meeting, load_meeting, open_meeting
from council.meetings.results import record_item_result
from council.messages import N_
from council.voting.ballots import voted_person_ids
from council.voting.conflicts import conflicts_of_item, declare_conflict
from council.voting.live import live_state
from council.voting.models import PollKind, PollSubject
from council.voting.polls import PollDraft, create_poll, polls_of_meeting, require_conduct
from council.voting.rules import ItemResult, Majority
from web.auth import requires_login
from web.controllers.voting_common import commit_and_push, int_field, rolled_back
from web.pages import FormData, form_value, page


async def console_page(
    db_session: AsyncSession,
    viewer: Viewer,
    body: Body | None,
    meeting_id: int,
    *,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    meeting = await load_meeting(db_session, meeting_id)
    require_conduct(viewer, meeting)
    live = await live_state(db_session, meeting_id, include_confidential=True, now=utcnow(), meeting=meeting)
    polls = await polls_of_meeting(db_session, meeting_id)
    by_item: dict[int, list[Any]] = defaultdict(list)
    for poll in polls:
        by_item[poll.agenda_item_id].append(poll)
    conflicts = {
        item.id: await conflicts_of_item(db_session, item.id) for item in meeting.agenda_items if not item.deleted
    }
    voted = await voted_person_ids(db_session, live.poll) if live.poll and live.poll.is_open else set()
    committees = await db_session.scalars(
        select(Organization)
        .where(Organization.body_id == meeting.organization.body_id, Organization.id != meeting.organization_id)
        .order_by(Organization.name)
    )
    return page(
        "voting/console.html",
        viewer=viewer,
        body=body,
        meeting=meeting,
        items=[item for item in meeting.agenda_items if not item.deleted],
        live=live,
        polls=by_item,
        conflicts=conflicts,
        not_voted=[seat for seat in live.roll.entitled if seat.person_id not in voted],
        referral_targets=[o for o in committees if o.kind.is_deliberative],
        poll_kinds=list(PollKind),
        poll_subjects=list(PollSubject),
        majorities=list(Majority),
        outcomes=[r for r in ItemResult if not r.is_decision],
        errors=errors or {},
        status_code=status_code,
    )


class ConsoleController(Controller):
    path = "/meetings/{meeting_id:int}"
    guards = [requires_login]  # noqa: RUF012

    @get("/console", name="console")
    async def show(
        self,
        meeting_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
    ) -> Template:
        return await console_page(db_session, viewer, municipality, meeting_id)

    @post("/open", name="meeting_open")
    async def open(
        self,
        request: Request[Any, Any, Any],
        meeting_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
    ) -> Template | Redirect:
        meeting = await load_meeting(db_session, meeting_id)
        try:
            await open_meeting(db_session, meeting, viewer)
        except ValidationFailed as exc:
            return await self._refused(db_session, viewer, municipality, meeting_id, exc)
        await commit_and_push(request, db_session)
        return Redirect(f"/meetings/{meeting_id}/console", status_code=303)

    @post("/close", name="meeting_close")
    async def close(
        self,
        request: Request[Any, Any, Any],
        meeting_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
    ) -> Template | Redirect:
        meeting = await load_meeting(db_session, meeting_id)
        try:
            await close_meeting(db_session, meeting, viewer, utcnow())
        except ValidationFailed as exc:
            return await self._refused(db_session, viewer, municipality, meeting_id, exc)
        await commit_and_push(request, db_session)
        return Redirect(f"/meetings/{meeting_id}/console", status_code=303)

    @post("/items/{item_id:int}/polls", name="poll_create")
    async def create_poll(
        self,
        request: Request[Any, Any, Any],
        meeting_id: FromPath[int],
        item_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
        data: FormData,
    ) -> Template | Redirect:
        meeting = await load_meeting(db_session, meeting_id)
        item = next((i for i in meeting.agenda_items if i.id == item_id and not i.deleted), None)
        try:
            if item is None:
                raise ValidationFailed({"item": N_("Diesen Tagesordnungspunkt gibt es in der Sitzung nicht.")})
            draft = _draft_from(data, default_title=item.title)
            await create_poll(db_session, item, meeting, viewer, draft)
        except ValidationFailed as exc:
            return await self._refused(db_session, viewer, municipality, meeting_id, exc)
        await commit_and_push(request, db_session)
        return Redirect(f"/meetings/{meeting_id}/console#item-{item_id}", status_code=303)

    @post("/items/{item_id:int}/result", name="item_result")
    async def item_result(
        self,
        request: Request[Any, Any, Any],
        meeting_id: FromPath[int],
        item_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
        data: FormData,
    ) -> Template | Redirect:
        meeting = await load_meeting(db_session, meeting_id)
        require_conduct(viewer, meeting)
        try:
            if item_id not in {i.id for i in meeting.agenda_items}:
                raise ValidationFailed({"item": N_("Diesen Tagesordnungspunkt gibt es in der Sitzung nicht.")})
            try:
                result = ItemResult(form_value(data, "result", 30))
            except ValueError:
                raise ValidationFailed({"result": N_("Bitte wählen Sie ein Ergebnis.")}) from None
            target = int_field(data, "referred_to", N_("Bitte wählen Sie ein Gremium."), required=False)
            await record_item_result(db_session, item_id, viewer, result, utcnow(), target)
        except ValidationFailed as exc:
            return await self._refused(db_session, viewer, municipality, meeting_id, exc)
        await commit_and_push(request, db_session)
        return Redirect(f"/meetings/{meeting_id}/console#item-{item_id}", status_code=303)

    @post("/items/{item_id:int}/conflicts", name="conflict_declare")
    async def declare(
        self,
        request: Request[Any, Any, Any],
        meeting_id: FromPath[int],
        item_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
        data: FormData,
    ) -> Template | Redirect:
        """A member declares for themselves (no person field); the chair or secretariat names the member."""
        meeting = await load_meeting(db_session, meeting_id)
        own = not form_value(data, "person", 12).strip()
        try:
            if item_id not in {i.id for i in meeting.agenda_items}:
                raise ValidationFailed({"item": N_("Diesen Tagesordnungspunkt gibt es in der Sitzung nicht.")})
            person_id = viewer.person_id if own else int_field(data, "person", N_("Bitte wählen Sie ein Mitglied."))
            if person_id is None:
                raise ValidationFailed({"person": N_("Ihr Konto ist keiner Person zugeordnet.")})
            await declare_conflict(db_session, item_id, viewer, person_id, form_value(data, "reason", 500), utcnow())
        except ValidationFailed as exc:
            if own:
                from web.controllers.voting import vote_page

                municipality = await rolled_back(db_session, municipality)
                return await vote_page(db_session, viewer, municipality, meeting_id, errors=exc.errors, status=400)
            return await self._refused(db_session, viewer, municipality, meeting_id, exc)
        await commit_and_push(request, db_session)
        target = f"/meetings/{meeting_id}/vote" if own else f"/meetings/{meeting_id}/console#item-{item_id}"
        return Redirect(target, status_code=303)

    async def _refused(
        self, db_session: AsyncSession, viewer: Viewer, body: Body | None, meeting_id: int, exc: ValidationFailed
    ) -> Template:
        body = await rolled_back(db_session, body)
        return await console_page(
            db_session, viewer, body, meeting_id, errors=exc.errors, status_code=HTTP_400_BAD_REQUEST
        )


def _draft_from(data: FormData, default_title: str) -> PollDraft:
    errors = {}
    try:
        kind = PollKind(form_value(data, "kind", 20))
    except ValueError:
        errors["kind"] = N_("Bitte wählen Sie die Art der Abstimmung.")
    try:
        subject = PollSubject(form_value(data, "subject", 20) or PollSubject.MAIN.value)
    except ValueError:
        errors["subject"] = N_("Bitte wählen Sie, worüber abgestimmt wird.")
    try:
        majority = Majority(form_value(data, "majority", 30) or Majority.SIMPLE.value)
    except ValueError:
        errors["majority"] = N_("Bitte wählen Sie die erforderliche Mehrheit.")
    if errors:
        raise ValidationFailed(errors)
    return PollDraft(
        kind=kind,
        subject=subject,
        title=form_value(data, "title", 300).strip() or default_title,
        motion_text=form_value(data, "motion_text", 10000),
        majority=majority,
    )
