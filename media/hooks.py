"""The places where the relay reaches into aiortc's internals (aiortc is pinned exactly in pyproject.toml).

aiortc's public API decodes every received stream and encodes every sent one. A forwarding relay needs the packets
themselves, so it
- replaces a receiver's `_handle_rtp_packet` with a tap (no jitter buffer, no decoder),
- sends ready RTP through a sender's DTLS transport (`transport._send_rtp`) with the sender's SSRC, negotiated
  payload type and header extension ids (captured by wrapping `send`),
- keeps the sender's SR statistics (`__packet_count` ...) true so that receivers' lip sync and stats work,
- intercepts keyframe requests arriving at a sender (`_handle_rtcp_packet`) and asks the publisher through the
  receiver's `_send_rtcp_pli`,
- restricts ICE host candidates (aioice's `get_host_addresses`), e.g. to loopback in tests,
- gives the frames of a pre-encoded audio track an RFC 6464 audio level (the bots' `_next_encoded_frame`): aiortc
  negotiates the ssrc-audio-level extension but computes the level only for audio it encodes itself.
tests/test_media_hooks.py fails when any of these names or signatures changes.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from typing import Any

import aioice.ice
from aiortc import MediaStreamTrack, RTCRtpReceiver, RTCRtpSender
from aiortc.rtcrtpparameters import RTCRtpCodecParameters, RTCRtpParameters
from aiortc.rtp import RTCP_PSFB_FIR, RTCP_PSFB_PLI, HeaderExtensionsMap, RtcpPsfbPacket, RtpPacket

PacketTap = Callable[[RtpPacket, RTCRtpCodecParameters], Awaitable[None]]

RECEIVER_HOOKS = ("_handle_rtp_packet", "receive", "_send_rtcp_pli")
SENDER_HOOKS = ("send", "_handle_rtcp_packet", "_ssrc", "transport", "_next_encoded_frame")
SENDER_PRIVATE_STATS = ("__packet_count", "__octet_count", "__rtp_timestamp", "__ntp_timestamp")


def tap_receiver(receiver: RTCRtpReceiver, tap: PacketTap) -> None:
    """Deliver the receiver's RTP packets (with their negotiated codec) to `tap` instead of the decoder."""
    codecs: dict[int, RTCRtpCodecParameters] = {}
    original_receive = receiver.receive

    async def receive(parameters: RTCRtpParameters) -> None:
        for codec in parameters.codecs:
            if codec.payloadType is not None:
                codecs[codec.payloadType] = codec
        await original_receive(parameters)  # type: ignore[arg-type]

    async def handle_rtp_packet(packet: RtpPacket, arrival_time_ms: int) -> None:
        codec = codecs.get(packet.payload_type)
        if codec is not None and receiver._enabled:
            await tap(packet, codec)

    receiver.receive = receive  # type: ignore[method-assign]
    receiver._handle_rtp_packet = handle_rtp_packet  # type: ignore[method-assign]


async def request_keyframe(receiver: RTCRtpReceiver, media_ssrc: int) -> None:
    await receiver._send_rtcp_pli(media_ssrc)


class IdleTrack(MediaStreamTrack):
    """A track that never yields a frame: it keeps the sender's own encode loop asleep while the relay sends."""

    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind
        self._never: asyncio.Future[None] = asyncio.get_event_loop().create_future()

    async def recv(self) -> Any:
        await self._never
        raise asyncio.CancelledError  # pragma: no cover - the future is never resolved


class ForwardingSender:
    """Sends already-encoded RTP packets through an aiortc sender."""

    def __init__(self, sender: RTCRtpSender, on_keyframe_request: Callable[[], None]) -> None:
        self.sender = sender
        self.payload_types: dict[str, int] = {}
        self.mid: str | None = None
        self.extensions = HeaderExtensionsMap()
        self.ready = False
        self._on_keyframe_request = on_keyframe_request
        sender.replaceTrack(IdleTrack(sender.kind))
        original_send = sender.send
        original_rtcp = sender._handle_rtcp_packet

        async def send(parameters: Any) -> None:
            for codec in parameters.codecs:
                self.payload_types.setdefault(codec.mimeType.lower(), codec.payloadType)
            self.mid = parameters.muxId
            self.extensions.configure(parameters)
            await original_send(parameters)
            self.ready = True

        async def handle_rtcp_packet(packet: Any) -> None:
            if isinstance(packet, RtcpPsfbPacket) and packet.fmt in (RTCP_PSFB_PLI, RTCP_PSFB_FIR):
                self._on_keyframe_request()
                return
            await original_rtcp(packet)

        sender.send = send  # type: ignore[method-assign]
        sender._handle_rtcp_packet = handle_rtcp_packet  # type: ignore[method-assign]

    async def forward(
        self, packet: RtpPacket, mime_type: str, sequence_number: int, timestamp: int, ntp_time: int
    ) -> bool:
        """Send a copy of `packet` renumbered for this listener; False when not negotiated or not connected."""
        payload_type = self.payload_types.get(mime_type)
        if not self.ready or payload_type is None:
            return False
        out = RtpPacket(
            payload_type=payload_type,
            marker=packet.marker,
            sequence_number=sequence_number,
            timestamp=timestamp,
            ssrc=self.sender._ssrc,
            payload=packet.payload,
        )
        out.extensions.mid = self.mid
        out.extensions.audio_level = packet.extensions.audio_level
        out.extensions.abs_send_time = (ntp_time >> 14) & 0x00FFFFFF
        try:
            await self.sender.transport._send_rtp(out.serialize(self.extensions))
        except ConnectionError:
            return False
        stats = self.sender.__dict__
        stats["_RTCRtpSender__packet_count"] += 1
        stats["_RTCRtpSender__octet_count"] += len(packet.payload)
        stats["_RTCRtpSender__rtp_timestamp"] = timestamp
        stats["_RTCRtpSender__ntp_timestamp"] = ntp_time
        return True


def send_audio_level(sender: RTCRtpSender, level: Callable[[], int | None]) -> None:
    """Mark each packet `sender` sends with the RFC 6464 level `level()` gives (0 loudest .. 127 silence; None for
    no header), read right after the track returned the packet's frame. aiortc writes `-frame.audio_level` into the
    ssrc-audio-level extension (it keeps levels as negative dBov) but fills it only for frames it encodes."""
    original = sender._next_encoded_frame

    async def next_encoded_frame(codec: RTCRtpCodecParameters) -> Any:
        frame = await original(codec)
        value = level()
        if frame is not None and value is not None:
            frame.audio_level = -value
        return frame

    sender._next_encoded_frame = next_encoded_frame  # type: ignore[method-assign]


def restrict_host_addresses(addresses: list[str]) -> None:
    """Gather ICE host candidates only on these addresses (e.g. ["127.0.0.1"]); an empty list restores aioice's."""
    if addresses:
        aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: list(addresses)
    else:
        aioice.ice.get_host_addresses = _ORIGINAL_GET_HOST_ADDRESSES


_ORIGINAL_GET_HOST_ADDRESSES = aioice.ice.get_host_addresses


def hooks_present() -> list[str]:
    """Names of the aiortc/aioice internals this module relies on that are missing (empty when all is well)."""
    missing = [f"RTCRtpReceiver.{n}" for n in RECEIVER_HOOKS if not hasattr(RTCRtpReceiver, n)]
    missing += [f"RTCRtpSender.{n}" for n in SENDER_HOOKS if n != "_ssrc" and not hasattr(RTCRtpSender, n)]
    init_source = inspect.getsource(RTCRtpSender.__init__)
    missing += [f"RTCRtpSender.{n}" for n in (*SENDER_PRIVATE_STATS, "_ssrc") if f"self.{n}" not in init_source]
    if list(inspect.signature(RTCRtpReceiver._handle_rtp_packet).parameters) != ["self", "packet", "arrival_time_ms"]:
        missing.append("RTCRtpReceiver._handle_rtp_packet(packet, arrival_time_ms)")
    if list(inspect.signature(RTCRtpSender._next_encoded_frame).parameters) != ["self", "codec"]:
        missing.append("RTCRtpSender._next_encoded_frame(codec)")
    if "(False, -enc_frame.audio_level)" not in inspect.getsource(RTCRtpSender._run_rtp):
        missing.append("RTCRtpSender._run_rtp writing -RTCEncodedFrame.audio_level into the header")
    if list(inspect.signature(aioice.ice.get_host_addresses).parameters) != ["use_ipv4", "use_ipv6"]:
        missing.append("aioice.ice.get_host_addresses(use_ipv4, use_ipv6)")
    return missing
