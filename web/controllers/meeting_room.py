"""The meeting's video room: the page, the ICE configuration, and the signaling WebSocket."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlsplit

from litestar import Controller, Request, WebSocket, get, websocket
from litestar.di import NamedDependency
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException, WebSocketDisconnect
from litestar.params import FromPath
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from council.accounts.viewer import Viewer
from council.bodies.models import Body
from council.errors import NotFound
from council.meetings.attendance import load_meeting
from council.meetings.models import Meeting
from council.meetings.presence import RoomRefusal, RoomRole, leads_room, room_role
from council.meetings.service import visible_items
from council.messages import N_
from council.settings import Settings
from media.ice import ice_servers
from web.auth import requires_login, viewer_of
from web.pages import page
from web.room_hub import MAX_MESSAGE_CHARS, RoomHub

# Close codes (4000-4999 are the application's): the page explains each to the user.
CLOSE_CODES = {
    RoomRefusal.NOT_LOGGED_IN: (4401, "login required"),
    RoomRefusal.NOT_ALLOWED: (4403, "not a participant of this meeting"),
    RoomRefusal.NOT_DIGITAL: (4409, "this meeting has no video room"),
    RoomRefusal.NOT_OPEN: (4410, "the meeting is closed or cancelled"),
}
CLOSE_NOT_FOUND = (4404, "no such meeting")
CLOSE_BAD_ORIGIN = (4403, "cross-site connection refused")

REFUSAL_TEXT = {
    RoomRefusal.NOT_ALLOWED: N_("Den Sitzungsraum betreten nur Mitglieder des Gremiums und die Geschäftsstelle."),
    RoomRefusal.NOT_DIGITAL: N_("Diese Sitzung findet in Präsenz statt und hat keinen Sitzungsraum."),
    RoomRefusal.NOT_OPEN: N_("Diese Sitzung ist beendet oder abgesagt."),
}


def agenda_of(meeting: Meeting, viewer: Viewer) -> list[dict[str, Any]]:
    return [
        {"id": item.id, "number": item.number, "title": item.title}
        for item in visible_items(meeting, meeting.agenda_items, viewer)
    ]


def _same_origin(socket: WebSocket[Any, Any, Any]) -> bool:
    """Browsers send Origin with WebSockets; a page of another site must not use the member's session."""
    origin = socket.headers.get("origin")
    if not origin:
        return True
    return urlsplit(origin).netloc == socket.headers.get("host", "")


class MeetingRoomController(Controller):
    path = "/meetings/{meeting_id:int}/room"

    @get("/", name="meeting_room", guards=[requires_login])
    async def room(
        self,
        request: Request[Any, Any, Any],
        meeting_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
    ) -> Template:
        meeting = await load_meeting(db_session, meeting_id)
        role = room_role(viewer, meeting)
        if role is RoomRefusal.NOT_ALLOWED:
            raise PermissionDeniedException(REFUSAL_TEXT[role])
        return page(
            "meetings/room.html",
            viewer=viewer,
            body=municipality,
            meeting=meeting,
            refusal=REFUSAL_TEXT.get(role) if isinstance(role, RoomRefusal) else None,
            leads=leads_room(viewer, meeting),
            member=viewer.is_member_of(meeting.organization_id),
            items=agenda_of(meeting, viewer),
        )

    @get("/ice", name="meeting_room_ice", guards=[requires_login])
    async def ice(
        self,
        request: Request[Any, Any, Any],
        meeting_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
    ) -> dict[str, Any]:
        meeting = await load_meeting(db_session, meeting_id)
        if not isinstance(room_role(viewer, meeting), RoomRole):
            raise PermissionDeniedException("room")
        settings: Settings = request.app.state.settings
        servers = ice_servers(
            settings.media_stun_urls,
            settings.media_turn_urls,
            settings.media_turn_secret,
            str(viewer.user_id),
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
        async with socket.app.state.sessionmaker() as session:
            try:
                meeting = await load_meeting(session, meeting_id)
            except NotFound:
                await socket.close(*CLOSE_NOT_FOUND)
                return
            role = room_role(viewer, meeting)
            items = agenda_of(meeting, viewer)
            leads = leads_room(viewer, meeting)
        if isinstance(role, RoomRefusal):
            await socket.close(*CLOSE_CODES[role])
            return
        hub: RoomHub = socket.app.state.room_hub
        connection = SocketConnection(socket)
        seat = await hub.connect(meeting_id, items, viewer, role, leads, connection)
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


class SocketConnection:
    def __init__(self, socket: WebSocket[Any, Any, Any]) -> None:
        self.socket = socket

    async def send(self, message: dict[str, Any]) -> None:
        await self.socket.send_text(json.dumps(message))

    async def close(self, code: int, reason: str) -> None:
        await self.socket.close(code, reason)
