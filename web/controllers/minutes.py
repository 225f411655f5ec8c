"""The secretariat's minutes editor: create, regenerate, edit texts (with conflict detection), submit, reopen."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST, HTTP_409_CONFLICT
from sqlalchemy.ext.asyncio import AsyncSession

from council.accounts.viewer import Viewer
from council.bodies.models import Body
from council.db import utcnow
from council.errors import PermissionDenied, ValidationFailed
from council.messages import N_
from council.minutes.access import ensure_entitled, item_of
from council.minutes.errors import EditConflict, WrongMinutesState
from council.minutes.rules import Action
from council.minutes.service import (
    HeaderEdit,
    create_minutes,
    regenerate,
    reopen,
    save_deliberation,
    save_header,
    submit,
    withdraw,
)
from web.auth import requires_login
from web.controllers.minutes_pages import is_partial, minutes_context, minutes_page
from web.controllers.voting_common import commit_and_push, int_field, rolled_back
from web.pages import FormData, form_value, page

TEXT_LIMIT = 50_000


def _revision(data: FormData) -> int:
    revision = int_field(data, "revision", N_("Der Bearbeitungsstand fehlt; bitte laden Sie die Seite neu."))
    assert revision is not None
    return revision


def _back(meeting_id: int, anchor: str = "") -> Redirect:
    return Redirect(f"/meetings/{meeting_id}/minutes{anchor}", status_code=303)


async def item_view(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    viewer: Viewer,
    body: Body | None,
    meeting_id: int,
    item_id: int,
    *,
    editing: bool,
    form: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Template:
    """One item of the editor: as an htmx fragment, or as a page of its own when scripts are off."""
    context = await minutes_context(db_session, meeting_id, viewer)
    if not context.can[Action.EDIT] or context.minutes is None:
        raise PermissionDenied("edit minutes")
    row = item_of(context.minutes, item_id)
    assert context.document is not None
    record = next((i for i in context.document.items if i.agenda_item_id == item_id), None)
    values = {
        "meeting": context.meeting,
        "row": row,
        "record": record,
        "editing": editing,
        "form": form or {},
        "can": context.can,
    }
    if is_partial(request):
        return Template(template_name="minutes/_item.html", context=values, status_code=status_code)
    return page("minutes/item_edit.html", viewer=viewer, body=body, status_code=status_code, **values)


class MinutesController(Controller):
    path = "/meetings/{meeting_id:int}/minutes"

    @get("/", name="minutes")
    async def show(
        self,
        meeting_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
    ) -> Template:
        return await minutes_page(db_session, viewer, municipality, meeting_id)

    @post("/", name="minutes_create", guards=[requires_login])
    async def create(
        self,
        request: Request[Any, Any, Any],
        meeting_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
    ) -> Template | Redirect:
        try:
            await create_minutes(db_session, meeting_id, viewer, utcnow())
        except ValidationFailed as exc:
            return await self._refused(db_session, viewer, municipality, meeting_id, exc)
        await commit_and_push(request, db_session)
        return _back(meeting_id)

    @post("/regenerate", name="minutes_regenerate", guards=[requires_login])
    async def regenerate(
        self,
        meeting_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
    ) -> Template | Redirect:
        try:
            await regenerate(db_session, meeting_id, viewer, utcnow())
        except ValidationFailed as exc:
            return await self._refused(db_session, viewer, municipality, meeting_id, exc)
        return _back(meeting_id)

    @post("/header", name="minutes_header", guards=[requires_login])
    async def header(
        self,
        meeting_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
        data: FormData,
    ) -> Template | Redirect:
        await ensure_entitled(db_session, meeting_id, viewer, Action.EDIT)
        text = form_value(data, "other_attendees", TEXT_LIMIT)
        try:
            edit = HeaderEdit(
                chair_person_id=int_field(data, "chair", N_("Bitte wählen Sie den Vorsitz."), required=False),
                clerk_person_id=int_field(data, "clerk", N_("Bitte wählen Sie die Schriftführung."), required=False),
                other_attendees=text,
                revision=_revision(data),
            )
            await save_header(db_session, meeting_id, viewer, edit)
        except EditConflict as exc:
            body = await rolled_back(db_session, municipality)
            return await minutes_page(
                db_session,
                viewer,
                body,
                meeting_id,
                errors=exc.errors,
                status_code=HTTP_409_CONFLICT,
                header_conflict={"mine": text, "theirs": exc.current_text},
            )
        except ValidationFailed as exc:
            return await self._refused(db_session, viewer, municipality, meeting_id, exc)
        return _back(meeting_id, "#header")

    @get("/items/{item_id:int}/edit", name="minutes_item_edit", guards=[requires_login])
    async def edit_item(
        self,
        request: Request[Any, Any, Any],
        meeting_id: FromPath[int],
        item_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
    ) -> Template:
        return await item_view(request, db_session, viewer, municipality, meeting_id, item_id, editing=True)

    @get("/items/{item_id:int}", name="minutes_item", guards=[requires_login])
    async def show_item(
        self,
        request: Request[Any, Any, Any],
        meeting_id: FromPath[int],
        item_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
    ) -> Template:
        return await item_view(request, db_session, viewer, municipality, meeting_id, item_id, editing=False)

    @post("/items/{item_id:int}", name="minutes_item_save", guards=[requires_login])
    async def save_item(
        self,
        request: Request[Any, Any, Any],
        meeting_id: FromPath[int],
        item_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
        data: FormData,
    ) -> Template | Redirect:
        await ensure_entitled(db_session, meeting_id, viewer, Action.EDIT)
        text = form_value(data, "deliberation", TEXT_LIMIT)
        try:
            await save_deliberation(db_session, meeting_id, item_id, viewer, text, _revision(data))
        except EditConflict as exc:
            body = await rolled_back(db_session, municipality)
            form = {"text": text, "revision": exc.current_revision, "theirs": exc.current_text, "errors": exc.errors}
            return await item_view(
                request, db_session, viewer, body, meeting_id, item_id, editing=True, form=form, status_code=409
            )
        except WrongMinutesState as exc:
            # Submitted meanwhile: nothing can be saved, but the text typed is shown so that it is not lost.
            body = await rolled_back(db_session, municipality)
            unsaved = {"text": text, "message": exc.errors["state"], "item_id": item_id}
            if is_partial(request):
                return Template(template_name="minutes/_unsaved.html", context={"unsaved": unsaved}, status_code=409)
            return await minutes_page(
                db_session, viewer, body, meeting_id, errors=exc.errors, status_code=HTTP_409_CONFLICT, unsaved=unsaved
            )
        except ValidationFailed as exc:
            body = await rolled_back(db_session, municipality)
            form = {"text": text, "errors": exc.errors}
            return await item_view(
                request, db_session, viewer, body, meeting_id, item_id, editing=True, form=form, status_code=400
            )
        if is_partial(request):
            await db_session.commit()
            return await item_view(request, db_session, viewer, municipality, meeting_id, item_id, editing=False)
        return _back(meeting_id, f"#item-{item_id}")

    @post("/submit", name="minutes_submit", guards=[requires_login])
    async def submit(
        self,
        meeting_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
    ) -> Template | Redirect:
        try:
            await submit(db_session, meeting_id, viewer, utcnow())
        except ValidationFailed as exc:
            return await self._refused(db_session, viewer, municipality, meeting_id, exc)
        return _back(meeting_id)

    @post("/withdraw", name="minutes_withdraw", guards=[requires_login])
    async def withdraw(
        self,
        meeting_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
    ) -> Template | Redirect:
        try:
            await withdraw(db_session, meeting_id, viewer, utcnow())
        except ValidationFailed as exc:
            return await self._refused(db_session, viewer, municipality, meeting_id, exc)
        return _back(meeting_id)

    @post("/reopen", name="minutes_reopen", guards=[requires_login])
    async def reopen(
        self,
        meeting_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
        data: FormData,
    ) -> Template | Redirect:
        try:
            await reopen(db_session, meeting_id, viewer, form_value(data, "reason", 5000))
        except ValidationFailed as exc:
            return await self._refused(db_session, viewer, municipality, meeting_id, exc)
        return _back(meeting_id)

    @staticmethod
    async def _refused(
        db_session: AsyncSession, viewer: Viewer, body: Body | None, meeting_id: int, exc: ValidationFailed
    ) -> Template:
        body = await rolled_back(db_session, body)
        status = HTTP_409_CONFLICT if "state" in exc.errors else HTTP_400_BAD_REQUEST
        return await minutes_page(db_session, viewer, body, meeting_id, errors=exc.errors, status_code=status)
