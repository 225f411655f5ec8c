"""A meeting's printed documents: the invitation and the meeting packet, each public or for the members.

The public variants are for everyone once the invitation went out; before that only for those who may see the
draft agenda (secretariat, chair). The members' variants are for the organization's members and the secretariat.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.exceptions import NotAuthorizedException
from litestar.params import FromPath
from sqlalchemy.ext.asyncio import AsyncSession

from agendas.invitation import file_name, render_pdf
from agendas.meeting_print import MeetingPrint, meeting_print
from agendas.packet import render_packet
from agendas.packet_data import meeting_packet
from council.accounts.viewer import Viewer
from council.db import utcnow
from council.errors import NotFound, PermissionDenied
from council.files.storage import FileStorage
from council.meetings.attendance import load_meeting
from council.meetings.models import Meeting
from council.meetings.service import agenda_visible
from council.settings import Settings
from web.pdf import pdf_response


async def documents_meeting(db_session: AsyncSession, viewer: Viewer, meeting_id: int, *, public: bool) -> Meeting:
    """The meeting if the viewer may have this variant of its documents (refusal in the order the pages use)."""
    meeting = await load_meeting(db_session, meeting_id)
    if not public:
        if not viewer.is_authenticated:
            raise NotAuthorizedException("Bitte melden Sie sich an.")
        if not viewer.may_see_confidential(meeting.organization.body_id, meeting.organization_id):
            raise PermissionDenied("meeting documents")
    if not agenda_visible(meeting, viewer):
        raise NotFound("meeting documents")
    return meeting


def _cache_control(public: bool) -> str:
    # The agenda changes until the meeting: never served from a stale cache.
    return "public, no-cache" if public else "private, no-store"


async def _document(
    request: Request[Any, Any, Any], db_session: AsyncSession, viewer: Viewer, meeting_id: int, *, public: bool
) -> tuple[Meeting, MeetingPrint]:
    meeting = await documents_meeting(db_session, viewer, meeting_id, public=public)
    settings: Settings = request.app.state.settings
    return meeting, await meeting_print(db_session, meeting, public=public, base_url=settings.public_base_url)


class MeetingDocumentController(Controller):
    path = "/meetings/{meeting_id:int}"

    @get("/invitation.pdf", name="invitation_public_pdf")
    async def invitation_public(
        self,
        request: Request[Any, Any, Any],
        meeting_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
    ) -> Response[Any]:
        return await _invitation(request, db_session, viewer, meeting_id, public=True)

    @get("/invitation-members.pdf", name="invitation_members_pdf")
    async def invitation_members(
        self,
        request: Request[Any, Any, Any],
        meeting_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
    ) -> Response[Any]:
        return await _invitation(request, db_session, viewer, meeting_id, public=False)

    @get("/packet.pdf", name="packet_public_pdf")
    async def packet_public(
        self,
        request: Request[Any, Any, Any],
        meeting_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
    ) -> Response[Any]:
        return await _packet(request, db_session, viewer, meeting_id, public=True)

    @get("/packet-members.pdf", name="packet_members_pdf")
    async def packet_members(
        self,
        request: Request[Any, Any, Any],
        meeting_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
    ) -> Response[Any]:
        return await _packet(request, db_session, viewer, meeting_id, public=False)


async def _invitation(
    request: Request[Any, Any, Any], db_session: AsyncSession, viewer: Viewer, meeting_id: int, *, public: bool
) -> Response[Any]:
    _meeting, document = await _document(request, db_session, viewer, meeting_id, public=public)
    printed_at = utcnow()
    return await pdf_response(
        lambda: render_pdf(document, printed_at=printed_at), file_name(document), cache_control=_cache_control(public)
    )


async def _packet(
    request: Request[Any, Any, Any], db_session: AsyncSession, viewer: Viewer, meeting_id: int, *, public: bool
) -> Response[Any]:
    meeting, document = await _document(request, db_session, viewer, meeting_id, public=public)
    settings: Settings = request.app.state.settings
    packet = await meeting_packet(db_session, meeting, document, FileStorage(settings.file_storage))
    printed_at = utcnow()
    name = file_name(document, "sitzungsmappe")
    return await pdf_response(
        lambda: render_packet(packet, printed_at=printed_at), name, cache_control=_cache_control(public)
    )
