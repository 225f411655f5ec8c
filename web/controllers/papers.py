"""Papers (Vorlagen): the list, the paper page, and the secretariat's forms to write, publish, withdraw, replace."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from council.accounts.viewer import Viewer
from council.bodies.models import Body
from council.bodies.service import list_organizations
from council.db import utcnow
from council.errors import PermissionDenied, ValidationFailed
from council.papers.editing import create_paper, publish_paper, replace_paper, update_paper, withdraw_paper
from council.papers.listing import PaperFilter, PaperState, list_papers
from council.papers.models import PaperKind
from council.papers.service import get_paper
from web.auth import requires_login
from web.controllers.voting_common import rolled_back
from web.page_cache import PUBLIC_PAGE
from web.pages import FormData, form_value, page
from web.paper_forms import form_values, paper_input
from web.paper_pages import paper_form, paper_page, paper_values, required_body


def _paper_filter(q: str, kind: str, state: str, year: str, organization: str, page_number: str) -> PaperFilter:
    """Unknown filter values are ignored rather than refused: a list is never an error."""
    return PaperFilter(
        text=q[:200],
        kind=PaperKind(kind) if kind in PaperKind.__members__.values() else None,
        state=PaperState(state) if state in PaperState.__members__.values() else None,
        year=int(year) if year.isdigit() and len(year) == 4 else None,
        organization_id=int(organization) if organization.isdigit() else None,
        page=int(page_number) if page_number.isdigit() and len(page_number) < 6 else 1,
    )


class PaperController(Controller):
    path = "/papers"

    @get("/", name="papers", opt=PUBLIC_PAGE)
    async def index(
        self,
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
        q: FromQuery[str] = "",
        kind: FromQuery[str] = "",
        paper_state: Annotated[str, QueryParameter(name="state")] = "",
        year: FromQuery[str] = "",
        organization: FromQuery[str] = "",
        page_number: Annotated[str, QueryParameter(name="page")] = "1",
    ) -> Template:
        body = required_body(municipality)
        wanted = _paper_filter(q, kind, paper_state, year, organization, page_number)
        found = await list_papers(db_session, body.id, viewer, wanted)
        organizations = await list_organizations(db_session, body.id)
        return page(
            "papers/index.html",
            viewer=viewer,
            body=body,
            found=found,
            wanted=wanted,
            kinds=list(PaperKind),
            states=list(PaperState),
            organizations=[o for group in organizations.values() for o in group if o.kind.is_deliberative],
            secretariat=viewer.is_secretariat(body.id),
        )

    @get("/new", name="paper_new", guards=[requires_login])
    async def new(
        self,
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
    ) -> Template:
        body = required_body(municipality)
        if not viewer.is_secretariat(body.id):
            raise PermissionDenied("papers")
        values = {"date": utcnow().date().isoformat(), "public": True, "kind": PaperKind.RESOLUTION_PROPOSAL.value}
        return await paper_form(db_session, viewer, body, values=values)

    @post("/", name="paper_create", guards=[requires_login])
    async def create(
        self,
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
        data: FormData,
    ) -> Template | Redirect:
        body = required_body(municipality)
        if not viewer.is_secretariat(body.id):
            raise PermissionDenied("papers")
        values = form_values(data)
        try:
            paper = await create_paper(
                db_session, body, viewer, paper_input(data), publish=values["publish"], now=utcnow()
            )
        except ValidationFailed as exc:
            body = required_body(await rolled_back(db_session, body))
            return await paper_form(db_session, viewer, body, values=values, errors=exc.errors, status_code=400)
        return Redirect(f"/papers/{paper.id}", status_code=303)

    @get("/{paper_id:int}", name="paper", opt=PUBLIC_PAGE)
    async def show(
        self,
        paper_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
    ) -> Template:
        return await paper_page(db_session, viewer, municipality, paper_id)

    @get("/{paper_id:int}/edit", name="paper_edit", guards=[requires_login])
    async def edit(
        self,
        paper_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
    ) -> Template:
        paper = await get_paper(db_session, paper_id, viewer)
        if not viewer.is_secretariat(paper.body_id):
            raise PermissionDenied("papers")
        body = required_body(municipality)
        return await paper_form(db_session, viewer, body, values=paper_values(paper), paper=paper)

    @post("/{paper_id:int}/edit", name="paper_update", guards=[requires_login])
    async def update(
        self,
        paper_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
        data: FormData,
    ) -> Template | Redirect:
        paper = await get_paper(db_session, paper_id, viewer)
        body = required_body(municipality)
        if not viewer.is_secretariat(paper.body_id):
            raise PermissionDenied("papers")
        values = {**form_values(data), "kind": paper.kind.value}
        try:
            await update_paper(db_session, paper_id, viewer, paper_input({**data, "kind": paper.kind.value}), body)
        except ValidationFailed as exc:
            body = required_body(await rolled_back(db_session, body))
            paper = await get_paper(db_session, paper_id, viewer)
            return await paper_form(
                db_session, viewer, body, values=values, paper=paper, errors=exc.errors, status_code=400
            )
        return Redirect(f"/papers/{paper_id}", status_code=303)

    @post("/{paper_id:int}/publish", name="paper_publish", guards=[requires_login])
    async def publish(
        self,
        paper_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
    ) -> Template | Redirect:
        await get_paper(db_session, paper_id, viewer)
        try:
            await publish_paper(db_session, paper_id, viewer, utcnow())
        except ValidationFailed as exc:
            body = await rolled_back(db_session, municipality)
            return await paper_page(db_session, viewer, body, paper_id, errors=exc.errors, status_code=400)
        return Redirect(f"/papers/{paper_id}", status_code=303)

    @post("/{paper_id:int}/withdraw", name="paper_withdraw", guards=[requires_login])
    async def withdraw(
        self,
        paper_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
        data: FormData,
    ) -> Template | Redirect:
        await get_paper(db_session, paper_id, viewer)
        try:
            await withdraw_paper(db_session, paper_id, viewer, form_value(data, "withdrawal_reason", 2001), utcnow())
        except ValidationFailed as exc:
            body = await rolled_back(db_session, municipality)
            return await paper_page(db_session, viewer, body, paper_id, errors=exc.errors, status_code=400)
        return Redirect(f"/papers/{paper_id}", status_code=303)

    @post("/{paper_id:int}/replace", name="paper_replace", guards=[requires_login])
    async def replace(
        self,
        paper_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
    ) -> Template | Redirect:
        await get_paper(db_session, paper_id, viewer)
        try:
            replacement = await replace_paper(db_session, paper_id, viewer, utcnow())
        except ValidationFailed as exc:
            body = await rolled_back(db_session, municipality)
            return await paper_page(db_session, viewer, body, paper_id, errors=exc.errors, status_code=400)
        # The new version starts as a copy: the secretary goes straight on to what changes.
        return Redirect(f"/papers/{replacement.id}/edit", status_code=303)
