"""The agenda editor: plain forms that work without JavaScript; htmx swaps only the agenda section."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST
from sqlalchemy.ext.asyncio import AsyncSession

from council.accounts.viewer import Viewer
from council.bodies.models import Body
from council.db import utcnow
from council.errors import PermissionDenied, ValidationFailed
from council.meetings.agenda import (
    ItemDraft,
    add_consultation,
    add_standard_items,
    add_topic,
    edit_item,
    live_items,
    may_edit_agenda,
    move_item,
    remove_item,
    siblings_of,
)
from council.meetings.attendance import load_meeting
from council.meetings.models import AgendaItem, Meeting
from council.meetings.states import agenda_editable
from council.meetings.supplement import supplement_of
from council.meetings.waiting import waiting_consultations
from council.messages import N_
from web.auth import requires_login
from web.controllers.voting_common import commit_and_push, int_field, rolled_back
from web.pages import FormData, form_value, page

EDITOR_ID = "agenda-editor"


def agenda_tree(items: list[AgendaItem]) -> dict[bool, list[tuple[AgendaItem, list[AgendaItem]]]]:
    """Main items per part (public first), each with its sub-items, in agenda order."""
    tree: dict[bool, list[tuple[AgendaItem, list[AgendaItem]]]] = {True: [], False: []}
    for item in items:
        if item.parent_id is None:
            tree[item.public].append((item, [i for i in items if i.parent_id == item.id]))
    return tree


def wants_partial(request: Request[Any, Any, Any]) -> bool:
    """htmx asked to swap the agenda section (a boosted page load asks for the whole body instead)."""
    return request.headers.get("hx-target") == EDITOR_ID


async def _editor_meeting(db_session: AsyncSession, viewer: Viewer, meeting_id: int) -> Meeting:
    meeting = await load_meeting(db_session, meeting_id)
    if not may_edit_agenda(viewer, meeting):
        raise PermissionDenied("agenda")
    return meeting


async def editor_page(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    viewer: Viewer,
    body: Body | None,
    meeting_id: int,
    *,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    meeting = await _editor_meeting(db_session, viewer, meeting_id)
    items = live_items(meeting)
    template = "meetings/_agenda_editor.html" if wants_partial(request) else "meetings/agenda_editor.html"
    response = page(
        template,
        viewer=viewer,
        body=body,
        meeting=meeting,
        tree=agenda_tree(items),
        parents=[i for i in items if i.parent_id is None],
        sibling_counts={i.id: len(siblings_of(meeting, i)) for i in items},
        sibling_index={i.id: siblings_of(meeting, i).index(i) for i in items},
        waiting=await waiting_consultations(db_session, meeting.organization_id),
        supplement=await supplement_of(db_session, meeting, include_confidential=True),
        editable=agenda_editable(meeting.state),
        errors=errors or {},
        status_code=status_code,
    )
    response.headers["Vary"] = "HX-Target"
    return response


Change = Callable[[Meeting], Awaitable[AgendaItem | int]]


async def _change(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    viewer: Viewer,
    body: Body | None,
    meeting_id: int,
    change: Change,
) -> Template | Redirect:
    """Run one agenda change: on success the agenda section (htmx) or a redirect to the editor, on refusal the
    editor again with the reasons and status 400, nothing of the change kept."""
    meeting = await _editor_meeting(db_session, viewer, meeting_id)
    try:
        result = await change(meeting)
    except ValidationFailed as exc:
        body = await rolled_back(db_session, body)
        return await editor_page(
            request, db_session, viewer, body, meeting_id, errors=exc.errors, status_code=HTTP_400_BAD_REQUEST
        )
    await commit_and_push(request, db_session)
    if wants_partial(request):
        return await editor_page(request, db_session, viewer, body, meeting_id)
    anchor = f"#item-{result.id}" if isinstance(result, AgendaItem) else ""
    return Redirect(f"/meetings/{meeting_id}/agenda{anchor}", status_code=303)


def _draft(data: FormData) -> ItemDraft:
    return ItemDraft(
        title=form_value(data, "title", 2000),
        public=form_value(data, "part", 20) != "confidential",
        parent_id=int_field(data, "parent", N_("Bitte wählen Sie einen Hauptpunkt."), required=False),
    )


def _target_index(data: FormData, current: int) -> int:
    direction = form_value(data, "direction", 10)
    if direction in ("up", "down"):
        return current - 1 if direction == "up" else current + 1
    index = int_field(data, "to", N_("Bitte geben Sie an, wohin der Punkt verschoben wird."))
    assert index is not None
    return index


class AgendaController(Controller):
    path = "/meetings/{meeting_id:int}/agenda"
    guards = [requires_login]  # noqa: RUF012

    @get("/", name="agenda_editor")
    async def show(
        self,
        request: Request[Any, Any, Any],
        meeting_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
    ) -> Template:
        return await editor_page(request, db_session, viewer, municipality, meeting_id)

    @post("/items", name="agenda_add_topic")
    async def add(
        self,
        request: Request[Any, Any, Any],
        meeting_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
        data: FormData,
    ) -> Template | Redirect:
        async def change(meeting: Meeting) -> AgendaItem:
            return await add_topic(db_session, meeting, viewer, _draft(data), utcnow())

        return await _change(request, db_session, viewer, municipality, meeting_id, change)

    @post("/consultations", name="agenda_add_consultation")
    async def add_paper(
        self,
        request: Request[Any, Any, Any],
        meeting_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
        data: FormData,
    ) -> Template | Redirect:
        async def change(meeting: Meeting) -> AgendaItem:
            consultation = int_field(data, "consultation", N_("Bitte wählen Sie eine Vorlage."))
            assert consultation is not None
            parent = int_field(data, "parent", N_("Bitte wählen Sie einen Hauptpunkt."), required=False)
            return await add_consultation(db_session, meeting, viewer, consultation, parent, utcnow())

        return await _change(request, db_session, viewer, municipality, meeting_id, change)

    @post("/standard", name="agenda_add_standard")
    async def add_standard(
        self,
        request: Request[Any, Any, Any],
        meeting_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
    ) -> Template | Redirect:
        async def change(meeting: Meeting) -> int:
            return await add_standard_items(db_session, meeting, viewer, utcnow())

        return await _change(request, db_session, viewer, municipality, meeting_id, change)

    @post("/items/{item_id:int}/move", name="agenda_move")
    async def move(
        self,
        request: Request[Any, Any, Any],
        meeting_id: FromPath[int],
        item_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
        data: FormData,
    ) -> Template | Redirect:
        async def change(meeting: Meeting) -> AgendaItem:
            item = next((i for i in live_items(meeting) if i.id == item_id), None)
            if item is None:
                raise ValidationFailed({"item": N_("Diesen Tagesordnungspunkt gibt es in der Sitzung nicht.")})
            index = _target_index(data, siblings_of(meeting, item).index(item))
            return await move_item(db_session, meeting, viewer, item_id, index, utcnow())

        return await _change(request, db_session, viewer, municipality, meeting_id, change)

    @post("/items/{item_id:int}", name="agenda_edit")
    async def edit(
        self,
        request: Request[Any, Any, Any],
        meeting_id: FromPath[int],
        item_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
        data: FormData,
    ) -> Template | Redirect:
        async def change(meeting: Meeting) -> AgendaItem:
            return await edit_item(db_session, meeting, viewer, item_id, _draft(data), utcnow())

        return await _change(request, db_session, viewer, municipality, meeting_id, change)

    @post("/items/{item_id:int}/remove", name="agenda_remove")
    async def remove(
        self,
        request: Request[Any, Any, Any],
        meeting_id: FromPath[int],
        item_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
    ) -> Template | Redirect:
        async def change(meeting: Meeting) -> int:
            await remove_item(db_session, meeting, viewer, item_id, utcnow())
            return 0

        return await _change(request, db_session, viewer, municipality, meeting_id, change)
