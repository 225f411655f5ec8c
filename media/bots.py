"""aiortc client bots for tests and bench/media_room.py: they publish pre-encoded Opus (cheap) and record the raw
payloads they receive, so a test can tell whose audio arrived without decoding it.

Like a browser, a bot marks each audio packet with the RFC 6464 audio level of its content: a "speaking" bot sends
its tone at the tone's level, a "silent" one sends quiet room noise (at a low level, without DTX, as a browser does).
"""

from __future__ import annotations

import array
import asyncio
import fractions
import math
import random
import time
import zlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import av
from aiortc import (
    MediaStreamTrack,
    RTCConfiguration,
    RTCPeerConnection,
    RTCRtpTransceiver,
    RTCSessionDescription,
    VideoStreamTrack,
)
from aiortc.rtcconfiguration import RTCBundlePolicy
from aiortc.rtcrtpparameters import RTCRtpCodecParameters
from aiortc.rtp import RtpPacket

from media.hooks import send_audio_level, tap_receiver

SAMPLE_RATE = 48000
FRAME_SAMPLES = 960  # 20 ms
TONE_AMPLITUDE = 8000
NOISE_AMPLITUDE = 40


def audio_level(rms: float) -> int:
    """RFC 6464 level of a signal with this RMS (in 16-bit sample units): 0 is 0 dBov (the loudest), 127 silence."""
    if rms <= 0:
        return 127
    return min(127, max(0, round(-20 * math.log10(rms / 32767))))


TONE_LEVEL = audio_level(TONE_AMPLITUDE / math.sqrt(2))
NOISE_LEVEL = audio_level(NOISE_AMPLITUDE / math.sqrt(3))  # uniform noise in [-a, a]


def opus_tone(frequency: float, frames: int = 50, amplitude: int = TONE_AMPLITUDE) -> list[bytes]:
    """`frames` 20 ms Opus packets of a sine tone (distinct frequencies give distinct packets)."""
    return _opus(lambda n: int(amplitude * math.sin(2 * math.pi * frequency * n / SAMPLE_RATE)), frames)


def opus_noise(seed: int, frames: int = 50, amplitude: int = NOISE_AMPLITUDE) -> list[bytes]:
    """Quiet room noise (level `NOISE_LEVEL`); distinct seeds give distinct packets."""
    rng = random.Random(seed)  # noqa: S311 - test signal, not crypto
    return _opus(lambda n: rng.randint(-amplitude, amplitude), frames)


def _opus(sample: Callable[[int], int], frames: int) -> list[bytes]:
    encoder = av.CodecContext.create("libopus", "w")
    encoder.sample_rate = SAMPLE_RATE
    encoder.layout = "stereo"
    encoder.format = av.AudioFormat("s16")
    encoder.time_base = fractions.Fraction(1, SAMPLE_RATE)
    out: list[bytes] = []
    for i in range(frames + 10):
        samples = array.array("h")
        for n in range(FRAME_SAMPLES):
            value = sample(i * FRAME_SAMPLES + n)
            samples.extend((value, value))
        frame = av.AudioFrame(format="s16", layout="stereo", samples=FRAME_SAMPLES)
        frame.planes[0].update(samples.tobytes())
        frame.sample_rate = SAMPLE_RATE
        frame.pts = i * FRAME_SAMPLES
        frame.time_base = fractions.Fraction(1, SAMPLE_RATE)
        out.extend(bytes(packet) for packet in encoder.encode(frame))
    return out[-frames:]


class OpusPacketTrack(MediaStreamTrack):
    """Loops pre-encoded Opus packets in real time; aiortc sends them as they are.

    While `speaking` it sends `payloads` (at `level`), otherwise `silence` (at `silence_level`); either way the
    n-th packet is sent at `start + n * 20 ms` and is the n-th of its loop, so a receiver can date it.
    `last_level` is the level of the packet last returned (None: the bot sends no audio level).
    """

    kind = "audio"

    def __init__(
        self,
        payloads: list[bytes],
        level: int | None = TONE_LEVEL,
        silence: list[bytes] | None = None,
        silence_level: int = NOISE_LEVEL,
    ) -> None:
        super().__init__()
        self.payloads = payloads
        self.level = level
        self.silence = silence or payloads
        self.silence_level = silence_level
        self.speaking = True
        self.last_level: int | None = None
        self.index = 0
        self.start: float | None = None

    async def recv(self) -> Any:
        if self.start is None:
            self.start = time.monotonic()
        wait = self.start + self.index * 0.02 - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        payloads = self.payloads if self.speaking else self.silence
        if self.level is None:
            self.last_level = None
        else:
            self.last_level = self.level if self.speaking else self.silence_level
        packet = av.Packet(payloads[self.index % len(payloads)])
        packet.pts = self.index * FRAME_SAMPLES
        packet.time_base = fractions.Fraction(1, SAMPLE_RATE)
        self.index += 1
        return packet


class SmallVideoTrack(VideoStreamTrack):
    """A tiny moving picture, so that the one video publisher of a test costs little to encode."""

    def __init__(self, width: int = 160, height: int = 120) -> None:
        super().__init__()
        self.width, self.height = width, height

    async def recv(self) -> Any:
        pts, time_base = await self.next_timestamp()
        frame = av.VideoFrame(self.width, self.height, "yuv420p")
        shade = (pts // 3000) % 200
        for plane in frame.planes:
            plane.update(bytes([shade]) * plane.buffer_size)
        frame.pts, frame.time_base = pts, time_base
        return frame


@dataclass
class Bot:
    name: str
    payloads: list[bytes]
    video: bool = False
    # the RFC 6464 level of `payloads`; None sends no audio-level header (as some browsers do)
    level: int | None = TONE_LEVEL
    # what the bot sends while silent (`speaking` False): quiet noise of its own unless given
    silence: list[bytes] | None = None
    speaking: bool = True
    camera_size: tuple[int, int] = (160, 120)
    publish_pc: RTCPeerConnection = field(init=False)
    subscribe_pc: RTCPeerConnection = field(init=False)
    # Kept here as well: a sender forgets its track when its connection closes, the bench still dates packets by it.
    audio_track: OpusPacketTrack = field(init=False)
    received: dict[str, list[bytes]] = field(default_factory=lambda: defaultdict(list))
    arrivals: list[tuple[float, bytes]] = field(default_factory=list)
    video_frames: list[tuple[int, int]] = field(default_factory=list)
    # the same frames by the receiving track's mid, so a test can tell a screen share from a camera
    frames_by_mid: dict[str, list[tuple[int, int]]] = field(default_factory=lambda: defaultdict(list))
    screen_track: MediaStreamTrack | None = None
    first_media_at: float | None = None
    decode_video: bool = True
    sequence_numbers: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    video_packets: int = 0
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        config = RTCConfiguration(iceServers=[], bundlePolicy=RTCBundlePolicy.MAX_BUNDLE)
        self.publish_pc = RTCPeerConnection(config)
        self.subscribe_pc = RTCPeerConnection(config)
        if self.silence is None and not self.speaking:
            self.silence = opus_noise(zlib.crc32(self.name.encode()))
        self.audio_track = OpusPacketTrack(self.payloads, self.level, self.silence)
        self.audio_track.speaking = self.speaking
        sender = self.publish_pc.addTrack(self.audio_track)
        send_audio_level(sender, lambda: self.audio_track.last_level)
        if self.video:
            self.publish_pc.addTrack(SmallVideoTrack(*self.camera_size))
        self.subscribe_pc.on("track", self._on_track)

    def speak(self, speaking: bool = True) -> None:
        """Switch between the bot's tone (loud) and quiet noise (silent) from the next packet on."""
        if not speaking and self.silence is None:
            self.silence = opus_noise(zlib.crc32(self.name.encode()))
            self.audio_track.silence = self.silence
        self.speaking = speaking
        self.audio_track.speaking = speaking

    async def publish_offer(self) -> str:
        await self.publish_pc.setLocalDescription(await self.publish_pc.createOffer())
        return self.publish_pc.localDescription.sdp

    async def share_screen(self, width: int = 320, height: int = 180) -> tuple[str, str]:
        """Add a second video track (the "screen", bigger than the camera) and offer it: (its mid, the offer)."""
        self.screen_track = SmallVideoTrack(width, height)
        transceiver = self.publish_pc.addTransceiver(self.screen_track, direction="sendonly")
        await self.publish_pc.setLocalDescription(await self.publish_pc.createOffer())
        assert transceiver.mid is not None
        return transceiver.mid, self.publish_pc.localDescription.sdp

    async def accept_answer(self, sdp: str) -> None:
        await self.publish_pc.setRemoteDescription(RTCSessionDescription(sdp, "answer"))

    async def answer_subscription(self, offer_sdp: str) -> str:
        await self.subscribe_pc.setRemoteDescription(RTCSessionDescription(offer_sdp, "offer"))
        await self.subscribe_pc.setLocalDescription(await self.subscribe_pc.createAnswer())
        return self.subscribe_pc.localDescription.sdp

    def _on_track(self, track: MediaStreamTrack) -> None:
        transceiver: RTCRtpTransceiver = next(
            t for t in self.subscribe_pc.getTransceivers() if t.receiver.track is track
        )
        if track.kind == "audio":

            async def record(packet: RtpPacket, codec: RTCRtpCodecParameters) -> None:
                now = time.monotonic()
                if self.first_media_at is None:
                    self.first_media_at = now
                self.received[transceiver.mid or ""].append(packet.payload)
                self.sequence_numbers[transceiver.mid or ""].append(packet.sequence_number)
                self.arrivals.append((now, packet.payload))

            tap_receiver(transceiver.receiver, record)
        elif not self.decode_video:

            async def count(packet: RtpPacket, codec: RTCRtpCodecParameters) -> None:
                self.video_packets += 1

            tap_receiver(transceiver.receiver, count)
        else:
            self._tasks.append(asyncio.ensure_future(self._read_video(track, transceiver.mid or "")))

    async def _read_video(self, track: MediaStreamTrack, mid: str) -> None:
        try:
            while True:
                frame = await track.recv()
                size = (frame.width, frame.height)  # type: ignore[union-attr]
                self.video_frames.append(size)
                self.frames_by_mid[mid].append(size)
        except Exception:  # noqa: S110 - the track ends when the connection closes
            pass

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(self.publish_pc.close(), self.subscribe_pc.close(), return_exceptions=True)
        await asyncio.gather(*self._tasks, return_exceptions=True)


class LocalRoom:
    """Connects bots to an `AiortcRelay` in the same process (the signaling a WebSocket would carry)."""

    def __init__(self, relay: Any, room_id: str) -> None:
        self.relay = relay
        self.room_id = room_id
        self.bots: dict[str, Bot] = {}
        self.events: asyncio.Queue[Any] = asyncio.Queue()
        self.tracks: dict[str, dict[str, str | None]] = defaultdict(dict)
        self.screens: dict[str, set[str]] = defaultdict(set)  # per bot: the mids that carry the screen share
        self.offers: dict[str, int] = defaultdict(int)
        relay.create_room(room_id, self.events.put_nowait)
        self._pump = asyncio.ensure_future(self._run())

    async def join(self, bot: Bot, rights: Any = None) -> None:
        from media.backend import Rights

        self.bots[bot.name] = bot
        await self.relay.admit(self.room_id, bot.name, rights or Rights())
        answer = await self.relay.publish(self.room_id, bot.name, await bot.publish_offer())
        await bot.accept_answer(answer)

    async def share_screen(self, bot: Bot) -> None:
        """The bot announces its new screen track, then offers it (the order the browser uses)."""
        mid, offer = await bot.share_screen()
        self.relay.share_screen(self.room_id, bot.name, mid)
        await bot.accept_answer(await self.relay.publish(self.room_id, bot.name, offer))

    def _note_tracks(self, bot: Bot, tracks: Any) -> None:
        self.tracks[bot.name] = {t.mid: t.source for t in tracks}
        self.screens[bot.name] = {t.mid for t in tracks if t.screen}

    async def _run(self) -> None:
        from media.backend import RenegotiationNeeded, TracksChanged

        while True:
            event = await self.events.get()
            bot = self.bots.get(event.participant)
            if bot is None:
                continue
            if isinstance(event, TracksChanged):
                self._note_tracks(bot, event.tracks)
            if not isinstance(event, RenegotiationNeeded):
                continue
            offer = await self.relay.subscribe_offer(self.room_id, bot.name)
            if offer is None:
                continue
            sdp, tracks = offer
            self.offers[bot.name] += 1
            self._note_tracks(bot, tracks)
            await self.relay.subscribe_answer(self.room_id, bot.name, await bot.answer_subscription(sdp))

    async def close(self) -> None:
        self._pump.cancel()
        await asyncio.gather(self._pump, return_exceptions=True)
        await self.relay.close_room(self.room_id)
        await asyncio.gather(*(bot.close() for bot in self.bots.values()), return_exceptions=True)
