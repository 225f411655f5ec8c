"""The meeting's video room: the page, the ICE configuration, and the signaling WebSocket."""

from __future__ import annotations

import dataclasses
import json
import secrets
import time
from typing import Any
from urllib.parse import urlencode, urlsplit

from litestar import Controller, Request, WebSocket, get, post, websocket
from litestar.di import NamedDependency
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    PermissionDeniedException,
    WebSocketDisconnect,
)
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST, HTTP_403_FORBIDDEN, HTTP_410_GONE
from sqlalchemy.ext.asyncio import AsyncSession

from council.accounts.viewer import ANONYMOUS, Viewer
from council.bodies.models import Body
from council.db import utcnow
from council.errors import NotFound, ValidationFailed
from council.meetings.attendance import load_meeting
from council.meetings.models import Meeting
from council.meetings.presence import RoomRefusal, RoomRole, leads_room, room_role
from council.meetings.room_access import (
    AccessRefusal,
    GuestPass,
    guest_link_problem,
    guest_refusal,
    issue_guest_pass,
    may_invite_guests,
    read_guest_token,
)
from council.meetings.service import visible_items
from council.messages import N_
from council.settings import Settings
from media.ice import ice_servers
from web.auth import requires_login, viewer_of
from web.i18n import gettext as _
from web.pages import FormData, form_value, page
from web.room_hub import MAX_MESSAGE_CHARS, RoomHub

# Close codes (4000-4999 are the application's): the page explains each to the user.
CLOSE_CODES = {
    RoomRefusal.NOT_LOGGED_IN: (4401, "login required"),
    RoomRefusal.NOT_ALLOWED: (4403, "not a participant of this meeting"),
    RoomRefusal.NOT_DIGITAL: (4409, "this meeting has no video room"),
    RoomRefusal.NOT_OPEN: (4410, "the meeting is closed or cancelled"),
}
# Guests (signed link) and visitors (public stream).
ACCESS_CLOSE_CODES = {
    AccessRefusal.GUEST_INVALID: (4401, "invalid guest link"),
    AccessRefusal.GUEST_OTHER_MEETING: (4403, "guest link for another meeting"),
    AccessRefusal.GUEST_REVOKED: (4403, "guest link revoked"),
    AccessRefusal.GUEST_EXPIRED: (4419, "guest link expired"),
    AccessRefusal.NOT_PUBLIC: (4401, "login required"),
    AccessRefusal.STREAM_OFF: (4423, "no public stream"),
    AccessRefusal.FULL: (4429, "too many listeners"),
}
CLOSE_NOT_FOUND = (4404, "no such meeting")
CLOSE_BAD_ORIGIN = (4403, "cross-site connection refused")

REFUSAL_TEXT = {
    RoomRefusal.NOT_ALLOWED: N_("Den Sitzungsraum betreten nur Mitglieder des Gremiums und die Geschäftsstelle."),
    RoomRefusal.NOT_DIGITAL: N_("Diese Sitzung findet in Präsenz statt und hat keinen Sitzungsraum."),
    RoomRefusal.NOT_OPEN: N_("Diese Sitzung ist beendet oder abgesagt."),
}
ACCESS_TEXT = {
    AccessRefusal.GUEST_INVALID: N_("Dieser Gastzugang ist ungültig. Bitte prüfen Sie, ob der Link vollständig ist."),
    AccessRefusal.GUEST_OTHER_MEETING: N_("Dieser Gastzugang gilt für eine andere Sitzung."),
    AccessRefusal.GUEST_REVOKED: N_("Dieser Gastzugang wurde zurückgezogen."),
    AccessRefusal.GUEST_EXPIRED: N_("Dieser Gastzugang ist abgelaufen."),
    AccessRefusal.STREAM_OFF: N_("Die Sitzungsleitung hat gerade keine öffentliche Übertragung freigegeben."),
    AccessRefusal.FULL: N_("Die öffentliche Übertragung ist voll. Bitte versuchen Sie es später erneut."),
}
ACCESS_STATUS = {AccessRefusal.GUEST_INVALID: HTTP_403_FORBIDDEN, AccessRefusal.GUEST_EXPIRED: HTTP_410_GONE}


def agenda_of(meeting: Meeting, viewer: Viewer) -> list[dict[str, Any]]:
    return [
        {"id": item.id, "number": item.number, "title": item.title, "public": item.public}
        for item in visible_items(meeting, meeting.agenda_items, viewer)
    ]


def room_agenda(meeting: Meeting) -> list[dict[str, Any]]:
    """The room's agenda: every item, marked public or not; each seat sees it through `RoomHub.state_for`."""
    return [
        {"id": item.id, "number": item.number, "title": item.title, "public": item.public}
        for item in meeting.agenda_items
        if not item.deleted
    ]


def guest_viewer(guest: GuestPass) -> Viewer:
    """A guest has no account: an anonymous viewer with the name from the link."""
    return dataclasses.replace(ANONYMOUS, display_name=guest.name)


def _guest_pass(hub: RoomHub, secret: str, token: str, meeting: Meeting) -> GuestPass | AccessRefusal | RoomRefusal:
    guest = read_guest_token(secret, token, meeting.id, utcnow(), hub.guests.revoked_of(meeting.id))
    if isinstance(guest, GuestPass):
        return guest_refusal(meeting) or guest
    return guest


def _refused_page(refusal: AccessRefusal | RoomRefusal) -> HTTPException:
    if isinstance(refusal, RoomRefusal):
        return PermissionDeniedException(_(REFUSAL_TEXT.get(refusal, REFUSAL_TEXT[RoomRefusal.NOT_OPEN])))
    return HTTPException(status_code=ACCESS_STATUS.get(refusal, HTTP_403_FORBIDDEN), detail=_(ACCESS_TEXT[refusal]))


def _same_origin(socket: WebSocket[Any, Any, Any]) -> bool:
    """Browsers send Origin with WebSockets; a page of another site must not use the member's session."""
    origin = socket.headers.get("origin")
    if not origin:
        return True
    return urlsplit(origin).netloc == socket.headers.get("host", "")


class MeetingRoomController(Controller):
    path = "/meetings/{meeting_id:int}/room"

    @get("/", name="meeting_room")
    async def room(
        self,
        request: Request[Any, Any, Any],
        meeting_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
    ) -> Template:
        meeting = await load_meeting(db_session, meeting_id)
        if not viewer.is_authenticated:
            return self._visitor_page(request, viewer, municipality, meeting)
        role = room_role(viewer, meeting)
        if role is RoomRefusal.NOT_ALLOWED:
            raise PermissionDeniedException(REFUSAL_TEXT[role])
        leads = leads_room(viewer, meeting)
        hub: RoomHub = request.app.state.room_hub
        return page(
            "meetings/room.html",
            viewer=viewer,
            body=municipality,
            meeting=meeting,
            refusal=REFUSAL_TEXT.get(role) if isinstance(role, RoomRefusal) else None,
            leads=leads,
            member=viewer.is_member_of(meeting.organization_id),
            items=agenda_of(meeting, viewer),
            room_role=role.value if isinstance(role, RoomRole) else None,
            ws_query="",
            stream=hub.stream_on(meeting_id),
            public_meeting=hub.visitor_refusal(meeting) is not AccessRefusal.NOT_PUBLIC,
            guest_links=leads and may_invite_guests(viewer, meeting),
        )

    def _visitor_page(
        self, request: Request[Any, Any, Any], viewer: Viewer, municipality: Body | None, meeting: Meeting
    ) -> Template:
        """Without a login: the listen-only room of a public meeting while the chair allows the stream."""
        hub: RoomHub = request.app.state.room_hub
        refusal = hub.visitor_refusal(meeting)
        if refusal is AccessRefusal.NOT_PUBLIC:
            raise NotAuthorizedException("Bitte melden Sie sich an.")
        return page(
            "meetings/room.html",
            viewer=viewer,
            body=municipality,
            meeting=meeting,
            refusal=ACCESS_TEXT[refusal] if refusal is not None else None,
            leads=False,
            member=False,
            items=agenda_of(meeting, viewer),
            room_role=RoomRole.VISITOR.value,
            ws_query="",
            stream=True,
            public_meeting=True,
            guest_links=False,
        )

    @get("/guest", name="meeting_room_guest")
    async def guest(
        self,
        request: Request[Any, Any, Any],
        meeting_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        municipality: NamedDependency[Body | None],
        token: FromQuery[str] = "",
    ) -> Template:
        """An invited guest's way in: the signed link opens the room page without a login."""
        meeting = await load_meeting(db_session, meeting_id)
        settings: Settings = request.app.state.settings
        guest = _guest_pass(request.app.state.room_hub, settings.secret_key, token, meeting)
        if not isinstance(guest, GuestPass):
            raise _refused_page(guest)
        viewer = guest_viewer(guest)
        return page(
            "meetings/room.html",
            viewer=await viewer_of(request),
            body=municipality,
            meeting=meeting,
            refusal=None,
            leads=False,
            member=False,
            items=agenda_of(meeting, ANONYMOUS),
            room_role=RoomRole.GUEST.value,
            guest_name=viewer.display_name,
            ws_query="?" + urlencode({"guest": token}),
            stream=False,
            public_meeting=False,
            guest_links=False,
        )

    @get("/guests", name="meeting_room_guests", guards=[requires_login])
    async def guests(
        self,
        request: Request[Any, Any, Any],
        meeting_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
    ) -> Template:
        meeting = await self._invitable(db_session, viewer, meeting_id)
        return self._guests_page(request, viewer, municipality, meeting)

    @post("/guests", name="meeting_room_guest_create", guards=[requires_login])
    async def create_guest(
        self,
        request: Request[Any, Any, Any],
        meeting_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
        data: FormData,
    ) -> Template:
        meeting = await self._invitable(db_session, viewer, meeting_id)
        name = form_value(data, "name", 500)
        settings: Settings = request.app.state.settings
        try:
            guest, token = issue_guest_pass(settings.secret_key, meeting, name, utcnow())
        except ValidationFailed as exc:
            return self._guests_page(
                request, viewer, municipality, meeting, errors=exc.errors, name=name, status_code=HTTP_400_BAD_REQUEST
            )
        hub: RoomHub = request.app.state.room_hub
        hub.guests.add(guest)
        link = f"{settings.public_base_url.rstrip('/')}/meetings/{meeting_id}/room/guest?" + urlencode({"token": token})
        return self._guests_page(request, viewer, municipality, meeting, created=(guest, link), status_code=201)

    @post("/guests/{guest_id:str}/revoke", name="meeting_room_guest_revoke", guards=[requires_login])
    async def revoke_guest(
        self,
        request: Request[Any, Any, Any],
        meeting_id: FromPath[int],
        guest_id: FromPath[str],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
    ) -> Redirect:
        await self._invitable(db_session, viewer, meeting_id)
        hub: RoomHub = request.app.state.room_hub
        await hub.revoke_guest(meeting_id, guest_id[:40])
        return Redirect(f"/meetings/{meeting_id}/room/guests", status_code=303)

    async def _invitable(self, session: AsyncSession, viewer: Viewer, meeting_id: int) -> Meeting:
        meeting = await load_meeting(session, meeting_id)
        if not may_invite_guests(viewer, meeting):
            raise PermissionDeniedException(_("Gäste laden die Sitzungsleitung und die Geschäftsstelle ein."))
        return meeting

    def _guests_page(
        self,
        request: Request[Any, Any, Any],
        viewer: Viewer,
        municipality: Body | None,
        meeting: Meeting,
        *,
        errors: dict[str, str] | None = None,
        name: str = "",
        created: tuple[GuestPass, str] | None = None,
        status_code: int = 200,
    ) -> Template:
        hub: RoomHub = request.app.state.room_hub
        return page(
            "meetings/room_guests.html",
            viewer=viewer,
            body=municipality,
            meeting=meeting,
            errors=errors or {},
            name=name,
            created=created,
            problem=guest_link_problem(meeting, utcnow()),
            guests=hub.guests.listed(meeting.id, utcnow()),
            status_code=status_code,
        )

    @get("/ice", name="meeting_room_ice")
    async def ice(
        self,
        request: Request[Any, Any, Any],
        meeting_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        guest: FromQuery[str] = "",
    ) -> dict[str, Any]:
        meeting = await load_meeting(db_session, meeting_id)
        settings: Settings = request.app.state.settings
        hub: RoomHub = request.app.state.room_hub
        if guest:
            admitted = _guest_pass(hub, settings.secret_key, guest, meeting)
            if not isinstance(admitted, GuestPass):
                raise PermissionDeniedException("room")
            user = admitted.key
        elif viewer.is_authenticated:
            if not isinstance(room_role(viewer, meeting), RoomRole):
                raise PermissionDeniedException("room")
            user = str(viewer.user_id)
        elif hub.visitor_refusal(meeting) is None:
            user = "visitor"
        else:
            raise NotAuthorizedException("room")
        servers = ice_servers(
            settings.media_stun_urls,
            settings.media_turn_urls,
            settings.media_turn_secret,
            user,
            int(time.time()),
            settings.media_turn_ttl_seconds,
        )
        return {"iceServers": servers}

    @websocket("/ws", name="meeting_room_ws")
    async def signaling(self, socket: WebSocket[Any, Any, Any], meeting_id: FromPath[int]) -> None:
        await socket.accept()
        if not _same_origin(socket):
            await socket.close(*CLOSE_BAD_ORIGIN)
            return
        viewer = await viewer_of(socket)
        hub: RoomHub = socket.app.state.room_hub
        token = socket.query_params.get("guest")
        key: str | None = None
        async with socket.app.state.sessionmaker() as session:
            try:
                meeting = await load_meeting(session, meeting_id)
            except NotFound:
                await socket.close(*CLOSE_NOT_FOUND)
                return
            role: RoomRole | RoomRefusal | AccessRefusal
            if token:  # the signed link decides, also for someone logged in (a member of another body)
                role, viewer, key = self._guest_role(socket, hub, token, meeting)
            elif not viewer.is_authenticated and hub.visitor_refusal(meeting) is not AccessRefusal.NOT_PUBLIC:
                role = hub.visitor_refusal(meeting) or RoomRole.VISITOR
                key = f"v{secrets.token_hex(8)}"
            else:
                role = room_role(viewer, meeting)
            items = room_agenda(meeting)
            leads = isinstance(role, RoomRole) and leads_room(viewer, meeting)
        if isinstance(role, AccessRefusal):
            await socket.close(*ACCESS_CLOSE_CODES[role])
            return
        if isinstance(role, RoomRefusal):
            await socket.close(*CLOSE_CODES[role])
            return
        if role is RoomRole.VISITOR and (refusal := hub.visitor_refusal(meeting)) is not None:
            await socket.close(*ACCESS_CLOSE_CODES[refusal])  # checked again right before taking the seat
            return
        connection = SocketConnection(socket)
        seat = await hub.connect(meeting_id, items, viewer, role, leads, connection, key=key)
        try:
            while True:
                raw = await socket.receive_text()
                try:
                    message = json.loads(raw) if len(raw) <= MAX_MESSAGE_CHARS else None
                except ValueError:
                    message = None
                await hub.handle(meeting_id, seat, message)
        except (WebSocketDisconnect, NotAuthorizedException, RuntimeError):
            pass
        finally:
            await hub.disconnect(meeting_id, seat, connection)

    def _guest_role(
        self, socket: WebSocket[Any, Any, Any], hub: RoomHub, token: str, meeting: Meeting
    ) -> tuple[RoomRole | RoomRefusal | AccessRefusal, Viewer, str | None]:
        settings: Settings = socket.app.state.settings
        guest = _guest_pass(hub, settings.secret_key, token, meeting)
        if not isinstance(guest, GuestPass):
            return guest, ANONYMOUS, None
        return RoomRole.GUEST, guest_viewer(guest), guest.key


class SocketConnection:
    def __init__(self, socket: WebSocket[Any, Any, Any]) -> None:
        self.socket = socket

    async def send(self, message: dict[str, Any]) -> None:
        await self.socket.send_text(json.dumps(message))

    async def close(self, code: int, reason: str) -> None:
        await self.socket.close(code, reason)
