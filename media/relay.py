"""A selective forwarding relay on aiortc: packets are copied to listeners, never decoded or re-encoded.

Every participant has two peer connections: a sending one (the participant offers, the relay answers and taps the
received packets) and a receiving one (the relay offers one sendonly transceiver per other speaker's audio and a
bounded number of video slots). Joins add transceivers to the other listeners' receiving connections (one
renegotiation each); leaves only free transceivers for reuse, so the others are not disturbed.

Audio is forwarded only from the `audio_slots` loudest current speakers once a room has more publishers than that
(`rewrite.AudioSlots`, judged per packet by the RFC 6464 audio-level header, as Jitsi Videobridge does); the
listener's track of a silent publisher stays negotiated but idle, and resumes without a sequence gap.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import zlib
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

from aiortc import RTCConfiguration, RTCIceServer, RTCPeerConnection, RTCSessionDescription
from aiortc.rtcconfiguration import RTCBundlePolicy
from aiortc.rtcrtpparameters import RTCRtpCodecCapability, RTCRtpCodecParameters
from aiortc.rtcrtpsender import RTCRtpSender
from aiortc.rtp import RtpPacket
from aiortc.sdp import candidate_from_sdp

from media import rewrite
from media.backend import (
    EventListener,
    Kind,
    MediaError,
    ParticipantGone,
    RecordedFile,
    RenegotiationNeeded,
    Rights,
    ScreenBusy,
    TrackInfo,
    TracksChanged,
)
from media.hooks import ForwardingSender, PacketTap, request_keyframe, tap_receiver
from media.recording import OggOpusWriter
from media.room import Forwarder, Participant, Room

CODECS = {"audio": "audio/opus", "video": "video/vp8"}
KEYFRAME_INTERVAL_S = 0.5
SPEAKER_INTERVAL_S = 0.5


def _preferred_codecs(kind: str) -> list[RTCRtpCodecCapability]:
    # One codec per kind and no RTX: the relay forwards what it receives and cannot transcode.
    return [c for c in RTCRtpSender.getCapabilities(kind).codecs if c.mimeType.lower() == CODECS[kind]]


def _count_ingress(ingress: dict[str, list[int]], kind: str, seq: int) -> None:
    counts = ingress.get(kind)
    if counts is None:
        ingress[kind] = [1, seq, seq]
        return
    extended = seq + round((counts[1] - seq) / 65536) * 65536
    counts[0] += 1
    counts[1] = max(counts[1], extended)


def _has_media(sdp: str) -> bool:
    return sdp.startswith("v=0") and any(line.startswith(("m=audio", "m=video")) for line in sdp.splitlines())


def _ntp_now() -> int:
    now = time.time() + 2208988800
    return (int(now) << 32) | int((now % 1) * (1 << 32))


class AiortcRelay:
    """The built-in `MediaBackend`."""

    def __init__(
        self, video_slots: int = 4, ice_servers: list[RTCIceServer] | None = None, audio_slots: int = 5
    ) -> None:
        self.video_slots = video_slots
        self.audio_slots = audio_slots
        self.ice_servers = ice_servers or []
        self.rooms: dict[str, Room] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self.forwarded_packets = 0

    # --- rooms and participants -------------------------------------------------------------------------------

    def create_room(self, room_id: str, listener: EventListener) -> None:
        if room_id in self.rooms:
            self.rooms[room_id].listener = listener
            return
        room = Room(room_id, listener, self.video_slots, rewrite.AudioSlots(self.audio_slots))
        room.speaker_task = asyncio.create_task(self._follow_speakers(room))
        self.rooms[room_id] = room

    def has_room(self, room_id: str) -> bool:
        return room_id in self.rooms

    async def admit(self, room_id: str, participant: str, rights: Rights) -> None:
        room = self._room(room_id)
        if participant in room.participants:
            await self.remove(room_id, participant, reason="replaced")
        config = RTCConfiguration(iceServers=self.ice_servers, bundlePolicy=RTCBundlePolicy.MAX_BUNDLE)
        room.participants[participant] = Participant(
            participant, rights, RTCPeerConnection(config), RTCPeerConnection(config)
        )
        self._reconcile(room)

    async def publish(self, room_id: str, participant: str, offer_sdp: str) -> str:
        room = self._room(room_id)
        p = self._participant(room, participant)
        if not _has_media(offer_sdp):
            raise MediaError("the offer has no audio or video")
        try:
            await p.publish_pc.setRemoteDescription(RTCSessionDescription(offer_sdp, "offer"))
        except Exception as exc:  # aiortc raises assorted errors on bad SDP; none may end the session
            raise MediaError(f"invalid offer: {exc}") from exc
        for transceiver in p.publish_pc.getTransceivers():
            receiver = transceiver.receiver
            if id(receiver) in p.tapped:
                continue
            p.tapped.add(id(receiver))
            kind = transceiver.kind
            mid = transceiver.mid or ""
            transceiver.setCodecPreferences(_preferred_codecs(kind))
            track = kind
            if kind == "video" and (mid == p.screen_mid or "video" in p.receivers):
                # a second video track is a screen share: forwarded only while announced as the room's screen
                track = "screen"
                p.screen_receivers[mid] = receiver
            else:
                p.receivers[kind] = receiver
                if kind == "video":
                    p.camera_mid = mid
            tap_receiver(receiver, self._tap(room, p, track, mid))
        answer = await p.publish_pc.createAnswer()
        await p.publish_pc.setLocalDescription(answer)
        self._reconcile(room)
        return p.publish_pc.localDescription.sdp

    async def subscribe_offer(self, room_id: str, participant: str) -> tuple[str, tuple[TrackInfo, ...]] | None:
        """None when there is nothing to receive yet or an offer is still waiting for its answer."""
        room = self._room(room_id)
        p = self._participant(room, participant)
        if not p.forwarders:
            return None
        if p.offered:
            p.offer_pending = True
            return None
        p.offered = True
        offer = await p.subscribe_pc.createOffer()
        await p.subscribe_pc.setLocalDescription(offer)
        for forwarder in p.forwarders:
            forwarder.transceiver_mid = next(
                (t.mid for t in p.subscribe_pc.getTransceivers() if t.sender is forwarder.out.sender), None
            )
        return p.subscribe_pc.localDescription.sdp, self.tracks(p)

    async def subscribe_answer(self, room_id: str, participant: str, answer_sdp: str) -> None:
        room = self._room(room_id)
        p = self._participant(room, participant)
        if not p.offered:
            raise MediaError("answer without an offer")
        if not _has_media(answer_sdp):
            raise MediaError("the answer has no audio or video")
        try:
            await p.subscribe_pc.setRemoteDescription(RTCSessionDescription(answer_sdp, "answer"))
        except Exception as exc:
            raise MediaError(f"invalid answer: {exc}") from exc
        p.offered = False
        for forwarder in p.forwarders:
            if forwarder.source is not None:
                self._ask_keyframe(room, forwarder.source, forwarder.track)
        if p.offer_pending:
            p.offer_pending = False
            room.listener(RenegotiationNeeded(participant))

    async def add_candidate(self, room_id: str, participant: str, connection: str, candidate: str, mid: str) -> None:
        p = self._participant(self._room(room_id), participant)
        pc = p.publish_pc if connection == "publish" else p.subscribe_pc
        if not candidate:
            return
        try:
            parsed = candidate_from_sdp(candidate.removeprefix("candidate:"))
            parsed.sdpMid = mid
            await pc.addIceCandidate(parsed)
        except Exception as exc:
            raise MediaError(f"invalid candidate: {exc}") from exc

    def mute(self, room_id: str, participant: str, kind: Kind, muted: bool) -> None:
        room = self._room(room_id)
        p = self._participant(room, participant)
        if muted:
            p.muted.add(kind)
            if kind == "audio":
                p.loudness = 0.0
                room.audio_slots.forget(participant)
        else:
            p.muted.discard(kind)

    async def remove(self, room_id: str, participant: str, reason: str = "left") -> None:
        room = self.rooms.get(room_id)
        if room is None or participant not in room.participants:
            return
        p = room.participants.pop(participant)
        room.audio_slots.forget(participant)
        if room.screen == participant:
            room.screen = None
        recorder = room.recorders.pop(participant, None)
        if recorder is not None:
            recorder.close()
        for other in room.participants.values():
            for forwarder in other.forwarders:
                if forwarder.source == participant:
                    forwarder.source = None
        self._reconcile(room)
        room.listener(ParticipantGone(participant, reason))
        await asyncio.gather(p.publish_pc.close(), p.subscribe_pc.close(), return_exceptions=True)

    async def close_room(self, room_id: str) -> None:
        room = self.rooms.get(room_id)
        if room is None:
            return
        for participant in list(room.participants):
            await self.remove(room_id, participant, reason="closed")
        self.stop_recording(room_id)
        if room.speaker_task is not None:
            room.speaker_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await room.speaker_task
        self.rooms.pop(room_id, None)

    async def close(self) -> None:
        for room_id in list(self.rooms):
            await self.close_room(room_id)
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def ingress_loss(self, room_id: str, kind: str = "audio") -> tuple[int, int]:
        """(expected, received) packets of `kind` from all publishers of the room, as the relay saw them."""
        expected = received = 0
        for p in self._room(room_id).participants.values():
            counts = p.ingress.get(kind)
            if counts:
                expected += counts[1] - counts[2] + 1
                received += counts[0]
        return expected, received

    def reset_ingress(self, room_id: str) -> None:
        for p in self._room(room_id).participants.values():
            p.ingress.clear()

    def tracks(self, p: Participant) -> tuple[TrackInfo, ...]:
        return tuple(TrackInfo(f.transceiver_mid or "", f.kind, f.source, f.screen) for f in p.forwarders)

    # --- forwarding ----------------------------------------------------------------------------------------------

    def _tap(self, room: Room, p: Participant, track: str, mid: str) -> PacketTap:
        """`track` is audio, video (the camera) or screen (forwarded only while it is the room's screen share)."""
        kind = "audio" if track == "audio" else "video"
        allowed = p.rights.publish_audio if kind == "audio" else p.rights.publish_video
        expected_mime = CODECS[kind]

        async def forward(packet: RtpPacket, codec: RTCRtpCodecParameters) -> None:
            mime = codec.mimeType.lower()
            if not allowed or track in p.muted or mime != expected_mime:
                return
            if track == "screen" and (room.screen != p.id or p.screen_mid != mid):
                return
            if track not in p.ssrcs:
                p.ssrcs[track] = packet.ssrc
                p.first_media[track] = time.monotonic()
                self._reconcile(room)
            p.ssrcs[track] = packet.ssrc
            _count_ingress(p.ingress, track, packet.sequence_number)
            sequence_number = packet.sequence_number
            if kind == "audio":
                if room.recording_dir is not None:
                    self._record(room, p.id, packet)
                level = packet.extensions.audio_level
                # without an audio level (some browsers) a publisher is always forwarded; with one, while among
                # the room's loudest current speakers
                if level is not None:
                    p.loudness = rewrite.smooth(p.loudness, rewrite.loudness(level[1]))
                    if not room.audio_slots.admit(p.id, level[1], p.loudness, room.audio_publishers, time.monotonic()):
                        p.audio_pause.pause()
                        return
                sequence_number, talkspurt = p.audio_pause.resume(sequence_number)
                if talkspurt:
                    packet.marker = 1
            ntp = _ntp_now()
            step = 960 if kind == "audio" else 3000
            for forwarder in room.routes.get((p.id, track), ()):
                seq, ts = forwarder.rewriter.rewrite(p.id, sequence_number, packet.timestamp, step)
                if await forwarder.out.forward(packet, mime, seq, ts, ntp):
                    self.forwarded_packets += 1

        return forward

    def start_recording(self, room_id: str, directory: Path) -> None:
        """Copy every participant's Opus packets into `directory/<participant>.opus` until stopped (one who
        leaves and comes back continues in `<participant>-2.opus`)."""
        room = self._room(room_id)
        directory.mkdir(parents=True, exist_ok=True)
        room.recording_dir = directory

    def stop_recording(self, room_id: str) -> list[RecordedFile]:
        """Every file written since the start, also of those who have left meanwhile."""
        room = self._room(room_id)
        for writer in room.recorders.values():
            writer.close()
        room.recorders.clear()
        room.recording_dir = None
        files, room.recorded = room.recorded, []
        return files

    def recording(self, room_id: str) -> bool:
        room = self.rooms.get(room_id)
        return room is not None and room.recording_dir is not None

    def _record(self, room: Room, participant: str, packet: RtpPacket) -> None:
        writer = room.recorders.get(participant)
        if writer is None and room.recording_dir is not None:
            path = room.recording_dir / f"{participant}.opus"
            number = 1
            while path.exists():
                number += 1
                path = room.recording_dir / f"{participant}-{number}.opus"
            writer = room.recorders[participant] = OggOpusWriter(path, serial=zlib.crc32(path.name.encode()))
            room.recorded.append(RecordedFile(participant, path))
        if writer is not None:
            writer.write(packet.payload, packet.timestamp)

    # --- screen sharing ------------------------------------------------------------------------------------------

    def share_screen(self, room_id: str, participant: str, mid: str) -> None:
        room = self._room(room_id)
        p = self._participant(room, participant)
        if not p.rights.publish_video:
            raise MediaError("no right to send video")
        if room.screen is not None and room.screen != participant:
            raise ScreenBusy("someone else is sharing their screen")
        if not mid or mid == p.camera_mid:
            raise MediaError("that track is not a screen share")
        if p.screen_mid != mid:
            p.ssrcs.pop("screen", None)
        p.screen_mid = mid
        room.screen = participant
        self._reconcile(room)

    def stop_screen(self, room_id: str, participant: str | None = None) -> str | None:
        room = self._room(room_id)
        owner = room.screen
        if owner is None or (participant is not None and participant != owner):
            return None
        room.screen = None
        p = room.participants.get(owner)
        if p is not None:
            p.screen_mid = None
            p.ssrcs.pop("screen", None)
        self._reconcile(room)
        return owner

    def screen_owner(self, room_id: str) -> str | None:
        room = self.rooms.get(room_id)
        return room.screen if room is not None else None

    def _screen_source(self, room: Room) -> str | None:
        """The sharer, once their screen track has been offered."""
        p = room.participants.get(room.screen or "")
        if p is None or p.screen_mid is None or p.screen_mid not in p.screen_receivers:
            return None
        return p.id

    def _ask_keyframe(self, room: Room, source: str, track: str = "video") -> None:
        p = room.participants.get(source)
        if p is None or track == "audio":
            return
        receiver = p.screen_receivers.get(p.screen_mid or "") if track == "screen" else p.receivers.get("video")
        if receiver is None or track not in p.ssrcs:
            return
        now = time.monotonic()
        wait = p.last_keyframe_request.get(track, 0.0) + KEYFRAME_INTERVAL_S - now
        if wait > 0:
            # Asked too recently: the keyframe then asked for may have left before this listener was routed to the
            # source, and a camera sends no other keyframe until asked. So ask once more when the interval is over
            # (once, however many ask meanwhile), or this listener's picture would stay frozen.
            if track not in p.keyframe_pending:
                p.keyframe_pending.add(track)
                self._spawn(self._ask_keyframe_later(room, source, track, wait))
            return
        p.last_keyframe_request[track] = now
        self._spawn(request_keyframe(receiver, p.ssrcs[track]))

    async def _ask_keyframe_later(self, room: Room, source: str, track: str, wait: float) -> None:
        await asyncio.sleep(wait)
        p = room.participants.get(source)
        if p is not None:
            p.keyframe_pending.discard(track)
            self._ask_keyframe(room, source, track)

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # --- who receives what ---------------------------------------------------------------------------------------

    def _reconcile(self, room: Room) -> None:
        """Give every listener a forwarder for each other speaker's audio and for the chosen cameras."""
        audio_sources = [pid for pid, p in room.participants.items() if "audio" in p.receivers]
        room.audio_publishers = len(audio_sources)
        video_sources = [pid for pid, p in room.participants.items() if "video" in p.receivers]
        room.video_choice = rewrite.choose_video_sources(
            {pid: p.loudness for pid, p in room.participants.items()},
            video_sources,
            room.video_slots + 1,
            room.video_choice,
        )
        screen = self._screen_source(room)
        for listener in room.participants.values():
            wanted_audio = [pid for pid in audio_sources if pid != listener.id]
            wanted_video = [pid for pid in room.video_choice if pid != listener.id][: room.video_slots]
            added = self._assign(room, listener, "audio", wanted_audio)
            added |= self._assign(room, listener, "video", wanted_video)
            added |= self._assign_screen(room, listener, screen if screen != listener.id else None)
            if added:
                room.listener(RenegotiationNeeded(listener.id))
        room.routes = {}
        for listener in room.participants.values():
            for forwarder in listener.forwarders:
                if forwarder.source is not None:
                    room.routes.setdefault((forwarder.source, forwarder.track), []).append(forwarder)

    def _assign(self, room: Room, listener: Participant, kind: Kind, wanted: list[str]) -> bool:
        forwarders = [f for f in listener.forwarders if f.kind == kind and not f.screen]
        changed = False
        for forwarder in forwarders:
            if forwarder.source is not None and forwarder.source not in wanted:
                forwarder.source = None
                changed = True
        carried = {f.source for f in forwarders}
        added = False
        for source in wanted:
            if source in carried:
                continue
            free = next((f for f in forwarders if f.source is None), None)
            if free is None:
                free = self._add_forwarder(room, listener, kind)
                forwarders.append(free)
                added = True
            free.source = source
            changed = True
            if kind == "video":
                self._ask_keyframe(room, source, "video")
        if changed and not added and any(f.transceiver_mid for f in forwarders):
            room.listener(TracksChanged(listener.id, self.tracks(listener)))
        return added

    def _assign_screen(self, room: Room, listener: Participant, wanted: str | None) -> bool:
        """The screen share has a video slot of its own beside the cameras; it is added on the first share."""
        forwarder = next((f for f in listener.forwarders if f.screen), None)
        added = False
        if forwarder is None:
            if wanted is None:
                return False
            forwarder = self._add_forwarder(room, listener, "video", screen=True)
            added = True
        if forwarder.source == wanted:
            return added
        forwarder.source = wanted
        if wanted is not None:
            self._ask_keyframe(room, wanted, "screen")
        if not added and forwarder.transceiver_mid:
            room.listener(TracksChanged(listener.id, self.tracks(listener)))
        return added

    def _add_forwarder(self, room: Room, listener: Participant, kind: Kind, screen: bool = False) -> Forwarder:
        transceiver = listener.subscribe_pc.addTransceiver(kind, direction="sendonly")
        transceiver.setCodecPreferences(_preferred_codecs(kind))
        forwarder: Forwarder

        def keyframe_request() -> None:
            if forwarder.source is not None:
                self._ask_keyframe(room, forwarder.source, forwarder.track)

        forwarder = Forwarder(kind, ForwardingSender(transceiver.sender, keyframe_request), screen=screen)
        listener.forwarders.append(forwarder)
        return forwarder

    async def _follow_speakers(self, room: Room) -> None:
        while True:
            await asyncio.sleep(SPEAKER_INTERVAL_S)
            self._reconcile(room)

    # --- lookups -------------------------------------------------------------------------------------------------

    def _room(self, room_id: str) -> Room:
        room = self.rooms.get(room_id)
        if room is None:
            raise MediaError("unknown room")
        return room

    def _participant(self, room: Room, participant: str) -> Participant:
        p = room.participants.get(participant)
        if p is None:
            raise MediaError("not in the room")
        return p
