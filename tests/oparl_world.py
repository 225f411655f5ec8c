"""What the test world lacks for the open data interface: files, and a public item on a confidential paper."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from council.meetings.models import AgendaItem
from council.papers.models import Consultation, ConsultationRole, File
from tests.world import CONFIDENTIAL_MARKER, World


@dataclass
class OpenDataScene:
    # A public item that deals with the confidential paper (its title says nothing secret).
    public_item_on_confidential_paper: AgendaItem
    confidential_consultation: Consultation
    public_file: File
    non_public_file: File
    file_of_confidential_paper: File
    meeting_file: File


def _file(world: World, name: str, *, paper_id: int | None, meeting_id: int | None = None, public: bool = True) -> File:
    content = name.encode()
    return File(
        body_id=world.body.id,
        paper_id=paper_id,
        meeting_id=meeting_id,
        name=name,
        file_name=f"{name}.pdf",
        mime_type="application/pdf",
        size=len(content),
        sha512=hashlib.sha512(content).hexdigest(),
        storage_path=f"test/{hashlib.sha256(content).hexdigest()}",
        date=dt.date(2024, 9, 2),
        public=public,
    )


async def add_open_data_scene(session: AsyncSession, world: World) -> OpenDataScene:
    consultation = Consultation(
        paper_id=world.confidential_paper.id,
        organization_id=world.committee.id,
        position=2,
        role=ConsultationRole.INFORMATION,
        meeting_id=world.next_meeting.id,
    )
    session.add(consultation)
    await session.flush()
    item = AgendaItem(
        meeting_id=world.next_meeting.id,
        position=1,
        number="Ö 1",
        title="Bericht über Grundstücksangelegenheiten",
        consultation_id=consultation.id,
    )
    files = [
        _file(world, "Lageplan Radweg", paper_id=world.public_paper.id),
        _file(world, f"Interner Vermerk {CONFIDENTIAL_MARKER}", paper_id=world.public_paper.id, public=False),
        _file(world, f"Kaufvertrag {CONFIDENTIAL_MARKER}", paper_id=world.confidential_paper.id),
        _file(world, "Einladung", paper_id=None, meeting_id=world.next_meeting.id),
    ]
    session.add_all([item, *files])
    await session.flush()
    return OpenDataScene(item, consultation, *files)
