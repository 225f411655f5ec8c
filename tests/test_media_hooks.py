"""Guards for the aiortc internals the relay hooks (media/hooks.py) and the relay's pure rules."""

from __future__ import annotations

import itertools
from importlib.metadata import version

import pytest
from hypothesis import given
from hypothesis import strategies as st

from media import rewrite
from media.hooks import hooks_present


def test_aiortc_is_the_pinned_version():
    # media/hooks.py reaches into aiortc's private attributes; a new version must be checked before it is used
    assert version("aiortc") == "1.16.0"


def test_hooked_aiortc_internals_exist():
    assert hooks_present() == []


def test_rewriter_keeps_gaps_and_continues_across_a_source_switch():
    r = rewrite.StreamRewriter(seq_offset=100, ts_offset=1000)
    assert r.rewrite("a", 1, 960) == (101, 1960)
    assert r.rewrite("a", 3, 2880) == (103, 3880)  # a lost packet stays a gap
    seq, ts = r.rewrite("b", 5000, 123456)
    assert (seq, ts) == (104, 3880 + 960)
    assert r.rewrite("b", 5001, 123456 + 960) == (105, 3880 + 1920)


@given(st.integers(0, 65535), st.integers(0, 2**32 - 1), st.integers(1, 200))
def test_rewriter_wraps_sequence_numbers(start, ts, n):
    r = rewrite.StreamRewriter()
    out = [r.rewrite("a", (start + i) % 65536, (ts + 960 * i) % 2**32)[0] for i in range(n)]
    assert all((b - a) % 65536 == 1 for a, b in itertools.pairwise(out))


def test_loudest_speakers_get_the_video_slots():
    loud = {"a": 0.1, "b": 0.9, "c": 0.5}
    assert rewrite.choose_video_sources(loud, ["a", "b", "c"], 2) == ["b", "c"]
    assert rewrite.choose_video_sources(loud, ["a", "c"], 4) == ["c", "a"]
    assert rewrite.choose_video_sources(loud, ["a", "b"], 0) == []


def test_current_speaker_keeps_the_slot_against_a_slightly_louder_newcomer():
    loud = {"a": 0.50, "b": 0.55}
    assert rewrite.choose_video_sources(loud, ["a", "b"], 1, current=["a"]) == ["a"]
    assert rewrite.choose_video_sources({"a": 0.2, "b": 0.55}, ["a", "b"], 1, current=["a"]) == ["b"]


def test_audio_level_header_maps_to_loudness():
    assert rewrite.loudness(0) == 1.0
    assert rewrite.loudness(127) == 0.0
    assert 0 < rewrite.loudness(30) < 1


def test_audio_slots_forward_everyone_while_the_room_fits():
    slots = rewrite.AudioSlots(2)
    assert all(slots.admit(s, 127, 0.0, publishers=2, now=0.0) for s in ("a", "b"))


def test_audio_slots_forward_only_current_speakers_with_a_hold():
    slots = rewrite.AudioSlots(2, hold=0.8)
    assert not slots.admit("a", 90, 0.2, publishers=5, now=0.0), "a silent publisher is not forwarded"
    assert slots.admit("a", 20, 0.3, publishers=5, now=0.1), "the first loud packet enters at once"
    assert slots.admit("a", 90, 0.3, publishers=5, now=0.8), "a pause between words is held"
    assert not slots.admit("a", 90, 0.2, publishers=5, now=1.0), "silent past the hold"
    assert slots.speaking == {}


def test_audio_slots_go_to_the_loudest_when_full():
    slots = rewrite.AudioSlots(2, hold=0.8)
    assert slots.admit("a", 20, 0.8, publishers=5, now=0.0)
    assert slots.admit("b", 40, 0.5, publishers=5, now=0.0)
    assert not slots.admit("c", 40, 0.55, publishers=5, now=0.1), "not louder than the quietest by the hysteresis"
    assert slots.admit("c", 10, 0.9, publishers=5, now=0.2), "the louder newcomer takes the quietest one's slot"
    assert set(slots.speaking) == {"a", "c"}
    assert not slots.admit("b", 90, 0.4, publishers=5, now=0.3)
    # a speaker past the hold frees the slot for anyone loud, and one who leaves is forgotten
    assert slots.admit("d", 45, 0.5, publishers=5, now=2.0)
    slots.forget("d")
    assert "d" not in slots.speaking


def test_a_paused_audio_source_continues_without_a_sequence_gap():
    pause = rewrite.PauseCompactor()
    assert pause.resume(65534) == (65534, False)
    pause.pause()  # 65535, 0, 1 not forwarded
    pause.pause()
    assert pause.resume(2) == (65535, True), "the talkspurt continues the numbering"
    assert pause.resume(4) == (1, False), "a real loss stays a gap"


def test_audio_slots_setting_defaults_to_five_and_must_be_positive(tmp_path):
    from council.errors import ConfigurationError
    from council.settings import load_settings

    def settings(**env: str):
        return load_settings({"COUNCIL_VAR_DIR": str(tmp_path), "COUNCIL_SECRET_KEY": "x" * 40, **env})

    assert settings().media_audio_slots == 5
    assert settings(COUNCIL_MEDIA_AUDIO_SLOTS="3").media_audio_slots == 3
    for value in ("0", "viele"):
        with pytest.raises(ConfigurationError, match="MEDIA_AUDIO_SLOTS"):
            settings(COUNCIL_MEDIA_AUDIO_SLOTS=value)
