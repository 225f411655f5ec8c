"""Reading papers, filtered by what the viewer may see."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from council.accounts.viewer import Viewer
from council.errors import NotFound
from council.papers.models import Consultation, Paper, Submitter


def paper_visible(paper: Paper, viewer: Viewer) -> bool:
    """A confidential paper: the body's secretariat and members of an organization that consults it."""
    if paper.public:
        return True
    if viewer.is_secretariat(paper.body_id):
        return True
    return any(viewer.is_member_of(c.organization_id) for c in paper.consultations)


async def get_paper(session: AsyncSession, paper_id: int, viewer: Viewer) -> Paper:
    """The paper if the viewer may see it; NotFound otherwise, so its existence is not revealed."""
    paper = await session.scalar(
        select(Paper)
        .where(Paper.id == paper_id)
        .options(
            selectinload(Paper.submitters).selectinload(Submitter.person),
            selectinload(Paper.submitters).selectinload(Submitter.organization),
            selectinload(Paper.consultations).selectinload(Consultation.organization),
            selectinload(Paper.files),
            selectinload(Paper.lead_department),
        )
    )
    if paper is None or paper.deleted or not paper_visible(paper, viewer):
        raise NotFound("paper")
    return paper
