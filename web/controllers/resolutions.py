"""The resolution register (public as far as public), corrections and Beschlussverfolgung (secretariat)."""

from __future__ import annotations

import datetime as dt

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from council.accounts.viewer import Viewer
from council.bodies.models import Body, Organization, OrganizationKind
from council.db import utcnow
from council.errors import NotFound, PermissionDenied, ValidationFailed
from council.messages import N_
from council.resolutions.deadlines import Recurrence
from council.resolutions.followup import add_task, complete_task, is_overdue, suggested_deadline, tasks_of_body
from council.resolutions.register import correct_resolution, get_visible_resolution, visible_resolutions
from web.auth import requires_login
from web.controllers.voting_common import int_field, rolled_back
from web.page_cache import PUBLIC_PAGE
from web.pages import FormData, form_value, page


def _body(body: Body | None) -> Body:
    if body is None:
        raise NotFound("body")
    return body


async def resolution_page(
    db_session: AsyncSession,
    viewer: Viewer,
    body: Body | None,
    resolution_id: int,
    *,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    resolution = await get_visible_resolution(db_session, resolution_id, viewer)
    secretariat = viewer.is_secretariat(resolution.body_id)
    departments = await db_session.scalars(
        select(Organization)
        .where(Organization.body_id == resolution.body_id, Organization.kind == OrganizationKind.DEPARTMENT)
        .order_by(Organization.name)
    )
    return page(
        "resolutions/show.html",
        viewer=viewer,
        body=body,
        resolution=resolution,
        secretariat=secretariat,
        suggestion=suggested_deadline(resolution) if secretariat else None,
        departments=list(departments),
        recurrences=list(Recurrence),
        errors=errors or {},
        status_code=status_code,
    )


class ResolutionController(Controller):
    path = "/resolutions"

    @get("/", name="resolutions", opt=PUBLIC_PAGE)
    async def index(
        self,
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
    ) -> Template:
        body = _body(municipality)
        rows = await visible_resolutions(db_session, body.id, viewer)
        return page("resolutions/index.html", viewer=viewer, body=body, resolutions=rows)

    @get("/{resolution_id:int}", name="resolution", opt=PUBLIC_PAGE)
    async def show(
        self,
        resolution_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
    ) -> Template:
        return await resolution_page(db_session, viewer, municipality, resolution_id)

    @post("/{resolution_id:int}/corrections", name="resolution_correct", guards=[requires_login])
    async def correct(
        self,
        resolution_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
        data: FormData,
    ) -> Template | Redirect:
        resolution = await get_visible_resolution(db_session, resolution_id, viewer)
        if not viewer.is_secretariat(resolution.body_id):
            raise PermissionDenied("correct")
        try:
            await correct_resolution(
                db_session,
                resolution_id,
                wording=form_value(data, "wording", 200),
                text=form_value(data, "text", 20000) or None,
                vote_summary=form_value(data, "vote_summary", 200) or None,
                reason=form_value(data, "reason", 2000),
                author_user_id=viewer.user_id,
            )
        except ValidationFailed as exc:
            body = await rolled_back(db_session, municipality)
            return await resolution_page(db_session, viewer, body, resolution_id, errors=exc.errors, status_code=400)
        return Redirect(f"/resolutions/{resolution_id}", status_code=303)

    @post("/{resolution_id:int}/tasks", name="task_add", guards=[requires_login])
    async def add(
        self,
        resolution_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
        data: FormData,
    ) -> Template | Redirect:
        resolution = await get_visible_resolution(db_session, resolution_id, viewer)
        try:
            raw_due = form_value(data, "due_date", 10).strip()
            try:
                due = dt.date.fromisoformat(raw_due) if raw_due else None
            except ValueError:
                raise ValidationFailed({"due_date": N_("Bitte ein Datum wie 2026-06-30 angeben.")}) from None
            try:
                recurrence = Recurrence(form_value(data, "recurrence", 20) or Recurrence.NONE.value)
            except ValueError:
                raise ValidationFailed({"recurrence": N_("Bitte einen Rhythmus wählen.")}) from None
            await add_task(
                db_session,
                resolution,
                viewer,
                description=form_value(data, "description", 5000),
                department_id=int_field(
                    data, "department", N_("Bitte eine Verwaltungseinheit wählen."), required=False
                ),
                due_date=due,
                recurrence=recurrence,
            )
        except ValidationFailed as exc:
            body = await rolled_back(db_session, municipality)
            return await resolution_page(db_session, viewer, body, resolution_id, errors=exc.errors, status_code=400)
        return Redirect(f"/resolutions/{resolution_id}#tasks", status_code=303)


class FollowUpController(Controller):
    path = "/follow-ups"
    guards = [requires_login]  # noqa: RUF012

    @get("/", name="follow_ups")
    async def index(
        self,
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
    ) -> Template:
        body = _body(municipality)
        if not viewer.is_secretariat(body.id):
            raise PermissionDenied("follow-ups")
        today = utcnow().date()
        tasks = await tasks_of_body(db_session, body.id)
        return page(
            "resolutions/follow_ups.html",
            viewer=viewer,
            body=body,
            overdue=[t for t in tasks if is_overdue(t, today)],
            upcoming=[t for t in tasks if not is_overdue(t, today)],
        )

    @post("/{task_id:int}/done", name="task_done")
    async def done(
        self,
        task_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        data: FormData,
    ) -> Redirect:
        await complete_task(db_session, task_id, viewer, utcnow(), form_value(data, "note", 2000))
        return Redirect("/follow-ups", status_code=303)
