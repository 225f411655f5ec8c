"""Attachments of a paper (upload, remove) and the file routes everyone links to: /files/{id}[/download]."""

from __future__ import annotations

from email.utils import format_datetime
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import ETag, UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import File as FileResponse
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from council.accounts.viewer import Viewer
from council.bodies.models import Body as Municipality
from council.db import utcnow
from council.errors import PermissionDenied, ValidationFailed
from council.files.service import attach_to_paper, get_visible_file, remove_from_paper
from council.files.storage import FileStorage, blobs_kept, discard_new_blobs
from council.messages import N_
from council.papers.models import File
from council.papers.service import get_paper
from council.settings import Settings
from web.auth import requires_login
from web.controllers.voting_common import rolled_back
from web.paper_pages import paper_page


def _storage(request: Request[Any, Any, Any]) -> tuple[FileStorage, Settings]:
    settings: Settings = request.app.state.settings
    return FileStorage(settings.file_storage), settings


class PaperFileController(Controller):
    path = "/papers/{paper_id:int}/files"
    guards = [requires_login]  # noqa: RUF012

    @post("/", name="paper_file_add")
    async def add(
        self,
        request: Request[Any, Any, Any],
        paper_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Municipality | None],
    ) -> Template | Redirect:
        paper = await get_paper(db_session, paper_id, viewer)
        if not viewer.is_secretariat(paper.body_id):
            raise PermissionDenied("attach")
        # Read after the permission check: a refused persona learns nothing from how its form was parsed.
        data = await request.form()
        storage, settings = _storage(request)
        upload = data.get("file")
        try:
            if not isinstance(upload, UploadFile) or not upload.filename:
                raise ValidationFailed({"file": N_("Bitte eine Datei auswählen.")})
            await attach_to_paper(
                db_session,
                storage,
                paper,
                viewer,
                data=await upload.read(),
                file_name=upload.filename,
                title=str(data.get("title") or "")[:400],
                public=bool(data.get("public")),
                limit=settings.max_upload_bytes,
                now=utcnow(),
            )
            await db_session.commit()
        except ValidationFailed as exc:
            body = await rolled_back(db_session, municipality)
            await discard_new_blobs(db_session, storage)
            return await paper_page(db_session, viewer, body, paper_id, errors=exc.errors, status_code=400)
        except Exception:
            # The error page still shows the municipality: rolled_back reads it afresh.
            await rolled_back(db_session, municipality)
            await discard_new_blobs(db_session, storage)
            raise
        blobs_kept(db_session)
        return Redirect(f"/papers/{paper_id}#files", status_code=303)

    @post("/{file_id:int}/remove", name="paper_file_remove")
    async def remove(
        self,
        paper_id: FromPath[int],
        file_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Municipality | None],
    ) -> Template | Redirect:
        paper = await get_paper(db_session, paper_id, viewer)
        try:
            await remove_from_paper(db_session, paper, file_id, viewer)
        except ValidationFailed as exc:
            body = await rolled_back(db_session, municipality)
            return await paper_page(db_session, viewer, body, paper_id, errors=exc.errors, status_code=400)
        return Redirect(f"/papers/{paper_id}#files", status_code=303)


def _file_response(request: Request[Any, Any, Any], file: File, disposition: str) -> Response[Any]:
    """The stored document with its type, name and validators. The content never changes under an id (it is
    addressed by its sha512), so the digest is a strong ETag."""
    storage, _ = _storage(request)
    etag = ETag(value=file.sha512[:64])
    headers = {
        # Lower case: the file response only fills in what is not given, by these exact names.
        "last-modified": format_datetime(file.created, usegmt=True),
        # Confidential documents must not sit in shared caches; everyone revalidates so a removal takes effect.
        "cache-control": "no-cache" if file.public else "private, no-cache",
        "vary": "Cookie",
    }
    if etag.to_header() in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
        return Response(content=b"", status_code=304, headers={**headers, "etag": etag.to_header()})
    return FileResponse(
        path=storage.absolute(file.storage_path),
        filename=file.file_name,
        media_type=file.mime_type,
        content_disposition_type="inline" if disposition == "inline" else "attachment",
        etag=etag,
        headers=headers,
    )


class FileController(Controller):
    path = "/files"

    @get("/{file_id:int}", name="file")
    async def show(
        self,
        request: Request[Any, Any, Any],
        file_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
    ) -> Response[Any]:
        file = await get_visible_file(db_session, file_id, viewer)
        return _file_response(request, file, "inline")

    @get("/{file_id:int}/download", name="file_download")
    async def download(
        self,
        request: Request[Any, Any, Any],
        file_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
    ) -> Response[Any]:
        file = await get_visible_file(db_session, file_id, viewer)
        return _file_response(request, file, "attachment")
