"""Guards for the aiortc internals the relay hooks (media/hooks.py) and the relay's pure rules."""

from __future__ import annotations

import itertools
from importlib.metadata import version

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
