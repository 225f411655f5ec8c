"""Recording without decoding: each participant's Opus packets copied into an Ogg Opus file (RFC 7845).

The relay hands over the RTP payloads as they arrive; the Ogg pages are written here (no transcoding, so the
cost is a file write per packet). Gaps in the RTP timestamps become gaps in the granule positions, which players
render as silence.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import BinaryIO

SAMPLE_RATE = 48000
PRE_SKIP = 312


def _crc_table() -> list[int]:
    table = []
    for i in range(256):
        crc = i << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) if crc & 0x80000000 else (crc << 1)
        table.append(crc & 0xFFFFFFFF)
    return table


_CRC = _crc_table()


def ogg_crc(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc = ((crc << 8) & 0xFFFFFFFF) ^ _CRC[((crc >> 24) & 0xFF) ^ byte]
    return crc


class OggOpusWriter:
    def __init__(self, path: Path, serial: int, channels: int = 2, vendor: str = "council") -> None:
        self.file: BinaryIO = path.open("wb")
        self.serial = serial
        self.sequence = 0
        self.first_timestamp: int | None = None
        self.granule = 0
        # the newest packet waits for the next one, so the last can carry the end-of-stream flag
        self.pending: tuple[bytes, int] | None = None
        head = b"OpusHead" + struct.pack("<BBHIhB", 1, channels, PRE_SKIP, SAMPLE_RATE, 0, 0)
        tags = b"OpusTags" + struct.pack("<I", len(vendor)) + vendor.encode() + struct.pack("<I", 0)
        self._page(head, granule=0, flags=0x02)
        self._page(tags, granule=0)

    def write(self, payload: bytes, rtp_timestamp: int, samples: int = 960) -> None:
        """One Opus packet; its RTP timestamp (48 kHz) places it in time."""
        if self.first_timestamp is None:
            self.first_timestamp = rtp_timestamp
        offset = (rtp_timestamp - self.first_timestamp) % (1 << 32)
        self.granule = max(self.granule, PRE_SKIP + offset + samples)
        if self.pending is not None:
            self._page(*self.pending)
        self.pending = (payload, self.granule)

    def close(self) -> None:
        if self.file.closed:
            return
        if self.pending is not None:
            self._page(*self.pending, flags=0x04)
            self.pending = None
        self.file.close()

    def _page(self, packet: bytes, granule: int, flags: int = 0) -> None:
        lacing = [255] * (len(packet) // 255) + [len(packet) % 255]
        header = struct.pack("<4sBBqIII", b"OggS", 0, flags, granule, self.serial, self.sequence, 0)
        page = bytearray(header + bytes([len(lacing)]) + bytes(lacing) + packet)
        struct.pack_into("<I", page, 22, ogg_crc(bytes(page)))
        self.file.write(page)
        self.sequence += 1
