"""Who may enter the meeting room besides members, applied to the running session: the lobby where invited guests
wait for the chair or the secretariat, the public listen-only stream for anonymous visitors (held while a
non-public item is current), revoked guest links, and checking in the members already in the room when the
meeting is opened. A mixin of `RoomHub`, kept apart from the hub's core signaling."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from council.db import utcnow
from council.events import DomainEvent, EventKind, take_events
from council.meetings.attendance import load_meeting
from council.meetings.models import Meeting
from council.meetings.presence import RoomRole, arrive
from council.meetings.room_access import (
    AccessRefusal,
    GuestPass,
    counts_for_presence,
    held_from_media,
    may_publish,
    meeting_is_public,
    sees_non_public,
    visitor_refusal,
)
from media.backend import Rights

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

    from media.backend import MediaBackend
    from web.room_hub import Publish, RoomSession, Seat

CLOSE_REJECTED = 4001  # the leaders did not admit the guest from the lobby
CLOSE_STREAM_ENDED = 4002  # the chair ended the public stream
CLOSE_REVOKED = 4000  # as `room_hub.CLOSE_REMOVED`: the guest's link was revoked, the guest is out
ACCESS_ACTIONS = frozenset({"admit", "reject", "public_stream"})
VISITOR_MESSAGES = frozenset({"join", "leave", "answer", "candidate"})
DEFAULT_MAX_LISTENERS = 50


class AccessError(Exception):
    """A message the participant's role does not allow; the hub answers it like a signaling error."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class RoomAccessState:
    """Per running room: whether the chair allows the public stream."""

    stream: bool = False


@dataclass
class GuestBook:
    """Guest links issued per meeting (so the leaders can see and revoke them) and the revoked ones. In memory:
    a restart forgets the list, the links themselves stay valid until they expire."""

    issued: dict[int, dict[str, GuestPass]] = field(default_factory=dict)
    revoked: dict[int, set[str]] = field(default_factory=dict)

    def add(self, guest: GuestPass) -> None:
        self.issued.setdefault(guest.meeting_id, {})[guest.guest_id] = guest

    def revoke(self, meeting_id: int, guest_id: str) -> None:
        self.revoked.setdefault(meeting_id, set()).add(guest_id)

    def revoked_of(self, meeting_id: int) -> set[str]:
        return self.revoked.get(meeting_id, set())

    def listed(self, meeting_id: int, now: dt.datetime) -> list[tuple[GuestPass, bool]]:
        """The meeting's unexpired links with whether each is revoked."""
        revoked = self.revoked_of(meeting_id)
        return [
            (guest, guest.guest_id in revoked)
            for guest in self.issued.get(meeting_id, {}).values()
            if guest.expires > now.timestamp()
        ]


def rights_for(role: RoomRole) -> Rights:
    """Visitors are admitted to the relay without the right to send: whatever they might send is dropped."""
    allowed = may_publish(role)
    return Rights(publish_audio=allowed, publish_video=allowed)


class RoomAccessMixin:
    if TYPE_CHECKING:
        backend: MediaBackend
        sessions: async_sessionmaker[AsyncSession]
        publish: Publish
        rooms: dict[int, RoomSession]
        guests: GuestBook
        max_listeners: int

        async def broadcast(self, room: RoomSession) -> None: ...

        async def _send(self, seat: Seat, message: dict[str, Any]) -> None: ...

        async def _leave_media(self, room: RoomSession, seat: Seat) -> None: ...

        async def _enter(self, room: RoomSession, seat: Seat) -> None: ...

        def state(self, room: RoomSession) -> dict[str, Any]: ...

    # --- decisions before a connection gets a seat ------------------------------------------------------------------

    def stream_on(self, meeting_id: int) -> bool:
        room = self.rooms.get(meeting_id)
        return room is not None and room.access.stream

    def listeners(self, meeting_id: int) -> int:
        room = self.rooms.get(meeting_id)
        if room is None:
            return 0
        return sum(1 for s in room.seats.values() if s.role is RoomRole.VISITOR and s.connection is not None)

    def visitor_refusal(self, meeting: Meeting) -> AccessRefusal | None:
        public = meeting_is_public(meeting, meeting.agenda_items)
        return visitor_refusal(public, self.stream_on(meeting.id), self.listeners(meeting.id), self.max_listeners)

    # --- what each seat sees -------------------------------------------------------------------------------------

    def state_for(self, room: RoomSession, seat: Seat) -> dict[str, Any]:
        """The shared state as this seat may see it: visitors are not listed; guests and visitors do not see the
        title of a non-public item; only the leaders see the lobby."""
        state = self.state(room)
        visible = {s.key for s in room.seats.values() if s.role is not RoomRole.VISITOR}
        state["participants"] = [p for p in state["participants"] if p["id"] in visible]
        item = state.get("item")
        if item is not None and item.get("public") is not True and not sees_non_public(seat.role):
            state["item"] = {"public": False}
        state["stream"] = room.access.stream
        state["listeners"] = self.listeners(room.meeting_id)
        if seat.leads:
            state["lobby"] = [{"id": s.key, "name": s.name} for s in room.seats.values() if s.waiting]
        return state

    def current_item_public(self, room: RoomSession) -> bool:
        item = next((item for item in room.items if item["id"] == room.current_item_id), None)
        return item is None or item.get("public") is True  # an item not marked public is treated as non-public

    # --- role checks on each message -----------------------------------------------------------------------------

    def check_access(self, seat: Seat, kind: str, message: Any) -> None:
        if seat.role is RoomRole.VISITOR:
            if kind not in VISITOR_MESSAGES or (kind == "candidate" and message.get("connection") == "publish"):
                raise AccessError("listen_only", "Visitors of the public stream only listen.")
            if kind == "join" and seat.held:
                raise AccessError("held", "The stream pauses during a non-public item.")

    # --- the lobby -----------------------------------------------------------------------------------------------

    async def wait_in_lobby(self, room: RoomSession, seat: Seat) -> None:
        """Also for a second window of a waiting guest: it is told to wait as well."""
        seat.waiting = True
        await self._send(seat, {"type": "lobby"})
        await self.broadcast(room)

    def _lobby_seat(self, room: RoomSession, message: dict[str, Any]) -> Seat:
        target = room.seats.get(str(message.get("target", "")))
        if target is None or not target.waiting:
            raise AccessError("unknown_participant", "Nobody of that id waits in the lobby.")
        return target

    async def _on_admit(self, room: RoomSession, seat: Seat, message: dict[str, Any]) -> None:
        target = self._lobby_seat(room, message)
        target.waiting = False
        target.admitted = True
        await self._enter(room, target)

    async def _on_reject(self, room: RoomSession, seat: Seat, message: dict[str, Any]) -> None:
        target = self._lobby_seat(room, message)
        room.seats.pop(target.key, None)
        conn, target.connection = target.connection, None
        if conn is not None:
            await conn.close(CLOSE_REJECTED, "not admitted")
        await self.broadcast(room)

    # --- guests --------------------------------------------------------------------------------------------------

    async def revoke_guest(self, meeting_id: int, guest_id: str) -> None:
        """The link no longer opens the room; a guest inside is removed."""
        self.guests.revoke(meeting_id, guest_id)
        room = self.rooms.get(meeting_id)
        seat = room.seats.get(f"g{guest_id}") if room is not None else None
        if room is None or seat is None:
            return
        await self._leave_media(room, seat)
        if seat.departure is not None:
            seat.departure.cancel()
            seat.departure = None
        room.seats.pop(seat.key, None)
        conn, seat.connection = seat.connection, None
        if conn is not None:
            await conn.close(CLOSE_REVOKED, "removed by the chair")
        await self.broadcast(room)

    # --- the public stream ---------------------------------------------------------------------------------------

    async def _on_public_stream(self, room: RoomSession, seat: Seat, message: dict[str, Any]) -> None:
        allowed = message.get("allowed")
        if not isinstance(allowed, bool):
            raise AccessError("malformed", "allowed must be true or false")
        if allowed:
            async with self.sessions() as session:
                meeting = await load_meeting(session, room.meeting_id)
                public = meeting_is_public(meeting, meeting.agenda_items)
            if not public:
                raise AccessError("not_public", "Only a public meeting can be streamed.")
        room.access.stream = allowed
        if not allowed:
            for visitor in [s for s in room.seats.values() if s.role is RoomRole.VISITOR]:
                await self._leave_media(room, visitor)
                room.seats.pop(visitor.key, None)
                conn, visitor.connection = visitor.connection, None
                if conn is not None:
                    await conn.close(CLOSE_STREAM_ENDED, "public stream ended")
        await self.broadcast(room)

    async def sync_visitors(self, room: RoomSession) -> None:
        """After the agenda moved: hold visitors during a non-public item, let them back in after it."""
        public = self.current_item_public(room)
        for seat in [s for s in room.seats.values() if s.role is RoomRole.VISITOR and s.connection is not None]:
            if held_from_media(seat.role, public) and seat.joined:
                await self._leave_media(room, seat)
                seat.held = True
                await self._send(seat, {"type": "held"})
            elif not held_from_media(seat.role, public) and seat.held:
                seat.held = False
                await self._enter(room, seat)

    def hold_on_entry(self, room: RoomSession, seat: Seat) -> bool:
        return held_from_media(seat.role, self.current_item_public(room))

    # --- the meeting opened with members already in the room ----------------------------------------------------

    async def on_events(self, events: list[DomainEvent]) -> None:
        """Domain events after their commit: when a meeting with a running room is opened, the members already
        inside are checked in (their presence counted from now)."""
        for meeting_id in {e.meeting_id for e in events if e.kind is EventKind.MEETING_CHANGED}:
            room = self.rooms.get(meeting_id)
            if room is not None:
                await self.check_in_present(room)

    async def check_in_present(self, room: RoomSession) -> None:
        present = [s for s in room.seats.values() if s.joined and counts_for_presence(s.role)]
        if not present:
            return
        now = utcnow()
        async with self.sessions() as session:
            meeting = await load_meeting(session, room.meeting_id)
            for seat in present:
                await arrive(session, meeting, seat.viewer, now)
            events = take_events(session)
            await session.commit()
        if events:
            await self.publish(events)
