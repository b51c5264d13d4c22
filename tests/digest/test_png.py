"""The chart picture is a well-formed PNG whose bars have the figures' heights."""

from __future__ import annotations

import struct
import zlib

from bot.digest.png import NOW, per_day_png


def decode(png: bytes) -> tuple[int, int, list[bytes]]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks = 8, {}
    while pos < len(png):
        (size,) = struct.unpack(">I", png[pos:pos + 4])
        kind, data = png[pos + 4:pos + 8], png[pos + 8:pos + 8 + size]
        (crc,) = struct.unpack(">I", png[pos + 8 + size:pos + 12 + size])
        assert crc == zlib.crc32(kind + data) & 0xFFFFFFFF
        chunks[kind] = data
        pos += 12 + size
    width, height, depth, colour, *_ = struct.unpack(">IIBBBBB", chunks[b"IHDR"])
    assert (depth, colour) == (8, 2) and b"IEND" in chunks
    raw = zlib.decompress(chunks[b"IDAT"])
    stride = 1 + width * 3
    assert len(raw) == height * stride
    return width, height, [raw[r * stride + 1:(r + 1) * stride] for r in range(height)]


def column_height(rows: list[bytes], x: int) -> int:
    return sum(1 for row in rows if row[x * 3:x * 3 + 3] == bytes(NOW))


def test_bars_are_as_tall_as_their_figures() -> None:
    days = [{"date": f"2026-11-{9 + i:02d}", "opened": n, "resolved": 0}
            for i, n in enumerate((10, 5, 0, 0, 0, 0, 0))]
    width, height, rows = decode(per_day_png({"per_day": days}))
    assert (width, height) == (560, 240)
    slot = (width - 32) // 7
    monday, tuesday = 16 + slot // 5 + 2, 16 + slot + slot // 5 + 2
    assert column_height(rows, monday) == 2 * column_height(rows, tuesday) > 100
    assert column_height(rows, 16 + 2 * slot + slot // 5 + 2) == 0
