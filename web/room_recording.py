"""Recording a meeting room: the chair starts and stops it when the secretariat has allowed it for the meeting;
when it stops (or the room or the meeting closes) the relay's Ogg files become non-public files of the meeting,
for the secretariat and the chair only."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from council.db import utcnow
from council.errors import NotFound
from council.files.storage import FileStorage, blobs_kept, discard_new_blobs
from council.meetings.attendance import load_meeting
from council.meetings.room_media import RecordedTrack, attach_recordings, recording_refusal
from media.backend import MediaBackend, MediaError

log = logging.getLogger(__name__)


class RecordingRefused(Exception):
    """The meeting may not be recorded (the message is a gettext id for the user)."""


@dataclass
class RecordingRun:
    started_at: dt.datetime
    directory: Path
    actor_user_id: int | None
    names: dict[str, str] = field(default_factory=dict)  # participant key -> display name, for the file names


class RoomRecorder:
    def __init__(
        self,
        backend: MediaBackend,
        sessions: async_sessionmaker[AsyncSession],
        storage: FileStorage,
        work_dir: Path,
    ) -> None:
        self.backend = backend
        self.sessions = sessions
        self.storage = storage
        self.work_dir = work_dir
        self.runs: dict[int, RecordingRun] = {}
        self._lock = asyncio.Lock()

    def running(self, meeting_id: int) -> bool:
        return meeting_id in self.runs

    def note(self, meeting_id: int, key: str, name: str) -> None:
        """A participant joined: their file is named after them."""
        run = self.runs.get(meeting_id)
        if run is not None:
            run.names[key] = name

    async def start(self, meeting_id: int, actor_user_id: int | None, names: dict[str, str]) -> None:
        async with self.sessions() as session:
            try:
                meeting = await load_meeting(session, meeting_id)
            except NotFound:
                raise RecordingRefused("not found") from None
            refusal = recording_refusal(meeting)
        if refusal is not None:
            raise RecordingRefused(refusal)
        if meeting_id in self.runs:
            return
        now = utcnow()
        directory = self.work_dir / str(meeting_id) / now.strftime("%Y%m%dT%H%M%S%f")
        self.backend.start_recording(str(meeting_id), directory)
        self.runs[meeting_id] = RecordingRun(now, directory, actor_user_id, dict(names))

    async def stop(self, meeting_id: int) -> int:
        """Stop and store; the number of files attached to the meeting. Should storing fail, the raw files stay
        in the work directory (logged) rather than being lost."""
        async with self._lock:
            run = self.runs.pop(meeting_id, None)
            if run is None:
                return 0
            try:
                recorded = self.backend.stop_recording(str(meeting_id))
            except MediaError:  # the room is gone already: nothing was written since
                recorded = []
            tracks = [RecordedTrack(run.names.get(f.participant, f.participant), f.path) for f in recorded]
            async with self.sessions() as session:
                try:
                    meeting = await load_meeting(session, meeting_id)
                    files = await attach_recordings(
                        session,
                        self.storage,
                        meeting,
                        tracks,
                        started_at=run.started_at,
                        actor_user_id=run.actor_user_id,
                        now=utcnow(),
                    )
                    await session.commit()
                except Exception:
                    await session.rollback()
                    await discard_new_blobs(session, self.storage)
                    log.exception("recording of meeting %s kept in %s: storing it failed", meeting_id, run.directory)
                    return 0
                blobs_kept(session)
            shutil.rmtree(run.directory, ignore_errors=True)
            return len(files)

    async def stop_if_refused(self, meeting_id: int) -> bool:
        """The meeting changed (closed, cancelled, recording no longer allowed): stop a running recording."""
        if meeting_id not in self.runs:
            return False
        async with self.sessions() as session:
            try:
                refusal = recording_refusal(await load_meeting(session, meeting_id))
            except NotFound:
                refusal = "gone"
        if refusal is None:
            return False
        await self.stop(meeting_id)
        return True

    async def close(self) -> None:
        for meeting_id in list(self.runs):
            await self.stop(meeting_id)
