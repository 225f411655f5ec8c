"""The meeting packet (Sitzungsmappe) as one PDF: invitation and agenda, a table of contents with page numbers,
every paper, each followed by its PDF attachments, and a bookmark (outline entry) per item, paper and attachment.

WeasyPrint lays out the front matter and, in one run, all the papers; pypdf merges them with the attachments.
The table of contents needs the page numbers of what follows it, and its own length shifts them: it is laid out
again until its length stays the same (twice in practice).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError

from agendas.invitation import PdfUnavailable, write_pdf
from agendas.minutes import ENVIRONMENT
from agendas.packet_data import Packet, PacketPaper

__all__ = ["PdfUnavailable", "TocEntry", "render_packet", "table_of_contents"]


@dataclass(frozen=True)
class TocEntry:
    level: int  # 0 agenda item with its paper, 1 attachment
    label: str
    page: int | None  # 1-based page in the packet; None for an attachment that could not be read


@dataclass(frozen=True)
class _Part:
    """A paper's pages in the papers' PDF, and its attachments as read."""

    paper: PacketPaper
    first: int  # 0-based page index in the papers' PDF
    count: int
    attachments: tuple[tuple[str, PdfReader | None], ...]


def _readable(data: bytes) -> PdfReader | None:
    """An attachment that pypdf cannot read (damaged, encrypted) is named in the contents but not merged."""
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            return None
        len(reader.pages)
    except (PyPdfError, ValueError, KeyError, OSError):
        return None
    return reader


def _papers_pdf(packet: Packet, printed_at: dt.datetime | None) -> tuple[PdfReader | None, list[int]]:
    """All papers in one layout run; each starts a new page, and its heading's bookmark says where."""
    if not packet.papers:
        return None, []
    try:
        from weasyprint import HTML
    except OSError as exc:
        raise PdfUnavailable(str(exc)) from exc
    from agendas.minutes import TEMPLATES

    html = ENVIRONMENT.get_template("packet/papers.html").render(
        doc=packet.meeting, papers=packet.papers, tz=packet.meeting.timezone, printed_at=printed_at
    )
    rendered = HTML(string=html, base_url=TEMPLATES.as_uri() + "/").render()
    # Each entry is (label, (page, x, y), children, state).
    starts = [int(bookmark[1][0]) for bookmark in rendered.make_bookmark_tree()]
    return PdfReader(io.BytesIO(rendered.write_pdf(pdf_tags=True))), starts


def _parts(packet: Packet, papers: PdfReader | None, starts: list[int]) -> list[_Part]:
    if papers is None:
        return []
    total = len(papers.pages)
    ends = [*starts[1:], total]
    return [
        _Part(paper, first, end - first, tuple((a.name, _readable(a.data)) for a in paper.attachments))
        for paper, first, end in zip(packet.papers, starts, ends, strict=True)
    ]


def table_of_contents(parts: list[_Part], front_pages: int) -> list[TocEntry]:
    entries = []
    page = front_pages + 1
    for part in parts:
        label = f"{part.paper.item_number} {part.paper.item_title} – Vorlage {part.paper.reference}"
        entries.append(TocEntry(0, label, page))
        page += part.count
        for name, reader in part.attachments:
            entries.append(TocEntry(1, name, page if reader is not None else None))
            page += len(reader.pages) if reader is not None else 0
    return entries


def _front(packet: Packet, toc: list[TocEntry], printed_at: dt.datetime | None) -> bytes:
    return write_pdf(
        ENVIRONMENT.get_template("packet/front.html").render(
            doc=packet.meeting, toc=toc, tz=packet.meeting.timezone, printed_at=printed_at
        )
    )


def render_packet(packet: Packet, *, printed_at: dt.datetime | None = None) -> bytes:
    papers, starts = _papers_pdf(packet, printed_at)
    parts = _parts(packet, papers, starts)
    front_pages = 1
    for _attempt in range(4):
        front = PdfReader(io.BytesIO(_front(packet, table_of_contents(parts, front_pages), printed_at)))
        if len(front.pages) == front_pages:
            break
        front_pages = len(front.pages)
    return _merge(packet, front, papers, parts)


def _merge(packet: Packet, front: PdfReader, papers: PdfReader | None, parts: list[_Part]) -> bytes:
    writer = PdfWriter()
    for page in front.pages:
        writer.add_page(page)
    writer.add_outline_item(title="Einladung und Tagesordnung", page_number=0)
    writer.add_outline_item(title="Inhaltsverzeichnis", page_number=len(front.pages) - 1)
    for part in parts:
        first = len(writer.pages)
        assert papers is not None
        for index in range(part.first, part.first + part.count):
            writer.add_page(papers.pages[index])
        item = writer.add_outline_item(title=f"{part.paper.item_number} {part.paper.item_title}", page_number=first)
        writer.add_outline_item(title=f"Vorlage {part.paper.reference}", page_number=first, parent=item)
        for name, reader in part.attachments:
            if reader is None:
                continue
            start = len(writer.pages)
            for page in reader.pages:
                writer.add_page(page)
            writer.add_outline_item(title=f"Anlage: {name}", page_number=start, parent=item)
    variant = "öffentlich" if packet.meeting.public else "für die Mitglieder"
    writer.add_metadata({"/Title": f"Sitzungsmappe {packet.meeting.meeting_title} ({variant})"})
    writer.add_metadata({"/Author": packet.meeting.body_name})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
