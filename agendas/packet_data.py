"""What goes into a meeting packet (Sitzungsmappe): the agenda's papers with their PDF attachments.

Built on ``agendas.meeting_print``: the public packet holds only papers the public may read, and of them only
public files; a confidential paper is in the members' packet only, its title, text and files alike.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from agendas.meeting_print import MeetingPrint, reader_of
from council.files.storage import FileStorage
from council.meetings.models import Meeting
from council.papers.models import Paper
from council.papers.service import PAPER_LOADS, visible_files

PDF = "application/pdf"


@dataclass(frozen=True)
class PacketAttachment:
    name: str
    data: bytes


@dataclass(frozen=True)
class PacketPaper:
    item_number: str
    item_title: str
    reference: str
    kind: str  # PaperKind value
    title: str
    date: dt.date
    public: bool
    submitters: tuple[str, ...]
    lead_department: str | None
    proposed_resolution: str | None
    reasons: str | None
    attachments: tuple[PacketAttachment, ...]


@dataclass(frozen=True)
class Packet:
    meeting: MeetingPrint
    papers: tuple[PacketPaper, ...]


def packet_paper(paper: Paper, number: str, title: str, attachments: tuple[PacketAttachment, ...]) -> PacketPaper:
    return PacketPaper(
        item_number=number,
        item_title=title,
        reference=paper.reference,
        kind=paper.kind.value,
        title=paper.title,
        date=paper.date,
        public=paper.public,
        submitters=tuple(s.display_name for s in paper.submitters if not s.deleted),
        lead_department=paper.lead_department.name if paper.lead_department else None,
        proposed_resolution=paper.proposed_resolution,
        reasons=paper.reasons,
        attachments=attachments,
    )


async def meeting_packet(
    session: AsyncSession, meeting: Meeting, document: MeetingPrint, storage: FileStorage
) -> Packet:
    """``document`` is the variant's ``meeting_print``: its items name the papers the variant may show."""
    reader = reader_of(meeting, public=document.public)
    wanted = [item for item in document.items if item.paper_id is not None]
    # One query for all papers, without refreshing what the caller has loaded (its meeting stays as it was).
    loaded = await session.scalars(
        select(Paper).where(Paper.id.in_([i.paper_id for i in wanted])).options(*PAPER_LOADS)
    )
    by_id = {paper.id: paper for paper in loaded}
    papers = []
    for item in wanted:
        paper = by_id[item.paper_id]  # type: ignore[index]
        files = [f for f in visible_files(paper, reader) if f.mime_type == PDF]
        attachments = tuple(PacketAttachment(f.name, storage.read(f.storage_path)) for f in files)
        papers.append(packet_paper(paper, item.number, item.title, attachments))
    return Packet(meeting=document, papers=tuple(papers))
