"""Papers, their consultations and files as open data: nothing of a confidential paper or a non-public item."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from council.meetings.models import AgendaItem, Meeting
from council.opendata.freshness import Embedded
from council.opendata.reader import Kind, Loaded, as_loaded
from council.opendata.visibility import (
    consultation_is_public,
    file_is_public,
    public_agenda_items,
    public_consultations,
    public_files,
    public_papers,
)
from council.papers.models import Consultation, File, Paper


@dataclass(frozen=True)
class ItemOfConsultation:
    """An agenda item under which a consultation is held, as far as a consultation needs to know it.

    A postponed paper comes back on a later agenda under the same consultation, so there may be several.
    """

    id: int
    meeting_id: int
    # Public item on an agenda that has been sent out: what ``visible_items`` shows the anonymous viewer.
    shown: bool


@dataclass(frozen=True)
class ConsultationEntry:
    consultation: Consultation
    modified: dt.datetime
    agenda_item_id: int | None
    meeting_id: int | None


@dataclass(frozen=True)
class PaperEntry:
    paper: Paper
    modified: dt.datetime
    consultations: list[ConsultationEntry]
    files: list[File]
    related_paper_ids: list[int]
    originator_person_ids: list[int]
    originator_organization_ids: list[int]


async def items_of_consultations(
    session: AsyncSession, consultations: Select[tuple[int]]
) -> dict[int, list[ItemOfConsultation]]:
    """The live items of the consultations ``consultations`` selects (a page's ids: never more than a page),
    earliest meeting first."""
    rows = await session.execute(
        select(AgendaItem.consultation_id, AgendaItem.id, AgendaItem.meeting_id, public_agenda_items())
        .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .where(AgendaItem.consultation_id.in_(consultations), AgendaItem.deleted.is_(False))
        .order_by(Meeting.start, AgendaItem.id)
    )
    items: dict[int, list[ItemOfConsultation]] = {}
    for consultation_id, item_id, meeting_id, shown in rows:
        items.setdefault(consultation_id, []).append(ItemOfConsultation(item_id, meeting_id, bool(shown)))
    return items


def consultation_entry(
    consultation: Consultation, modified: dt.datetime, items: list[ItemOfConsultation]
) -> ConsultationEntry:
    """The consultation points at its latest agenda item (where it was last, or will next be, discussed)."""
    latest = items[-1] if items else None
    return ConsultationEntry(
        consultation=consultation,
        modified=modified,
        agenda_item_id=latest.id if latest else None,
        meeting_id=consultation.meeting_id or (latest.meeting_id if latest else None),
    )


async def related_papers(session: AsyncSession, papers: list[Paper]) -> dict[int, list[int]]:
    """Both directions of "related": an answer names its inquiry, the inquiry its answers. Public ones only."""
    ids = [paper.id for paper in papers]
    targets = [paper.related_paper_id for paper in papers if paper.related_paper_id is not None]
    rows = (
        await session.execute(
            select(Paper.id, Paper.related_paper_id).where(
                public_papers(), Paper.deleted.is_(False), or_(Paper.id.in_(targets), Paper.related_paper_id.in_(ids))
            )
        )
    ).all()
    shown = {row[0] for row in rows}
    related: dict[int, set[int]] = {paper.id: set() for paper in papers}
    for paper in papers:
        if paper.related_paper_id is not None and paper.related_paper_id in shown:
            related[paper.id].add(paper.related_paper_id)
    for other_id, target_id in rows:
        if target_id in related:
            related[target_id].add(other_id)
    return {paper_id: sorted(others) for paper_id, others in related.items()}


async def _papers(session: AsyncSession, rows: list[Loaded[Paper]]) -> list[PaperEntry]:
    papers = [row.record for row in rows]
    items = await items_of_consultations(
        session, select(Consultation.id).where(Consultation.paper_id.in_([paper.id for paper in papers]))
    )
    related = await related_papers(session, papers)
    entries = []
    for row in rows:
        paper = row.record
        submitters = [s for s in paper.submitters if not s.deleted]
        entries.append(
            PaperEntry(
                paper=paper,
                modified=row.modified,
                consultations=[
                    consultation_entry(c, c.modified, items.get(c.id, []))
                    for c in paper.consultations
                    if not c.deleted and consultation_is_public(paper, [i.shown for i in items.get(c.id, [])])
                ],
                files=[f for f in paper.files if not f.deleted and file_is_public(f, paper)],
                related_paper_ids=related[paper.id],
                originator_person_ids=[s.person_id for s in submitters if s.person_id is not None],
                originator_organization_ids=[s.organization_id for s in submitters if s.organization_id is not None],
            )
        )
    return entries


async def _consultations(session: AsyncSession, rows: list[Loaded[Consultation]]) -> list[ConsultationEntry]:
    items = await items_of_consultations(
        session, select(Consultation.id).where(Consultation.id.in_([row.record.id for row in rows]))
    )
    return [consultation_entry(row.record, row.modified, items.get(row.record.id, [])) for row in rows]


PAPERS: Kind[Paper, PaperEntry] = Kind(
    name="paper",
    model=Paper,
    build=_papers,
    owners={"body": lambda body_id: Paper.body_id == body_id},
    public=public_papers,
    embedded=(
        Embedded(Consultation, lambda: Consultation.paper_id == Paper.id),
        Embedded(File, lambda: File.paper_id == Paper.id),
    ),
    options=lambda: (
        selectinload(Paper.submitters),
        selectinload(Paper.consultations),
        selectinload(Paper.files),
    ),
)
CONSULTATIONS: Kind[Consultation, ConsultationEntry] = Kind(
    name="consultation",
    model=Consultation,
    build=_consultations,
    owners={
        "body": lambda body_id: Consultation.paper_id.in_(select(Paper.id).where(Paper.body_id == body_id)),
        "organization": lambda organization_id: Consultation.organization_id == organization_id,
    },
    public=public_consultations,
)
FILES: Kind[File, Loaded[File]] = Kind(
    name="file",
    model=File,
    build=as_loaded,
    owners={"body": lambda body_id: File.body_id == body_id},
    public=public_files,
)
