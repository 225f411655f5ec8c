"""Attaching documents to papers, removing them, and deciding who may read a file."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from council.accounts.viewer import Viewer
from council.audit.service import record
from council.errors import NotFound, PermissionDenied, ValidationFailed
from council.files.inspection import inspect_pdf, safe_file_name
from council.files.storage import FileStorage, note_new_blob
from council.meetings.models import Meeting
from council.meetings.room_media import is_recording, may_access_recordings
from council.messages import N_
from council.papers.models import Consultation, File, Paper
from council.papers.service import may_see_confidential_paper, paper_visible


def file_visible(file: File, viewer: Viewer, meeting: Meeting | None = None) -> bool:
    """A paper's file follows its paper; a non-public file (or one of a confidential paper) only reaches those
    who may see the paper's or meeting's non-public business; a recording of the meeting room only the
    secretariat and the chair."""
    if file.deleted:
        return False
    if file.paper is not None:
        paper = file.paper
        if paper.deleted or not paper_visible(paper, viewer):
            return False
        return file.public or may_see_confidential_paper(paper, viewer)
    if meeting is not None:
        if meeting.deleted:
            return False
        if is_recording(file):
            return may_access_recordings(viewer, meeting)
        return file.public or viewer.may_see_confidential(meeting.organization.body_id, meeting.organization_id)
    return file.public or viewer.is_secretariat(file.body_id)


async def get_visible_file(session: AsyncSession, file_id: int, viewer: Viewer) -> File:
    """The file if the viewer may read it; NotFound otherwise, so its existence is not revealed."""
    file = await session.scalar(
        select(File)
        .where(File.id == file_id)
        .options(selectinload(File.paper).selectinload(Paper.consultations).selectinload(Consultation.organization))
    )
    if file is None:
        raise NotFound("file")
    meeting = None
    if file.meeting_id is not None:
        meeting = await session.scalar(
            select(Meeting).where(Meeting.id == file.meeting_id).options(selectinload(Meeting.organization))
        )
    if not file_visible(file, viewer, meeting):
        raise NotFound("file")
    return file


async def attach_to_paper(
    session: AsyncSession,
    storage: FileStorage,
    paper: Paper,
    viewer: Viewer,
    *,
    data: bytes,
    file_name: str,
    title: str,
    public: bool,
    limit: int,
    now: dt.datetime,
) -> File:
    """Check the upload completely before writing anything; the blob is noted so a failed commit removes it."""
    if not viewer.is_secretariat(paper.body_id):
        raise PermissionDenied("attach")
    if paper.withdrawn:
        raise ValidationFailed({"file": N_("Einer zurückgezogenen Vorlage werden keine Anlagen mehr beigefügt.")})
    title = title.strip()
    if len(title) > 300:
        raise ValidationFailed({"title": N_("Die Bezeichnung ist zu lang (höchstens 300 Zeichen).")})
    file = await store_file(
        session,
        storage,
        body_id=paper.body_id,
        paper_id=paper.id,
        data=data,
        file_name=file_name,
        title=title,
        public=public,
        limit=limit,
        day=now.date(),
    )
    record(
        session,
        action="paper.file_added",
        subject_type="paper",
        subject_id=paper.id,
        actor_user_id=viewer.user_id,
        body_id=paper.body_id,
        data={"file": file.id, "sha512": file.sha512, "size": file.size},
        at=now,
    )
    return file


async def store_file(
    session: AsyncSession,
    storage: FileStorage,
    *,
    body_id: int,
    paper_id: int | None,
    data: bytes,
    file_name: str,
    title: str,
    public: bool,
    limit: int,
    day: dt.date,
) -> File:
    """Check, store and record a PDF. The check comes first, so a refused file leaves nothing behind."""
    inspected = inspect_pdf(data, limit)
    name = safe_file_name(file_name)
    blob = storage.store(data, inspected.sha512)
    note_new_blob(session, blob)
    file = File(
        body_id=body_id,
        paper_id=paper_id,
        name=title.strip() or name.removesuffix(".pdf"),
        file_name=name,
        mime_type=inspected.mime_type,
        size=inspected.size,
        sha512=inspected.sha512,
        storage_path=blob.path,
        text=inspected.text,
        date=day,
        public=public,
    )
    session.add(file)
    await session.flush()
    return file


async def remove_from_paper(session: AsyncSession, paper: Paper, file_id: int, viewer: Viewer) -> File:
    """Files are withdrawn, not erased: the record stays (OParl shows it as deleted), the content is no longer
    served."""
    if not viewer.is_secretariat(paper.body_id):
        raise PermissionDenied("remove file")
    if paper.withdrawn:
        raise ValidationFailed({"file": N_("Die Anlagen einer zurückgezogenen Vorlage bleiben, wie sie sind.")})
    file = await session.get(File, file_id)
    if file is None or file.paper_id != paper.id or file.deleted:
        raise NotFound("file")
    file.deleted = True
    await session.flush()
    record(
        session,
        action="paper.file_removed",
        subject_type="paper",
        subject_id=paper.id,
        actor_user_id=viewer.user_id,
        body_id=paper.body_id,
        data={"file": file.id},
    )
    return file
