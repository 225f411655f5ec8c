"""Opus packets copied into Ogg without decoding play back as the audio that was sent."""

from __future__ import annotations

import zlib

import av

from media.bots import opus_tone
from media.recording import OggOpusWriter, ogg_crc


def test_ogg_crc_is_the_ogg_polynomial_not_zlibs():
    assert ogg_crc(b"OggS") != zlib.crc32(b"OggS")
    assert ogg_crc(b"") == 0
    assert ogg_crc(b"123456789") == 0x89A1897F  # CRC-32/MPEG-2 without final xor and init 0 (Ogg's variant)


def test_recorded_packets_decode_to_one_second_of_audio(tmp_path):
    payloads = opus_tone(440)
    path = tmp_path / "speaker.opus"
    writer = OggOpusWriter(path, serial=7)
    for i, payload in enumerate(payloads):
        writer.write(payload, rtp_timestamp=123_456 + 960 * i)
    writer.close()
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        assert stream.codec_context.name == "opus"
        packets = [bytes(p) for p in container.demux(stream) if p.size]
    assert packets == payloads  # the very packets, not a re-encoding
    with av.open(str(path)) as container:
        samples = sum(frame.samples for frame in container.decode(audio=0))
    assert 48000 - 960 <= samples <= 48000
