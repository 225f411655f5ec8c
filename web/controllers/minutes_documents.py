"""Minutes to read: the public page, the version history, and the PDFs (public and internal)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from agendas.minutes import MinutesPrint, PrintedSignature, file_name, render_pdf
from council.accounts.viewer import Viewer
from council.bodies.models import Body
from council.db import utcnow
from council.errors import NotFound
from council.minutes.access import latest_published, load_meeting_for_minutes, minutes_of
from council.minutes.document import MinutesDocument
from council.minutes.models import MinutesVersion
from council.minutes.reading import signature_lines, version_document, visible_version
from council.minutes.rules import Action
from web.controllers.minutes_pages import minutes_context, public_page, status_mark
from web.pages import page
from web.pdf import pdf_response as pdf_document


def _printed(version: MinutesVersion | None) -> list[PrintedSignature]:
    if version is None:
        return []
    return [PrintedSignature(s.role.value, s.name, s.signed_at, s.content_hash) for s in signature_lines(version)]


async def pdf_response(
    document: MinutesDocument, version: MinutesVersion | None, *, public: bool, mark: str | None
) -> Response[Any]:
    printout = MinutesPrint(
        document=document,
        public=public,
        status_mark=mark,
        content_hash=version.content_hash if version is not None else None,
        signatures=_printed(version),
        printed_at=utcnow(),
    )
    return await pdf_document(
        lambda: render_pdf(printout),
        file_name(document, public),
        cache_control="public, max-age=300" if public else "private, no-cache",
    )


class MinutesDocumentController(Controller):
    path = "/meetings/{meeting_id:int}/minutes"

    @get("/public", name="minutes_public")
    async def public(
        self,
        meeting_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
    ) -> Template:
        meeting = await load_meeting_for_minutes(db_session, meeting_id)
        return await public_page(db_session, viewer, municipality, meeting)

    @get("/public.pdf", name="minutes_public_pdf")
    async def public_pdf(self, meeting_id: FromPath[int], db_session: NamedDependency[AsyncSession]) -> Response[Any]:
        await load_meeting_for_minutes(db_session, meeting_id)
        minutes = await minutes_of(db_session, meeting_id)
        version = latest_published(minutes) if minutes is not None else None
        if version is None:
            raise NotFound("minutes")
        return await pdf_response(version_document(version), version, public=True, mark=None)

    @get("/internal.pdf", name="minutes_internal_pdf")
    async def internal_pdf(
        self, meeting_id: FromPath[int], db_session: NamedDependency[AsyncSession], viewer: NamedDependency[Viewer]
    ) -> Response[Any]:
        """What the minutes page shows this viewer, with the non-public part: the draft or the current version."""
        context = await minutes_context(db_session, meeting_id, viewer)
        if context.document is None:
            raise NotFound("minutes")
        mark = status_mark(context.minutes, context.version)
        return await pdf_response(context.document, context.version, public=False, mark=mark)

    @get("/versions/{number:int}", name="minutes_version")
    async def version(
        self,
        meeting_id: FromPath[int],
        number: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
    ) -> Template:
        context = await minutes_context(db_session, meeting_id, viewer)
        if context.minutes is None or not context.can[Action.VIEW_VERSIONS]:
            raise NotFound("minutes")
        version = visible_version(context.minutes, number)
        return page(
            "minutes/version.html",
            viewer=viewer,
            body=municipality,
            meeting=context.meeting,
            version=version,
            document=version_document(version),
            signatures=signature_lines(version),
            mark=status_mark(context.minutes, version),
        )

    @get("/versions/{number:int}/internal.pdf", name="minutes_version_internal_pdf")
    async def version_internal_pdf(
        self,
        meeting_id: FromPath[int],
        number: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
    ) -> Response[Any]:
        return await _version_pdf(db_session, viewer, meeting_id, number, public=False)

    @get("/versions/{number:int}/public.pdf", name="minutes_version_public_pdf")
    async def version_public_pdf(
        self,
        meeting_id: FromPath[int],
        number: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
    ) -> Response[Any]:
        """The public cut of any version, for the secretariat and members to check before it is published."""
        return await _version_pdf(db_session, viewer, meeting_id, number, public=True)


async def _version_pdf(
    db_session: AsyncSession, viewer: Viewer, meeting_id: int, number: int, *, public: bool
) -> Response[Any]:
    context = await minutes_context(db_session, meeting_id, viewer)
    if context.minutes is None or not context.can[Action.VIEW_VERSIONS]:
        raise NotFound("minutes")
    version = visible_version(context.minutes, number)
    mark = status_mark(context.minutes, version)
    return await pdf_response(version_document(version), version, public=public, mark=mark)
