"""The Beratungsfolge editor: plain forms that redirect back to the paper; htmx swaps only the list
(``hx-select``), so the page keeps its place and the forms work the same without JavaScript."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from litestar import Controller, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from council.accounts.viewer import Viewer
from council.bodies.models import Body
from council.db import utcnow
from council.errors import PermissionDenied, ValidationFailed
from council.messages import N_
from council.papers.consultations import add_step, move_step, remove_step, update_step
from council.papers.service import get_paper
from web.auth import requires_login
from web.controllers.voting_common import rolled_back
from web.pages import FormData, form_value
from web.paper_forms import consultation_role, optional_id
from web.paper_pages import paper_page

_MEETING = N_("Bitte eine Sitzung dieses Gremiums wählen.")


async def _edit(
    db_session: AsyncSession,
    viewer: Viewer,
    body: Body | None,
    paper_id: int,
    change: Callable[[], Awaitable[object]],
) -> Template | Redirect:
    paper = await get_paper(db_session, paper_id, viewer)
    if not viewer.is_secretariat(paper.body_id):
        raise PermissionDenied("consultations")
    try:
        await change()
    except ValidationFailed as exc:
        body = await rolled_back(db_session, body)
        return await paper_page(db_session, viewer, body, paper_id, errors=exc.errors, status_code=400)
    return Redirect(f"/papers/{paper_id}#consultations", status_code=303)


class ConsultationController(Controller):
    path = "/papers/{paper_id:int}/consultations"
    guards = [requires_login]  # noqa: RUF012

    @post("/", name="consultation_add")
    async def add(
        self,
        paper_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
        data: FormData,
    ) -> Template | Redirect:
        async def change() -> object:
            return await add_step(
                db_session,
                paper_id,
                viewer,
                organization_id=optional_id(data, "organization", N_("Bitte ein Gremium wählen.")),
                role=consultation_role(data),
                meeting_id=optional_id(data, "meeting", _MEETING),
                now=utcnow(),
            )

        return await _edit(db_session, viewer, municipality, paper_id, change)

    @post("/{consultation_id:int}", name="consultation_update")
    async def update(
        self,
        paper_id: FromPath[int],
        consultation_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
        data: FormData,
    ) -> Template | Redirect:
        async def change() -> object:
            return await update_step(
                db_session,
                paper_id,
                consultation_id,
                viewer,
                role=consultation_role(data),
                meeting_id=optional_id(data, "meeting", _MEETING),
                now=utcnow(),
            )

        return await _edit(db_session, viewer, municipality, paper_id, change)

    @post("/{consultation_id:int}/move", name="consultation_move")
    async def move(
        self,
        paper_id: FromPath[int],
        consultation_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
        data: FormData,
    ) -> Template | Redirect:
        offset = {"up": -1, "down": 1}.get(form_value(data, "direction", 10), 0)

        async def change() -> object:
            await move_step(db_session, paper_id, consultation_id, viewer, offset, utcnow())
            return None

        return await _edit(db_session, viewer, municipality, paper_id, change)

    @post("/{consultation_id:int}/remove", name="consultation_remove")
    async def remove(
        self,
        paper_id: FromPath[int],
        consultation_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
    ) -> Template | Redirect:
        async def change() -> object:
            await remove_step(db_session, paper_id, consultation_id, viewer, utcnow())
            return None

        return await _edit(db_session, viewer, municipality, paper_id, change)
