"""The meeting room session: seats, presence with a reconnect grace, the speakers list, chair actions, and the
signaling between each browser and the `MediaBackend`. Transport-agnostic: a `Connection` sends JSON and closes."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from council.accounts.viewer import Viewer
from council.db import utcnow
from council.errors import NotFound, ValidationFailed
from council.events import DomainEvent, EventKind, take_events
from council.meetings.attendance import load_meeting
from council.meetings.models import Meeting
from council.meetings.presence import RoomRole, arrive, depart
from council.meetings.room_access import counts_for_presence, waits_in_lobby
from council.meetings.room_media import call_item
from council.meetings.speakers import SpeakersList
from media.backend import (
    MediaBackend,
    MediaError,
    MediaEvent,
    ParticipantGone,
    RenegotiationNeeded,
    ScreenBusy,
    TrackInfo,
    TracksChanged,
)
from web.room_access import (
    ACCESS_ACTIONS,
    DEFAULT_MAX_LISTENERS,
    AccessError,
    GuestBook,
    RoomAccessMixin,
    RoomAccessState,
    rights_for,
)
from web.room_recording import RecordingRefused, RoomRecorder

log = logging.getLogger(__name__)

CLOSE_REMOVED = 4000
CLOSE_REPLACED = 4009
MAX_MESSAGE_CHARS = 64_000
CHAIR_ACTIONS = (
    frozenset({"mute_participant", "remove", "lower_hands", "give_floor", "next_item", "previous_item"})
    | frozenset({"recording", "stop_share"})
    | ACCESS_ACTIONS
)
MESSAGE_TYPES = frozenset({"join", "leave", "offer", "answer", "candidate", "mute", "hand", "share"}) | CHAIR_ACTIONS


class Connection(Protocol):
    async def send(self, message: dict[str, Any]) -> None: ...

    async def close(self, code: int, reason: str) -> None: ...


class SignalingError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class Seat:
    key: str
    viewer: Viewer
    role: RoomRole
    leads: bool
    connection: Connection | None = None
    joined: bool = False
    muted: dict[str, bool] = field(default_factory=lambda: {"audio": False, "video": False})
    departure: asyncio.Task[None] | None = None
    admitted: bool = False  # a guest let in from the lobby (kept across a reconnect within the grace)
    waiting: bool = False  # a guest in the lobby
    held: bool = False  # a visitor without media while a non-public item is current

    @property
    def name(self) -> str:
        return self.viewer.display_name


@dataclass
class RoomSession:
    meeting_id: int
    items: list[dict[str, Any]]
    seats: dict[str, Seat] = field(default_factory=dict)
    speakers: SpeakersList = field(default_factory=SpeakersList)
    current_item_id: int | None = None  # persisted as meeting.current_agenda_item_id
    events: asyncio.Queue[MediaEvent] = field(default_factory=asyncio.Queue)
    pump: asyncio.Task[None] | None = None
    access: RoomAccessState = field(default_factory=RoomAccessState)


Publish = Callable[[list[DomainEvent]], Awaitable[None]]


class RoomHub(RoomAccessMixin):
    def __init__(
        self,
        backend: MediaBackend,
        sessions: async_sessionmaker[AsyncSession],
        publish: Publish,
        grace_seconds: float,
        max_listeners: int = DEFAULT_MAX_LISTENERS,
        recorder: RoomRecorder | None = None,
    ) -> None:
        self.backend = backend
        self.sessions = sessions
        self.publish = publish
        self.grace_seconds = grace_seconds
        self.max_listeners = max_listeners
        self.guests = GuestBook()
        self.recorder = recorder
        self.rooms: dict[int, RoomSession] = {}

    # --- connections ---------------------------------------------------------------------------------------------

    async def connect(
        self,
        meeting_id: int,
        items: list[dict[str, Any]],
        viewer: Viewer,
        role: RoomRole,
        leads: bool,
        conn: Connection,
        key: str | None = None,
    ) -> Seat:
        """`key` names the seat of those without a user id (guests: their link, visitors: a random one)."""
        current_item_id = await self._stored_item(meeting_id) if meeting_id not in self.rooms else None
        room = self.rooms.get(meeting_id)
        if room is None:
            room = self.rooms[meeting_id] = RoomSession(meeting_id, items, current_item_id=current_item_id)
            self.backend.create_room(str(meeting_id), room.events.put_nowait)
            room.pump = asyncio.create_task(self._pump(room), name=f"room-{meeting_id}")
        key = key or f"u{viewer.user_id}"
        seat = room.seats.get(key)
        if seat is None:
            seat = room.seats[key] = Seat(key, viewer, role, leads)
        elif seat.connection is not None:
            old, seat.connection = seat.connection, None
            await self._leave_media(room, seat)
            with contextlib.suppress(Exception):
                await old.close(CLOSE_REPLACED, "opened in another window")
        if seat.departure is not None:  # back within the grace: the seat (and attendance) is kept
            seat.departure.cancel()
            seat.departure = None
        seat.connection = conn
        welcome = {"type": "welcome", "you": key, "leads": leads, "role": role.value, **self.state_for(room, seat)}
        await conn.send(welcome)
        return seat

    async def disconnect(self, meeting_id: int, seat: Seat, conn: Connection) -> None:
        room = self.rooms.get(meeting_id)
        if room is None or seat.connection is not conn:
            return
        seat.connection = None
        was_joined = seat.joined
        await self._leave_media(room, seat)
        if was_joined and seat.role is not RoomRole.VISITOR:
            left_at = utcnow()
            seat.departure = asyncio.create_task(self._depart_after_grace(room, seat, left_at))
        else:
            room.seats.pop(seat.key, None)
        await self.broadcast(room)

    async def handle(self, meeting_id: int, seat: Seat, message: Any) -> None:
        """One message from a browser; problems answer with an `error` message and leave the session intact."""
        room = self.rooms[meeting_id]
        try:
            kind = _message_type(message)
            if kind in CHAIR_ACTIONS and not seat.leads:
                raise SignalingError("forbidden", "Only the chair may do that.")
            self.check_access(seat, kind, message)
            if kind not in ("join",) and not seat.joined:
                raise SignalingError("out_of_order", "Join the room first.")
            await getattr(self, f"_on_{kind}")(room, seat, message)
        except (SignalingError, AccessError) as exc:
            await self._send(seat, {"type": "error", "code": exc.code, "message": str(exc), "about": _about(message)})
        except MediaError as exc:
            await self._send(seat, {"type": "error", "code": "media", "message": str(exc), "about": _about(message)})

    # --- messages ------------------------------------------------------------------------------------------------

    async def _on_join(self, room: RoomSession, seat: Seat, message: dict[str, Any]) -> None:
        if seat.joined:
            raise SignalingError("out_of_order", "Already joined.")
        if waits_in_lobby(seat.role) and not seat.admitted:
            await self.wait_in_lobby(room, seat)
            return
        await self._enter(room, seat)

    async def _enter(self, room: RoomSession, seat: Seat) -> None:
        if self.hold_on_entry(room, seat):
            seat.held = True
            await self._send(seat, {"type": "held"})
            return
        await self.backend.admit(str(room.meeting_id), seat.key, rights_for(seat.role))
        seat.joined = True
        if self.recorder is not None:
            self.recorder.note(room.meeting_id, seat.key, seat.name)
        if counts_for_presence(seat.role):
            await self._presence(room, seat, arriving=True, at=utcnow())
        await self._send(seat, {"type": "joined", "you": seat.key, "listen_only": seat.role is RoomRole.VISITOR})
        await self.broadcast(room)

    async def _on_leave(self, room: RoomSession, seat: Seat, message: dict[str, Any]) -> None:
        await self._leave_media(room, seat)
        await self._presence(room, seat, arriving=False, at=utcnow())
        room.seats.pop(seat.key, None)
        conn, seat.connection = seat.connection, None
        await self.broadcast(room)
        if conn is not None:
            await conn.close(1000, "left")

    async def _on_offer(self, room: RoomSession, seat: Seat, message: dict[str, Any]) -> None:
        answer = await self.backend.publish(str(room.meeting_id), seat.key, _text(message, "sdp"))
        await self._send(seat, {"type": "answer", "sdp": answer})

    async def _on_answer(self, room: RoomSession, seat: Seat, message: dict[str, Any]) -> None:
        await self.backend.subscribe_answer(str(room.meeting_id), seat.key, _text(message, "sdp"))

    async def _on_candidate(self, room: RoomSession, seat: Seat, message: dict[str, Any]) -> None:
        connection = message.get("connection")
        if connection not in ("publish", "subscribe"):
            raise SignalingError("malformed", "connection must be publish or subscribe")
        candidate = message.get("candidate") or ""
        mid = message.get("sdpMid") or "0"
        if not isinstance(candidate, str) or not isinstance(mid, str):
            raise SignalingError("malformed", "candidate and sdpMid must be text")
        await self.backend.add_candidate(str(room.meeting_id), seat.key, connection, candidate, mid)

    async def _on_mute(self, room: RoomSession, seat: Seat, message: dict[str, Any]) -> None:
        kind, muted = _kind(message), bool(message.get("muted", True))
        self.backend.mute(str(room.meeting_id), seat.key, kind, muted)
        seat.muted[kind] = muted
        await self.broadcast(room)

    async def _on_hand(self, room: RoomSession, seat: Seat, message: dict[str, Any]) -> None:
        if message.get("raised", True):
            room.speakers.raise_hand(seat.key)
        else:
            room.speakers.lower_hand(seat.key)
        await self.broadcast(room)

    async def _on_mute_participant(self, room: RoomSession, seat: Seat, message: dict[str, Any]) -> None:
        target = self._target(room, message)
        kind = _kind(message)
        self.backend.mute(str(room.meeting_id), target.key, kind, True)
        target.muted[kind] = True
        await self._send(target, {"type": "muted_by_chair", "kind": kind})
        await self.broadcast(room)

    async def _on_remove(self, room: RoomSession, seat: Seat, message: dict[str, Any]) -> None:
        target = self._target(room, message)
        if target is seat:
            raise SignalingError("invalid", "Use leave to leave the room.")
        if target.role is RoomRole.GUEST:  # a removed guest does not come back with the same link
            self.guests.revoke(room.meeting_id, target.key[1:])
        await self._leave_media(room, target)
        await self._presence(room, target, arriving=False, at=utcnow())
        room.seats.pop(target.key, None)
        conn, target.connection = target.connection, None
        if conn is not None:
            await conn.close(CLOSE_REMOVED, "removed by the chair")
        await self.broadcast(room)

    async def _on_lower_hands(self, room: RoomSession, seat: Seat, message: dict[str, Any]) -> None:
        room.speakers.lower_all()
        await self.broadcast(room)

    async def _on_give_floor(self, room: RoomSession, seat: Seat, message: dict[str, Any]) -> None:
        target = self._target(room, message).key if message.get("target") else None
        room.speakers.give_floor(target)
        await self.broadcast(room)

    async def _on_next_item(self, room: RoomSession, seat: Seat, message: dict[str, Any]) -> None:
        await self._move_item(room, +1)

    async def _on_previous_item(self, room: RoomSession, seat: Seat, message: dict[str, Any]) -> None:
        await self._move_item(room, -1)

    # --- recording, screen sharing, the current item ---------------------------------------------------------

    async def _on_recording(self, room: RoomSession, seat: Seat, message: dict[str, Any]) -> None:
        if self.recorder is None:
            raise SignalingError("recording_not_allowed", "This server does not record.")
        if message.get("on", True):
            names = {s.key: s.name for s in room.seats.values()}
            try:
                await self.recorder.start(room.meeting_id, seat.viewer.user_id, names)
            except RecordingRefused as exc:
                raise SignalingError("recording_not_allowed", str(exc)) from None
        else:
            await self.recorder.stop(room.meeting_id)
        await self.broadcast(room)

    async def _on_share(self, room: RoomSession, seat: Seat, message: dict[str, Any]) -> None:
        """`{"active": true, "mid": ...}` announces the video track (offered with the next offer, or already)
        that is the screen; `{"active": false}` ends the share."""
        if message.get("active", True):
            try:
                self.backend.share_screen(str(room.meeting_id), seat.key, _text(message, "mid"))
            except ScreenBusy:
                raise SignalingError("screen_busy", "Someone else is sharing their screen.") from None
        else:
            self.backend.stop_screen(str(room.meeting_id), seat.key)
        await self.broadcast(room)

    async def _on_stop_share(self, room: RoomSession, seat: Seat, message: dict[str, Any]) -> None:
        owner = self.backend.stop_screen(str(room.meeting_id))
        if owner is not None and owner in room.seats:
            await self._send(room.seats[owner], {"type": "share_stopped"})
        await self.broadcast(room)

    async def _move_item(self, room: RoomSession, step: int) -> None:
        ids = [item["id"] for item in room.items]
        if not ids:
            return
        if room.current_item_id in ids:
            index = min(max(ids.index(room.current_item_id) + step, 0), len(ids) - 1)
        elif step > 0:
            index = 0
        else:
            return
        async with self.sessions() as session:
            try:
                await call_item(session, room.meeting_id, ids[index])
            except (ValidationFailed, NotFound):
                raise SignalingError("invalid", "That agenda item is gone.") from None
            events = take_events(session)
            await session.commit()
        room.current_item_id = ids[index]
        await self.sync_visitors(room)
        await self.broadcast(room)
        await self.publish(events)

    async def _stored_item(self, meeting_id: int) -> int | None:
        async with self.sessions() as session:
            meeting = await session.get(Meeting, meeting_id)
            return meeting.current_agenda_item_id if meeting is not None else None

    async def meeting_changed(self, events: list[DomainEvent]) -> None:
        """Told of every committed change: a meeting that closes (or no longer allows it) stops its recording."""
        if self.recorder is None:
            return
        for meeting_id in {e.meeting_id for e in events if e.kind is EventKind.MEETING_CHANGED}:
            room = self.rooms.get(meeting_id)
            if await self.recorder.stop_if_refused(meeting_id) and room is not None:
                await self.broadcast(room)

    # --- state, presence, media events ---------------------------------------------------------------------------

    def state(self, room: RoomSession) -> dict[str, Any]:
        return {
            "participants": [
                {
                    "id": s.key,
                    "name": s.name,
                    "role": s.role.value,
                    "connected": s.connection is not None,
                    "muted": dict(s.muted),
                    "hand": s.key in room.speakers.waiting,
                }
                for s in room.seats.values()
                if s.joined or s.departure is not None
            ],
            "speakers": list(room.speakers.waiting),
            "speaking": room.speakers.speaking,
            "item": next((item for item in room.items if item["id"] == room.current_item_id), None),
            "recording": self.recorder is not None and self.recorder.running(room.meeting_id),
            "screen": self.backend.screen_owner(str(room.meeting_id)),
        }

    async def broadcast(self, room: RoomSession) -> None:
        for seat in list(room.seats.values()):
            await self._send(seat, {"type": "state", **self.state_for(room, seat)})

    async def _send(self, seat: Seat, message: dict[str, Any]) -> None:
        if seat.connection is None:
            return
        try:
            await seat.connection.send(message)
        except Exception:  # a closing socket: its own handler cleans up
            log.debug("send to %s failed", seat.key, exc_info=True)

    def _target(self, room: RoomSession, message: dict[str, Any]) -> Seat:
        target = room.seats.get(str(message.get("target", "")))
        if target is None or not target.joined:
            raise SignalingError("unknown_participant", "No such participant in the room.")
        return target

    async def _leave_media(self, room: RoomSession, seat: Seat) -> None:
        if seat.joined:
            seat.joined = False
            await self.backend.remove(str(room.meeting_id), seat.key)
        room.speakers.forget(seat.key)

    async def _depart_after_grace(self, room: RoomSession, seat: Seat, left_at: dt.datetime) -> None:
        await asyncio.sleep(self.grace_seconds)
        seat.departure = None
        if room.seats.get(seat.key) is seat and seat.connection is None:
            room.seats.pop(seat.key, None)
            await self._presence(room, seat, arriving=False, at=left_at)
            await self.broadcast(room)

    async def _presence(self, room: RoomSession, seat: Seat, *, arriving: bool, at: dt.datetime) -> None:
        async with self.sessions() as session:
            meeting = await load_meeting(session, room.meeting_id)
            if arriving:
                await arrive(session, meeting, seat.viewer, at)
            elif seat.viewer.person_id is not None:
                await depart(session, meeting, seat.viewer.person_id, at)
            events = take_events(session)
            await session.commit()
        await self.publish(events)

    async def _pump(self, room: RoomSession) -> None:
        while True:
            event = await room.events.get()
            seat = room.seats.get(event.participant)
            if seat is None or isinstance(event, ParticipantGone):
                continue
            try:
                if isinstance(event, TracksChanged):
                    await self._send(seat, {"type": "tracks", "tracks": _tracks(event.tracks)})
                elif isinstance(event, RenegotiationNeeded):
                    offer = await self.backend.subscribe_offer(str(room.meeting_id), seat.key)
                    if offer is not None:
                        await self._send(seat, {"type": "offer", "sdp": offer[0], "tracks": _tracks(offer[1])})
            except MediaError:
                log.debug("media event for %s dropped", seat.key, exc_info=True)

    async def close(self) -> None:
        for room in list(self.rooms.values()):
            tasks = [s.departure for s in room.seats.values() if s.departure is not None]
            if room.pump is not None:
                tasks.append(room.pump)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            if self.recorder is not None:
                await self.recorder.stop(room.meeting_id)
            await self.backend.close_room(str(room.meeting_id))
        self.rooms.clear()


def _message_type(message: Any) -> str:
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        raise SignalingError("malformed", "A message is a JSON object with a type.")
    if message["type"] not in MESSAGE_TYPES:
        raise SignalingError("unknown_type", f"Unknown message type {message['type'][:40]!r}.")
    return str(message["type"])


def _about(message: Any) -> str | None:
    return str(message.get("type"))[:40] if isinstance(message, dict) and message.get("type") else None


def _text(message: dict[str, Any], name: str) -> str:
    value = message.get(name)
    if not isinstance(value, str) or not value.strip():
        raise SignalingError("malformed", f"{name} must be text.")
    return value


def _kind(message: dict[str, Any]) -> Any:
    kind = message.get("kind", "audio")
    if kind not in ("audio", "video"):
        raise SignalingError("malformed", "kind must be audio or video")
    return kind


def _tracks(tracks: tuple[TrackInfo, ...]) -> list[dict[str, Any]]:
    return [{"mid": t.mid, "kind": t.kind, "source": t.source, "screen": t.screen} for t in tracks]
