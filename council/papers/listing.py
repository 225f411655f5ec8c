"""The list of papers with filters: what the secretariat works through, and what the public may search."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy import ColumnElement, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from council.accounts.viewer import Viewer
from council.papers.models import Consultation, File, Paper, PaperKind, Submitter
from council.papers.service import visible_papers_clause

PAGE_SIZE = 50


class PaperState(enum.StrEnum):
    DRAFT = "draft"  # Entwurf
    PUBLISHED = "published"  # veröffentlicht
    WITHDRAWN = "withdrawn"  # zurückgezogen


@dataclass(frozen=True)
class PaperFilter:
    text: str = ""
    kind: PaperKind | None = None
    state: PaperState | None = None
    year: int | None = None
    organization_id: int | None = None
    page: int = 1


@dataclass(frozen=True)
class PaperPage:
    papers: list[Paper]
    total: int
    page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def _text_clause(text: str, body_id: int, viewer: Viewer) -> ColumnElement[bool]:
    """Reference, title, texts, and the text of attachments the viewer may open."""
    needle = f"%{text.lower()}%"
    file_clause = File.public.is_(True)
    if viewer.is_secretariat(body_id):
        file_clause = File.id.is_not(None)
    in_files = exists().where(
        File.paper_id == Paper.id, File.deleted.is_(False), file_clause, func.lower(File.text).like(needle)
    )
    return or_(
        func.lower(Paper.reference).like(needle),
        func.lower(Paper.title).like(needle),
        func.lower(Paper.proposed_resolution).like(needle),
        func.lower(Paper.reasons).like(needle),
        in_files,
    )


def _state_clause(state: PaperState) -> ColumnElement[bool]:
    if state is PaperState.DRAFT:
        return Paper.published_at.is_(None) & Paper.withdrawn_at.is_(None)
    if state is PaperState.WITHDRAWN:
        return Paper.withdrawn_at.is_not(None)
    return Paper.published_at.is_not(None) & Paper.withdrawn_at.is_(None)


async def list_papers(session: AsyncSession, body_id: int, viewer: Viewer, wanted: PaperFilter) -> PaperPage:
    clauses = [Paper.body_id == body_id, Paper.deleted.is_(False), visible_papers_clause(body_id, viewer)]
    if wanted.text.strip():
        clauses.append(_text_clause(wanted.text.strip(), body_id, viewer))
    if wanted.kind is not None:
        clauses.append(Paper.kind == wanted.kind)
    if wanted.state is not None:
        clauses.append(_state_clause(wanted.state))
    if wanted.year is not None:
        clauses.append(func.extract("year", Paper.date) == wanted.year)
    if wanted.organization_id is not None:
        clauses.append(
            exists().where(Consultation.paper_id == Paper.id, Consultation.organization_id == wanted.organization_id)
        )
    total = await session.scalar(select(func.count(Paper.id)).where(*clauses)) or 0
    page = max(1, wanted.page)
    rows = await session.scalars(
        select(Paper)
        .where(*clauses)
        .options(
            selectinload(Paper.submitters).selectinload(Submitter.person),
            selectinload(Paper.submitters).selectinload(Submitter.organization),
            selectinload(Paper.consultations).selectinload(Consultation.organization),
        )
        .order_by(Paper.date.desc(), Paper.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    return PaperPage(list(rows), int(total), page)
