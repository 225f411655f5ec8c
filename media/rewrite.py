"""Pure rules of the relay: per-listener RTP numbering and the choice of active speakers.

No I/O here; `media.relay` applies these to packets.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

SEQ_MOD = 1 << 16
TS_MOD = 1 << 32


@dataclass
class StreamRewriter:
    """Maps a source's sequence numbers and timestamps onto one outgoing stream.

    Gaps in the source stay gaps (the listener sees loss as loss); when the outgoing stream switches to another
    source (a video slot moving to a new active speaker) the numbering continues without a jump so the listener's
    jitter buffer does not reset.
    """

    seq_offset: int = field(default_factory=lambda: random.randrange(SEQ_MOD))  # noqa: S311 - RTP, not crypto
    ts_offset: int = field(default_factory=lambda: random.randrange(TS_MOD))  # noqa: S311
    last_seq: int | None = None
    last_ts: int | None = None
    source_key: object = None

    def rewrite(self, source_key: object, seq: int, ts: int, ts_step: int = 960) -> tuple[int, int]:
        """Outgoing (sequence number, timestamp) for a source packet."""
        if source_key != self.source_key:
            self.source_key = source_key
            if self.last_seq is not None and self.last_ts is not None:
                self.seq_offset = (self.last_seq + 1 - seq) % SEQ_MOD
                self.ts_offset = (self.last_ts + ts_step - ts) % TS_MOD
        out_seq = (seq + self.seq_offset) % SEQ_MOD
        out_ts = (ts + self.ts_offset) % TS_MOD
        if self.last_seq is None or _seq_newer(out_seq, self.last_seq):
            self.last_seq = out_seq
            self.last_ts = out_ts
        return out_seq, out_ts


def _seq_newer(a: int, b: int) -> bool:
    return a != b and ((a - b) % SEQ_MOD) < SEQ_MOD // 2


def loudness(level_dbov: int) -> float:
    """RFC 6464 level (0 = loudest, 127 = silence) as a 0..1 loudness."""
    return max(0.0, (127 - min(max(level_dbov, 0), 127)) / 127)


def smooth(previous: float, sample: float, weight: float = 0.2) -> float:
    return previous + weight * (sample - previous)


def choose_video_sources(
    loudness_by_source: Mapping[str, float],
    video_publishers: Iterable[str],
    slots: int,
    current: Iterable[str] = (),
    hysteresis: float = 0.1,
) -> list[str]:
    """Which cameras fill the bounded number of video slots: the loudest speakers first.

    A current source keeps its slot unless a newcomer is louder by `hysteresis`, so that two people talking at
    once do not make the pictures flicker. Ties fall back to the order in which cameras joined.
    """
    publishers = list(dict.fromkeys(video_publishers))
    if slots <= 0 or not publishers:
        return []
    kept = [p for p in current if p in publishers]

    def score(p: str) -> float:
        return loudness_by_source.get(p, 0.0) + (hysteresis if p in kept else 0.0)

    ranked = sorted(publishers, key=lambda p: (-score(p), publishers.index(p)))
    return ranked[:slots]


SPEECH_LEVEL = 50  # RFC 6464 levels at or above -50 dBov (0..50) count as speech; room noise is quieter
AUDIO_HOLD_S = 0.8  # a speaker stays forwarded this long after the last loud packet: pauses between words
AUDIO_HYSTERESIS = 0.1


@dataclass
class AudioSlots:
    """Whose audio is forwarded when a room has more publishers than `slots`: the loudest current speakers.

    Only packets that carry an audio level are judged (the relay forwards those without one unconditionally).
    While the room has at most `slots` publishers everybody is forwarded. Beyond that a publisher is forwarded
    from its first loud packet on (at once, so no word is clipped) if a slot is free or it is louder than the
    quietest current speaker by `hysteresis` (who then gives up the slot), and stays forwarded until `hold`
    seconds after its last loud packet.
    """

    slots: int
    hold: float = AUDIO_HOLD_S
    hysteresis: float = AUDIO_HYSTERESIS
    # the forwarded speakers: [time of the last loud packet, loudness]
    speaking: dict[str, list[float]] = field(default_factory=dict)

    def admit(self, source: str, level: int, loudness: float, publishers: int, now: float) -> bool:
        """Whether this packet of `source` (RFC 6464 `level`, smoothed `loudness`) is forwarded."""
        if publishers <= self.slots:
            return True
        loud = level <= SPEECH_LEVEL
        member = self.speaking.get(source)
        if member is not None:
            member[1] = loudness
            if loud:
                member[0] = now
                return True
            if now - member[0] <= self.hold:
                return True
            del self.speaking[source]
            return False
        if not loud:
            return False
        for other, (last_loud, _) in list(self.speaking.items()):
            if now - last_loud > self.hold:
                del self.speaking[other]
        if len(self.speaking) >= self.slots:
            quietest = min(self.speaking, key=lambda s: self.speaking[s][1])
            if loudness <= self.speaking[quietest][1] + self.hysteresis:
                return False
            del self.speaking[quietest]
        self.speaking[source] = [now, loudness]
        return True

    def forget(self, source: str) -> None:
        self.speaking.pop(source, None)


@dataclass
class PauseCompactor:
    """Closes the sequence-number gap a paused (not forwarded) audio source leaves, so a listener does not count
    the pause as loss; the timestamps keep the pause, as after discontinuous transmission (DTX)."""

    removed: int = 0
    last_seq: int | None = None
    paused: bool = False

    def pause(self) -> None:
        self.paused = True

    def resume(self, seq: int) -> tuple[int, bool]:
        """The compacted sequence number of a forwarded packet, and whether it starts a talkspurt after a pause."""
        talkspurt = self.paused and self.last_seq is not None
        if talkspurt and self.last_seq is not None:
            gap = (seq - self.last_seq - 1) % SEQ_MOD
            if gap < SEQ_MOD // 2:
                self.removed = (self.removed + gap) % SEQ_MOD
        self.paused = False
        if self.last_seq is None or _seq_newer(seq, self.last_seq):
            self.last_seq = seq
        return (seq - self.removed) % SEQ_MOD, talkspurt
