"""The boundary between the meeting session and whatever engine moves the media.

The web layer only talks to a `MediaBackend`; `media.relay.AiortcRelay` is the built-in engine, an external
SFU (LiveKit, mediasoup) can sit behind the same protocol later.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

Kind = Literal["audio", "video"]


@dataclass(frozen=True)
class Rights:
    """What a participant may send. Everyone admitted may listen."""

    publish_audio: bool = True
    publish_video: bool = True


@dataclass(frozen=True)
class TrackInfo:
    """Which participant an outgoing track (identified by its SDP mid) currently carries."""

    mid: str
    kind: Kind
    source: str | None
    screen: bool = False  # the room's screen share, not a camera


@dataclass(frozen=True)
class RenegotiationNeeded:
    """The participant's receiving connection changed: send them a new offer."""

    participant: str


@dataclass(frozen=True)
class TracksChanged:
    """A video slot now shows someone else (active speaker switch)."""

    participant: str
    tracks: tuple[TrackInfo, ...]


@dataclass(frozen=True)
class ParticipantGone:
    participant: str
    reason: str = field(default="left")


@dataclass(frozen=True)
class RecordedFile:
    """One participant's recorded audio (a participant who left and came back has several)."""

    participant: str
    path: Path


MediaEvent = RenegotiationNeeded | TracksChanged | ParticipantGone
EventListener = Callable[[MediaEvent], None]


class MediaBackend(Protocol):
    def create_room(self, room_id: str, listener: EventListener) -> None: ...

    def has_room(self, room_id: str) -> bool: ...

    async def admit(self, room_id: str, participant: str, rights: Rights) -> None: ...

    async def publish(self, room_id: str, participant: str, offer_sdp: str) -> str:
        """Answer the participant's offer for their sending connection."""
        ...

    async def subscribe_offer(self, room_id: str, participant: str) -> tuple[str, tuple[TrackInfo, ...]] | None:
        """An offer for the participant's receiving connection and what each track carries; None when there is
        nothing to receive yet or the previous offer still awaits its answer (a new one follows the answer)."""
        ...

    async def subscribe_answer(self, room_id: str, participant: str, answer_sdp: str) -> None: ...

    async def add_candidate(
        self, room_id: str, participant: str, connection: str, candidate: str, mid: str
    ) -> None: ...

    def mute(self, room_id: str, participant: str, kind: Kind, muted: bool) -> None: ...

    async def remove(self, room_id: str, participant: str) -> None: ...

    async def close_room(self, room_id: str) -> None: ...

    def share_screen(self, room_id: str, participant: str, mid: str) -> None:
        """The participant's video track `mid` (offered before or after this call) is the room's screen share,
        forwarded to every other participant. ScreenBusy while someone else shares."""
        ...

    def stop_screen(self, room_id: str, participant: str | None = None) -> str | None:
        """End the screen share (only `participant`'s, if given); who was sharing, or None."""
        ...

    def screen_owner(self, room_id: str) -> str | None: ...

    def start_recording(self, room_id: str, directory: Path) -> None: ...

    def stop_recording(self, room_id: str) -> list[RecordedFile]: ...

    def recording(self, room_id: str) -> bool: ...

    async def close(self) -> None: ...


class MediaError(Exception):
    """A request the media engine cannot follow (unknown participant, bad SDP, wrong order)."""


class ScreenBusy(MediaError):
    """Someone else is sharing their screen: one screen share at a time."""
