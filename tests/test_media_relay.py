"""The forwarding relay with aiortc bots on loopback: everyone hears everyone else, content checked."""

from __future__ import annotations

import asyncio
import itertools
import threading
import time

import pytest

from media.backend import ScreenBusy
from media.bots import Bot, LocalRoom, opus_tone
from media.hooks import restrict_host_addresses
from media.relay import AiortcRelay

pytestmark = pytest.mark.timeout(90)


@pytest.fixture
def loopback_only():
    restrict_host_addresses(["127.0.0.1"])
    try:
        yield
    finally:
        restrict_host_addresses([])


async def _wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        await asyncio.sleep(0.1)
    return bool(condition())


async def test_three_bots_hear_each_other_and_see_the_camera(loopback_only):
    tones = {"anna": opus_tone(440), "bernd": opus_tone(660), "cem": opus_tone(880)}
    owner = {payload: name for name, payloads in tones.items() for payload in payloads}
    relay = AiortcRelay(video_slots=2)
    room = LocalRoom(relay, "m1")
    bots = {name: Bot(name, payloads, video=(name == "anna")) for name, payloads in tones.items()}
    try:
        for bot in bots.values():
            await room.join(bot)

        def heard(listener: Bot) -> dict[str, int]:
            counts: dict[str, int] = {}
            for payloads in listener.received.values():
                for payload in payloads:
                    name = owner.get(payload, "?")
                    counts[name] = counts.get(name, 0) + 1
            return counts

        def everyone_heard_everyone() -> bool:
            return all(
                all(heard(bot).get(other, 0) >= 25 for other in bots if other != name) for name, bot in bots.items()
            )

        assert await _wait_until(everyone_heard_everyone, 40), {n: heard(b) for n, b in bots.items()}
        for name, bot in bots.items():
            counts = heard(bot)
            assert name not in counts, f"{name} hears itself"
            assert "?" not in counts, f"{name} got altered payloads"
            # each incoming audio track carries exactly one speaker, named by the track map the relay announced
            for mid, payloads in bot.received.items():
                speakers = {owner[p] for p in payloads}
                assert speakers == {room.tracks[name][mid]}
        assert await _wait_until(lambda: bots["bernd"].video_frames and bots["cem"].video_frames, 30)
        assert bots["bernd"].video_frames[-1] == (160, 120)
        assert not bots["anna"].video_frames, "the camera owner is not sent her own picture"

        # cem leaves: anna and bernd go on hearing each other without a renegotiation
        offers = dict(room.offers)
        await relay.remove("m1", "cem")
        heard_before = len(bots["anna"].arrivals)
        await asyncio.sleep(1.5)
        assert room.offers["anna"] == offers["anna"] and room.offers["bernd"] == offers["bernd"]
        recent = [owner.get(p) for _, p in bots["anna"].arrivals[heard_before + 10 :]]
        assert recent and set(recent) == {"bernd"}
    finally:
        await room.close()
        await relay.close()
    assert await _wait_until(lambda: not [t for t in threading.enumerate() if t.name.endswith("-decoder")], 10)


async def test_recording_copies_each_speakers_packets_into_ogg(loopback_only, tmp_path):
    import av

    tones = {"anna": opus_tone(440), "bernd": opus_tone(660)}
    relay = AiortcRelay(video_slots=1)
    room = LocalRoom(relay, "m2")
    bots = {name: Bot(name, payloads) for name, payloads in tones.items()}
    try:
        for bot in bots.values():
            await room.join(bot)
        relay.start_recording("m2", tmp_path)
        assert await _wait_until(lambda: all(len(b.arrivals) > 60 for b in bots.values()), 30)
        files = relay.stop_recording("m2")
    finally:
        await room.close()
        await relay.close()
    assert sorted((f.participant, f.path.name) for f in files) == [("anna", "anna.opus"), ("bernd", "bernd.opus")]
    for name, payloads in tones.items():
        with av.open(str(tmp_path / f"{name}.opus")) as container:
            recorded = [bytes(p) for p in container.demux(audio=0) if p.size]
        assert len(recorded) > 30
        assert set(recorded) <= set(payloads), f"{name}'s file holds other audio"


async def test_a_listeners_keyframe_request_reaches_the_camera(loopback_only):
    relay = AiortcRelay(video_slots=1)
    room = LocalRoom(relay, "m3")
    anna, bernd = Bot("anna", opus_tone(440), video=True), Bot("bernd", opus_tone(660))
    requests: list[float] = []
    try:
        for bot in (anna, bernd):
            await room.join(bot)
        camera = next(s for s in anna.publish_pc.getSenders() if s.kind == "video")
        original = camera._send_keyframe

        def counted() -> None:
            requests.append(time.monotonic())
            original()

        camera._send_keyframe = counted  # type: ignore[method-assign]
        assert await _wait_until(lambda: len(bernd.video_frames) > 5, 30)
        receiver = next(t.receiver for t in bernd.subscribe_pc.getTransceivers() if t.kind == "video")
        [source] = receiver.getSynchronizationSources()
        await asyncio.sleep(0.6)  # past the relay's own throttle
        before = len(requests)
        await receiver._send_rtcp_pli(source.source)
        assert await _wait_until(lambda: len(requests) > before, 5), "the PLI did not reach the publisher"
    finally:
        await room.close()
        await relay.close()


async def test_a_keyframe_asked_for_within_the_throttle_is_asked_for_once_it_is_over(loopback_only, monkeypatch):
    """A listener switched to a camera right after another listener asked it for a keyframe would otherwise wait
    forever: the camera sends no keyframe until asked, and the throttled request was dropped (a frozen picture)."""
    import media.relay

    relay = AiortcRelay(video_slots=1)
    room = LocalRoom(relay, "m3b")
    anna, bernd = Bot("anna", opus_tone(440), video=True), Bot("bernd", opus_tone(660))
    asked: list[float] = []

    async def recorded(_receiver, _ssrc) -> None:
        asked.append(time.monotonic())

    try:
        for bot in (anna, bernd):
            await room.join(bot)
        assert await _wait_until(lambda: len(bernd.video_frames) > 5, 30)
        monkeypatch.setattr(media.relay, "request_keyframe", recorded)
        camera = relay.rooms["m3b"].participants["anna"]
        just_now = time.monotonic()
        camera.last_keyframe_request["video"] = just_now  # another listener has just asked
        for _ in range(3):
            relay._ask_keyframe(relay.rooms["m3b"], "anna")
        assert not asked
        assert camera.keyframe_pending == {"video"}
        assert await _wait_until(lambda: bool(asked), 2)
        assert asked[0] - just_now >= media.relay.KEYFRAME_INTERVAL_S * 0.9
        assert len([t for t in asked if t - asked[0] < 0.1]) == 1  # the three asked once
        assert not camera.keyframe_pending
    finally:
        await room.close()
        await relay.close()


async def test_a_screen_share_reaches_everyone_else_beside_the_cameras(loopback_only):
    relay = AiortcRelay(video_slots=1)
    room = LocalRoom(relay, "m4")
    anna = Bot("anna", opus_tone(440), video=True)
    bernd = Bot("bernd", opus_tone(660), video=True)
    cem = Bot("cem", opus_tone(880))
    try:
        for bot in (anna, bernd, cem):
            await room.join(bot)
        await room.share_screen(anna)
        assert relay.screen_owner("m4") == "anna"

        def screen_frames(name: str) -> list[tuple[int, int]]:
            bot = {"anna": anna, "bernd": bernd, "cem": cem}[name]
            return [f for mid in room.screens[name] for f in bot.frames_by_mid.get(mid, [])]

        assert await _wait_until(lambda: len(screen_frames("bernd")) > 5 and len(screen_frames("cem")) > 5, 40)
        for name in ("bernd", "cem"):
            [mid] = room.screens[name]
            assert room.tracks[name][mid] == "anna"
            assert set(screen_frames(name)) == {(320, 180)}, "the screen slot carries the screen, not a camera"
        # the one camera slot still shows a camera beside the share
        assert await _wait_until(lambda: (160, 120) in cem.video_frames, 20)
        assert not room.screens["anna"] or not screen_frames("anna"), "the sharer is not sent her own screen"

        # one screen share at a time; the chair's stop frees the slot for the next one
        mid, offer = await bernd.share_screen()
        with pytest.raises(ScreenBusy):
            relay.share_screen("m4", "bernd", mid)
        await bernd.accept_answer(await relay.publish("m4", "bernd", offer))
        assert relay.stop_screen("m4") == "anna"
        assert relay.screen_owner("m4") is None
        await asyncio.sleep(0.5)
        before = len(screen_frames("cem"))
        await asyncio.sleep(1.0)
        assert len(screen_frames("cem")) <= before + 1, "a stopped share is no longer forwarded"
        relay.share_screen("m4", "bernd", mid)

        def cem_sees_bernds_screen() -> bool:
            [slot] = room.screens["cem"]
            return room.tracks["cem"].get(slot) == "bernd"

        assert await _wait_until(cem_sees_bernds_screen, 10)
        count = len(cem.frames_by_mid[next(iter(room.screens["cem"]))])
        assert await _wait_until(lambda: len(cem.frames_by_mid[next(iter(room.screens["cem"]))]) > count + 5, 20)
        # the sharer leaving ends the share
        await relay.remove("m4", "bernd")
        assert relay.screen_owner("m4") is None
    finally:
        await room.close()
        await relay.close()
        for bot in (anna, bernd, cem):
            await bot.close()


async def test_the_video_slot_follows_the_loudest_speaker_by_the_audio_level_header(loopback_only):
    # one camera slot, two cameras told apart by their size: the listener sees the speaker, not the silent one
    relay = AiortcRelay(video_slots=1)
    room = LocalRoom(relay, "m5")
    anna = Bot("anna", opus_tone(440), video=True, speaking=False, camera_size=(160, 120))
    bernd = Bot("bernd", opus_tone(660), video=True, camera_size=(176, 144))
    cem = Bot("cem", opus_tone(880), speaking=False)
    try:
        for bot in (anna, bernd, cem):
            await room.join(bot)
        assert await _wait_until(lambda: relay.rooms["m5"].participants["bernd"].loudness > 0.5, 10)
        assert await _wait_until(lambda: cem.video_frames[-5:] == [(176, 144)] * 5, 30), (
            cem.video_frames[-10:],
            [(f.kind, f.source) for f in relay.rooms["m5"].participants["cem"].forwarders],
            {n: p.loudness for n, p in relay.rooms["m5"].participants.items()},
        )
        [slot] = [f for f in relay.rooms["m5"].participants["cem"].forwarders if f.kind == "video"]
        seen = len(cem.video_frames)
        for _ in range(10):
            assert slot.source == "bernd", "the silent camera took the slot"
            await asyncio.sleep(0.1)
        assert len(cem.video_frames) > seen and set(cem.video_frames[seen:]) == {(176, 144)}
        # anna starts speaking, bernd falls silent: the slot moves to anna's camera
        anna.speak()
        bernd.speak(False)

        def cem_sees_anna() -> bool:
            return cem.video_frames[-5:] == [(160, 120)] * 5

        assert await _wait_until(cem_sees_anna, 10)
        assert slot.source == "anna" and room.tracks["cem"][slot.transceiver_mid or ""] == "anna"
        assert relay.rooms["m5"].participants["anna"].loudness > relay.rooms["m5"].participants["bernd"].loudness
    finally:
        await room.close()
        await relay.close()
        for bot in (anna, bernd, cem):
            await bot.close()


async def test_only_the_loudest_speakers_audio_is_forwarded_in_a_big_room(loopback_only):
    # K + 3 bots, two of them speaking, and one bot whose packets carry no audio level (always forwarded)
    k = 3
    relay = AiortcRelay(video_slots=0, audio_slots=k)
    room = LocalRoom(relay, "m6")
    names = [f"bot{i}" for i in range(k + 3)]
    bots = {name: Bot(name, opus_tone(300 + 50 * i), speaking=i < 2) for i, name in enumerate(names)}
    bots["plain"] = Bot("plain", opus_tone(1000), level=None)
    owner = {p: name for name, bot in bots.items() for p in (*bot.payloads, *(bot.silence or []))}
    speakers, silent = {"bot0", "bot1"}, set(names[2:])
    try:
        for bot in bots.values():
            await room.join(bot)

        def heard_since(listener: Bot, mark: int) -> set[str]:
            return {owner.get(p, "?") for _, p in listener.arrivals[mark:]}

        def settled() -> bool:
            negotiated = all(len(room.tracks[name]) == len(bots) - 1 for name in bots)
            return negotiated and all(len(bot.received) >= 2 for bot in bots.values())

        assert await _wait_until(settled, 30)
        await asyncio.sleep(1.0)  # past the hold of the packets forwarded while the room was filling
        marks = {name: len(bot.arrivals) for name, bot in bots.items()}
        await asyncio.sleep(2.0)
        for name, bot in bots.items():
            heard = heard_since(bot, marks[name])
            assert heard == (speakers | {"plain"}) - {name}, (name, heard)
            assert not heard & silent
            # the listener counts no loss although the silent ones' packets were left out
            for seqs in bot.sequence_numbers.values():
                tail = seqs[-20:]
                assert all((b - a) % 65536 == 1 for a, b in itertools.pairwise(tail))
        # a silent one starts speaking: the others hear it within a few hundred ms
        newcomer, listener = bots["bot4"], bots["bot2"]
        mark = len(listener.arrivals)
        started = time.monotonic()
        newcomer.speak()
        assert await _wait_until(lambda: "bot4" in heard_since(listener, mark), 5)
        first = next(t for t, p in listener.arrivals[mark:] if owner.get(p) == "bot4")
        assert first - started < 0.4, f"heard after {first - started:.3f} s"
        assert owner[next(p for t, p in listener.arrivals[mark:] if t == first)] == "bot4"
        assert next(p for t, p in listener.arrivals[mark:] if t == first) in newcomer.payloads, "its speech, not noise"
    finally:
        await room.close()
        await relay.close()
