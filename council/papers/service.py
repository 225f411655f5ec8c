"""Reading papers, filtered by what the viewer may see."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, exists, false, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from council.accounts.viewer import Viewer
from council.errors import NotFound
from council.papers.models import Consultation, File, Paper, Submitter


def may_see_confidential_paper(paper: Paper, viewer: Viewer) -> bool:
    """Confidential papers and non-public files: the body's secretariat and members of a consulting
    organization."""
    if viewer.is_secretariat(paper.body_id):
        return True
    return any(viewer.is_member_of(c.organization_id) for c in paper.consultations if not c.deleted)


def paper_visible(paper: Paper, viewer: Viewer) -> bool:
    """Drafts only for the secretariat; published papers for everyone if public, else as confidential."""
    if viewer.is_secretariat(paper.body_id):
        return True
    if not paper.published:
        return False
    return paper.public or may_see_confidential_paper(paper, viewer)


def visible_papers_clause(body_id: int, viewer: Viewer) -> ColumnElement[bool]:
    """paper_visible as SQL, for lists."""
    if viewer.is_secretariat(body_id):
        return true()
    organizations = list(viewer.organization_roles)
    consulted = (
        exists().where(
            Consultation.paper_id == Paper.id,
            Consultation.organization_id.in_(organizations),
            Consultation.deleted.is_(False),
        )
        if organizations
        else false()
    )
    return and_(Paper.published_at.is_not(None), or_(Paper.public.is_(True), consulted))


PAPER_LOADS = (
    selectinload(Paper.submitters).joinedload(Submitter.person),
    selectinload(Paper.submitters).joinedload(Submitter.organization),
    selectinload(Paper.consultations).joinedload(Consultation.organization),
    selectinload(Paper.files),
    selectinload(Paper.replacements),
    # At most one each: joined into the paper's own query.
    joinedload(Paper.lead_department),
    joinedload(Paper.original),
    joinedload(Paper.related_paper),
)


async def load_paper(session: AsyncSession, paper_id: int) -> Paper:
    """The paper with what its page shows, whoever looks; NotFound if there is none (or it was deleted)."""
    paper = await session.scalar(
        select(Paper).where(Paper.id == paper_id).options(*PAPER_LOADS).execution_options(populate_existing=True)
    )
    if paper is None or paper.deleted:
        raise NotFound("paper")
    return paper


async def get_paper(session: AsyncSession, paper_id: int, viewer: Viewer) -> Paper:
    """The paper if the viewer may see it; NotFound otherwise, so its existence is not revealed."""
    paper = await load_paper(session, paper_id)
    if not paper_visible(paper, viewer):
        raise NotFound("paper")
    return paper


def visible_files(paper: Paper, viewer: Viewer) -> list[File]:
    """The paper's attachments the viewer may open (non-public ones only for those who see confidential)."""
    confidential = may_see_confidential_paper(paper, viewer)
    return [f for f in paper.files if not f.deleted and (f.public or confidential)]
