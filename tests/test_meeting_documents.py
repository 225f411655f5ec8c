"""Invitation and meeting packet (Sitzungsmappe) of a demo meeting: the members' variants hold the non-public
part, the public ones never any trace of it (text, bookmarks, attachments); the packet's contents point at the
right pages."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from agendas.invitation import render_pdf
from agendas.meeting_print import meeting_print
from agendas.packet import render_packet
from agendas.packet_data import meeting_packet
from council.demo import CONFIDENTIAL_MARKER, load_demo
from council.files.storage import FileStorage
from council.meetings.attendance import load_meeting
from council.meetings.models import AgendaItem, Meeting
from council.papers.models import Consultation, File

TODAY = dt.date(2026, 3, 18)
BASE = "https://rats.example.de"


@pytest.fixture
def storage(tmp_path: Path) -> FileStorage:
    return FileStorage(tmp_path / "files")


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def outline_of(pdf: bytes) -> list[tuple[int, str, int]]:
    """(depth, title, 0-based page) of every bookmark, in order."""
    reader = PdfReader(io.BytesIO(pdf))
    found: list[tuple[int, str, int]] = []

    def walk(entries: list[Any], depth: int) -> None:
        for entry in entries:
            if isinstance(entry, list):
                walk(entry, depth + 1)
            else:
                found.append((depth, str(entry.title), reader.get_destination_page_number(entry) or 0))

    walk(reader.outline, 0)
    return found


async def confidential_demo_meeting(session, storage) -> Meeting:
    """An invited demo meeting with a non-public item whose paper has attachments."""
    await load_demo(session, today=TODAY, storage=storage)
    ids = await session.scalars(
        select(AgendaItem.meeting_id)
        .join(Consultation, Consultation.id == AgendaItem.consultation_id)
        .join(File, File.paper_id == Consultation.paper_id)
        .where(AgendaItem.public.is_(False), AgendaItem.deleted.is_(False), File.deleted.is_(False))
    )
    for meeting_id in sorted(set(ids)):
        meeting = await load_meeting(session, meeting_id)
        if meeting.invited:
            return meeting
    raise AssertionError("the demo has no invited meeting with a confidential paper")


async def test_invitation_members_variant_has_the_non_public_part_and_public_one_nothing_of_it(session, storage):
    meeting = await confidential_demo_meeting(session, storage)
    members = await meeting_print(session, meeting, public=False, base_url=BASE)
    public = await meeting_print(session, meeting, public=True, base_url=BASE)
    members_text = text_of(render_pdf(members))
    public_text = text_of(render_pdf(public))
    assert CONFIDENTIAL_MARKER in members_text
    assert "Nicht öffentlicher Teil" in members_text
    assert CONFIDENTIAL_MARKER not in public_text
    assert "Nicht öffentlicher Teil" not in public_text
    for text in (members_text, public_text):
        assert meeting.name in text and "Einladung" in text and "Stadt Musterstadt" in text
        assert re.search(r"Ö 1\b", text)
    assert re.search(r"N 1\b", members_text) and not re.search(r"N 1\b", public_text)
    assert {i.number for i in public.items} == {i.number for i in members.items if i.public}


async def test_packet_holds_papers_and_attachments_with_contents_and_bookmarks(session, storage):
    meeting = await confidential_demo_meeting(session, storage)
    document = await meeting_print(session, meeting, public=False, base_url=BASE)
    packet = await meeting_packet(session, meeting, document, storage)
    assert any(not p.public for p in packet.papers)
    pdf = render_packet(packet)
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    outline = outline_of(pdf)
    titles = [title for _, title, _ in outline]
    assert titles[:2] == ["Einladung und Tagesordnung", "Inhaltsverzeichnis"]
    attachments = sum(len(p.attachments) for p in packet.papers)
    assert sum(1 for t in titles if t.startswith("Anlage: ")) == attachments > 0
    # Every paper's bookmark points at the page that starts with its heading, and the contents give that page.
    # Long lines wrap in the contents: compare without the white space.
    contents = re.sub(r"\s+", "", reader.pages[outline[1][2]].extract_text())
    for paper in packet.papers:
        depth, _, page = next(o for o in outline if o[1] == f"Vorlage {paper.reference}")
        assert depth == 1
        assert paper.reference in reader.pages[page].extract_text()
        assert re.search(rf"{re.escape(paper.reference)}{page + 1}(?!\d)", contents), (paper.reference, contents)
    # An attachment's bookmark points at its own first page (the demo's documents name their paper).
    for depth, title, page in outline:
        if title.startswith("Anlage: "):
            assert depth == 1
            assert "Vorlage" in reader.pages[page].extract_text() or reader.pages[page].extract_text()
    assert len(reader.pages) > len(packet.papers) + attachments
    assert CONFIDENTIAL_MARKER in text_of(pdf)


async def test_public_packet_has_no_confidential_paper_title_text_or_attachment(session, storage):
    meeting = await confidential_demo_meeting(session, storage)
    document = await meeting_print(session, meeting, public=True, base_url=BASE)
    packet = await meeting_packet(session, meeting, document, storage)
    assert all(p.public for p in packet.papers)
    pdf = render_packet(packet)
    assert CONFIDENTIAL_MARKER not in text_of(pdf)
    assert all(CONFIDENTIAL_MARKER not in title for _, title, _ in outline_of(pdf))
    assert CONFIDENTIAL_MARKER.encode() not in pdf  # not in metadata or an uncompressed stream either
    members = await meeting_packet(
        session, meeting, await meeting_print(session, meeting, public=False, base_url=BASE), storage
    )
    assert len(members.papers) > len(packet.papers)


async def test_an_unreadable_attachment_is_named_in_the_contents_and_left_out(session, storage):
    meeting = await confidential_demo_meeting(session, storage)
    document = await meeting_print(session, meeting, public=True, base_url=BASE)
    packet = await meeting_packet(session, meeting, document, storage)
    paper = packet.papers[0]
    from dataclasses import replace

    from agendas.packet_data import PacketAttachment

    broken = replace(paper, attachments=(PacketAttachment("Kaputt.pdf", b"%PDF-1.7 nonsense"),))
    pdf = render_packet(replace(packet, papers=(broken,)))
    assert "nicht lesbar" in text_of(pdf)
    assert not any(title == "Anlage: Kaputt.pdf" for _, title, _ in outline_of(pdf))
