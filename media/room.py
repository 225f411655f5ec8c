"""The relay's state: rooms, participants (with their two connections) and the forwarders towards listeners."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path

from aiortc import RTCPeerConnection, RTCRtpReceiver

from media import rewrite
from media.backend import EventListener, Kind, RecordedFile, Rights
from media.hooks import ForwardingSender
from media.recording import OggOpusWriter


@dataclass
class Forwarder:
    kind: Kind
    out: ForwardingSender
    transceiver_mid: str | None = None
    source: str | None = None
    rewriter: rewrite.StreamRewriter = field(default_factory=rewrite.StreamRewriter)
    screen: bool = False  # carries the room's screen share (a video slot of its own, never a camera)

    @property
    def track(self) -> str:
        """The publisher's track it carries: audio, video (camera) or screen."""
        return "screen" if self.screen else self.kind


@dataclass
class Participant:
    id: str
    rights: Rights
    publish_pc: RTCPeerConnection
    subscribe_pc: RTCPeerConnection
    receivers: dict[str, RTCRtpReceiver] = field(default_factory=dict)
    ssrcs: dict[str, int] = field(default_factory=dict)
    muted: set[str] = field(default_factory=set)
    loudness: float = 0.0
    forwarders: list[Forwarder] = field(default_factory=list)
    offered: bool = False
    offer_pending: bool = False
    tapped: set[int] = field(default_factory=set)
    last_keyframe_request: dict[str, float] = field(default_factory=dict)
    # tracks with a keyframe request waiting for the end of the interval (relay._ask_keyframe)
    keyframe_pending: set[str] = field(default_factory=set)
    camera_mid: str | None = None
    # the video track announced as screen share, and every extra video track offered (one of them is the screen)
    screen_mid: str | None = None
    screen_receivers: dict[str, RTCRtpReceiver] = field(default_factory=dict)
    first_media: dict[str, float] = field(default_factory=dict)
    # the sequence numbers of audio packets not forwarded (not among the loudest speakers), left out towards listeners
    audio_pause: rewrite.PauseCompactor = field(default_factory=rewrite.PauseCompactor)
    # per kind: packets received, highest extended sequence number, first one (RTP loss as RFC 3550 counts it)
    ingress: dict[str, list[int]] = field(default_factory=dict)


@dataclass
class Room:
    id: str
    listener: EventListener
    video_slots: int
    audio_slots: rewrite.AudioSlots
    audio_publishers: int = 0
    participants: dict[str, Participant] = field(default_factory=dict)
    routes: dict[tuple[str, str], list[Forwarder]] = field(default_factory=dict)
    video_choice: list[str] = field(default_factory=list)
    recording_dir: Path | None = None
    recorders: dict[str, OggOpusWriter] = field(default_factory=dict)
    recorded: list[RecordedFile] = field(default_factory=list)
    screen: str | None = None  # who shares their screen
    speaker_task: asyncio.Task[None] | None = None
