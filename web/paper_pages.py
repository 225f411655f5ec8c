"""The paper page and the paper form, rendered the same way by every paper controller (also after a refusal)."""

from __future__ import annotations

from typing import Any

from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from council.accounts.viewer import Viewer
from council.bodies.models import Body
from council.db import utcnow
from council.errors import NotFound
from council.papers.choices import paper_choices
from council.papers.consultations import step_meetings, step_outcomes, steps_on_agenda
from council.papers.models import ConsultationRole, Paper, PaperKind
from council.papers.service import get_paper, visible_files
from web.pages import page


def required_body(body: Body | None) -> Body:
    if body is None:
        raise NotFound("body")
    return body


async def paper_page(
    db_session: AsyncSession,
    viewer: Viewer,
    body: Body | None,
    paper_id: int,
    *,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    paper = await get_paper(db_session, paper_id, viewer)
    secretariat = viewer.is_secretariat(paper.body_id)
    choices = await paper_choices(db_session, paper.body_id, utcnow()) if secretariat else None
    steps = [c for c in paper.consultations if not c.deleted]
    return page(
        "papers/show.html",
        viewer=viewer,
        body=body,
        paper=paper,
        files=visible_files(paper, viewer),
        steps=steps,
        step_meetings=await step_meetings(db_session, steps),
        outcomes=await step_outcomes(db_session, steps, viewer),
        now=utcnow(),
        on_agenda=await steps_on_agenda(db_session, steps),
        secretariat=secretariat,
        editable=secretariat and not paper.withdrawn,
        choices=choices,
        roles=list(ConsultationRole),
        errors=errors or {},
        status_code=status_code,
    )


def paper_values(paper: Paper) -> dict[str, Any]:
    """The form's values for an existing paper."""
    factions = [s.organization_id for s in paper.submitters if s.organization_id is not None]
    return {
        "kind": paper.kind.value,
        "title": paper.title,
        "date": paper.date.isoformat(),
        "proposed_resolution": paper.proposed_resolution or "",
        "reasons": paper.reasons or "",
        "lead_department": str(paper.lead_department_id or ""),
        "faction": str(factions[0]) if factions else "",
        "persons": [str(s.person_id) for s in paper.submitters if s.person_id is not None],
        "related": paper.related_paper.reference if paper.related_paper else "",
        "public": paper.public,
        "publish": paper.published,
    }


async def paper_form(
    db_session: AsyncSession,
    viewer: Viewer,
    body: Body,
    *,
    values: dict[str, Any],
    paper: Paper | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    return page(
        "papers/form.html",
        viewer=viewer,
        body=body,
        paper=paper,
        values=values,
        kinds=list(PaperKind),
        choices=await paper_choices(db_session, body.id, utcnow()),
        errors=errors or {},
        status_code=status_code,
    )
