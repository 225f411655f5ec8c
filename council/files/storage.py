"""Content-addressed file storage: a document lives at ``ab/cd/<sha512>`` under ``Settings.file_storage``.

The same content is stored once. A blob written for a transaction that then fails is removed again, so a
refused or failed upload leaves nothing on disk.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

_NEW_BLOBS = "council.new_blobs"


@dataclass(frozen=True)
class StoredBlob:
    path: str  # relative to the storage root
    created: bool


class FileStorage:
    def __init__(self, root: Path) -> None:
        self.root = root

    @staticmethod
    def relative_path(sha512: str) -> str:
        if len(sha512) != 128 or any(c not in "0123456789abcdef" for c in sha512):
            raise ValueError("not a sha512 hex digest")
        return f"{sha512[:2]}/{sha512[2:4]}/{sha512}"

    def absolute(self, relative: str) -> Path:
        path = (self.root / relative).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError("path outside the file storage")
        return path

    def store(self, data: bytes, sha512: str) -> StoredBlob:
        """Write atomically (temporary file, then rename), so a reader never sees half a document."""
        relative = self.relative_path(sha512)
        target = self.absolute(relative)
        if target.exists():
            return StoredBlob(relative, created=False)
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return StoredBlob(relative, created=True)

    def read(self, relative: str) -> bytes:
        return self.absolute(relative).read_bytes()

    def remove(self, relative: str) -> None:
        self.absolute(relative).unlink(missing_ok=True)


def note_new_blob(session: AsyncSession, blob: StoredBlob) -> None:
    """Remember a blob this unit of work wrote, to remove it should the unit of work fail."""
    if blob.created:
        session.info.setdefault(_NEW_BLOBS, []).append(blob.path)


def blobs_kept(session: AsyncSession) -> None:
    """After a commit: the new blobs belong to committed rows now."""
    session.info.pop(_NEW_BLOBS, None)


async def discard_new_blobs(session: AsyncSession, storage: FileStorage) -> None:
    """After a rollback: remove what this unit of work wrote, unless another upload of the same content has
    committed a row pointing at it meanwhile."""
    from council.papers.models import File

    for path in session.info.pop(_NEW_BLOBS, []):
        if await session.scalar(select(File.id).where(File.storage_path == path).limit(1)) is None:
            storage.remove(path)
