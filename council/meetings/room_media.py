"""What the meeting room keeps beyond presence: the recordings (non-public files of the meeting, for the
secretariat and the chair only) and the agenda item the chair has called."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from council.accounts.viewer import Viewer
from council.audit.service import record
from council.errors import NotFound, ValidationFailed
from council.events import DomainEvent, EventKind, emit
from council.files.storage import FileStorage, note_new_blob
from council.meetings.models import AgendaItem, Meeting, MeetingMode, MeetingState
from council.messages import N_
from council.papers.models import File

RECORDING_MIME = "audio/ogg"
_SLUG = re.compile(r"[^a-z0-9]+")


# --- recordings ----------------------------------------------------------------------------------------------


def is_recording(file: File) -> bool:
    """A meeting's audio file is a recording of its room."""
    return file.meeting_id is not None and file.paper_id is None and file.mime_type == RECORDING_MIME


def may_access_recordings(viewer: Viewer, meeting: Meeting) -> bool:
    """Recordings are working material of the secretariat and the chair, never of the members or the public."""
    return viewer.is_secretariat(meeting.organization.body_id) or viewer.chairs(meeting.organization_id)


def recording_refusal(meeting: Meeting) -> str | None:
    """Why the room of this meeting may not be recorded now (None: it may)."""
    if meeting.mode is MeetingMode.IN_PERSON or not meeting.recording_allowed:
        return N_("Für diese Sitzung hat die Geschäftsstelle keine Aufzeichnung erlaubt.")
    if meeting.state in (MeetingState.CLOSED, MeetingState.CANCELLED):
        return N_("Diese Sitzung ist beendet oder abgesagt.")
    return None


@dataclass(frozen=True)
class RecordedTrack:
    """One participant's Ogg Opus file as the relay wrote it."""

    participant_name: str
    path: Path


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return _SLUG.sub("-", ascii_text).strip("-")[:80] or "teilnehmer"


async def attach_recordings(
    session: AsyncSession,
    storage: FileStorage,
    meeting: Meeting,
    tracks: list[RecordedTrack],
    *,
    started_at: dt.datetime,
    actor_user_id: int | None,
    now: dt.datetime,
) -> list[File]:
    """Store each track and attach it to the meeting as a non-public file; empty tracks are skipped. The blobs
    are noted, so a failed commit removes them again."""
    local = started_at.astimezone(ZoneInfo(meeting.organization.body.timezone))
    files = []
    for track in tracks:
        data = track.path.read_bytes() if track.path.exists() else b""
        if not data.startswith(b"OggS"):
            continue
        sha512 = hashlib.sha512(data).hexdigest()
        blob = storage.store(data, sha512)
        note_new_blob(session, blob)
        file = File(
            body_id=meeting.organization.body_id,
            paper_id=None,
            meeting_id=meeting.id,
            name=f"Aufzeichnung {track.participant_name} {local:%d.%m.%Y %H:%M}"[:300],
            file_name=f"aufzeichnung-{_slug(track.participant_name)}-{local:%Y-%m-%d-%H%M}.ogg",
            mime_type=RECORDING_MIME,
            size=len(data),
            sha512=sha512,
            storage_path=blob.path,
            text=None,
            date=local.date(),
            public=False,
        )
        session.add(file)
        files.append(file)
    await session.flush()
    if files:
        record(
            session,
            action="meeting.recording_stored",
            subject_type="meeting",
            subject_id=meeting.id,
            actor_user_id=actor_user_id,
            body_id=meeting.organization.body_id,
            data={"files": [f.id for f in files], "started": started_at.isoformat()},
            at=now,
        )
    return files


async def recordings_of(session: AsyncSession, meeting: Meeting, viewer: Viewer) -> list[File]:
    """The meeting's recordings for those who may have them, else nothing."""
    if not may_access_recordings(viewer, meeting):
        return []
    files = await session.scalars(
        select(File)
        .where(
            File.meeting_id == meeting.id,
            File.paper_id.is_(None),
            File.mime_type == RECORDING_MIME,
            File.deleted.is_(False),
        )
        .order_by(File.id)
    )
    return list(files)


# --- the current agenda item ---------------------------------------------------------------------------------


async def call_item(session: AsyncSession, meeting_id: int, item_id: int | None) -> None:
    """The chair called `item_id` (None: no item). Live screens learn it from the event."""
    meeting = await session.get(Meeting, meeting_id)
    if meeting is None or meeting.deleted:
        raise NotFound("meeting")
    if item_id is not None:
        item = await session.get(AgendaItem, item_id)
        if item is None or item.deleted or item.meeting_id != meeting_id:
            raise ValidationFailed({"item": N_("Diesen Tagesordnungspunkt gibt es in dieser Sitzung nicht.")})
    if meeting.current_agenda_item_id == item_id:
        return
    meeting.current_agenda_item_id = item_id
    await session.flush()
    emit(session, DomainEvent(EventKind.MEETING_CHANGED, meeting_id, item_id=item_id))


@dataclass(frozen=True)
class CurrentItem:
    """What a reader sees of the called item: the item itself, or only that the non-public part is under way."""

    item: AgendaItem | None

    @property
    def non_public(self) -> bool:
        return self.item is None


def current_item(meeting: Meeting, viewer: Viewer) -> CurrentItem | None:
    """The called item while the meeting is open, as `viewer` may see it.

    ``meeting`` must have its agenda items and organization loaded."""
    confidential = viewer.may_see_confidential(meeting.organization.body_id, meeting.organization_id)
    return called_item(meeting, confidential=confidential)


def called_item(meeting: Meeting, *, confidential: bool) -> CurrentItem | None:
    """The called item while the meeting is open; a non-public one is only "the non-public part" unless
    `confidential` (the reader may see non-public items)."""
    if meeting.state is not MeetingState.OPENED or meeting.current_agenda_item_id is None:
        return None
    item = next((i for i in meeting.agenda_items if i.id == meeting.current_agenda_item_id and not i.deleted), None)
    if item is None:
        return None
    return CurrentItem(item if item.public or confidential else None)
