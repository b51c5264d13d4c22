"""A PNG bar chart of swarms per day, drawn in pure Python (zlib + struct, no Pillow).

Chat platforms show an image inline where an SVG would not render, so the weekly post
carries this picture; the web page has the full SVG charts.
"""

from __future__ import annotations

import struct
import zlib
from typing import Any

from bot.i18n import _

_GLYPHS = {  # 5x7 bitmaps, enough for day names and numbers
    "0": " ### #   ##  ### # ###  ##   # ### ", "1": "  #   ##    #    #    #    #   ### ",
    "2": " ### #   #    #   #   #   #   #####", "3": "####     #    # ###     #    ##### ",
    "4": "   #   ##  # # #  # #####   #    # ", "5": "######    ####     #    ##   # ### ",
    "6": " ### #    #    #### #   ##   # ### ", "7": "#####    #   #   #   #    #    #   ",
    "8": " ### #   ##   # ### #   ##   # ### ", "9": " ### #   ##   # ####    #    # ### ",
    "M": "#   ### ### # ##   ##   ##   ##   #", "O": " ### #   ##   ##   ##   ##   # ### ",
    "T": "#####  #    #    #    #    #    #  ", "U": "#   ##   ##   ##   ##   ##   # ### ",
    "W": "#   ##   ##   ##   ## # ### ###   #", "E": "######    #    #### #    #    #####",
    "H": "#   ##   ##   #######   ##   ##   #", "F": "######    #    #### #    #    #    ",
    "R": "#### #   ##   ##### # #  #  # #   #", "S": " #####    #     ###     #    ##### ",
    "A": " ### #   ##   #######   ##   ##   #", " ": " " * 35,
}
NOW = (47, 111, 143)
LIGHT = (185, 207, 219)
INK = (60, 60, 60)


class Canvas:
    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.pixels = bytearray(b"\xff" * (width * height * 3))

    def rect(self, x: int, y: int, w: int, h: int, colour: tuple[int, int, int]) -> None:
        x0, y0 = max(0, x), max(0, y)
        x1, y1 = min(self.width, x + w), min(self.height, y + h)
        if x1 <= x0:
            return
        line = bytes(colour) * (x1 - x0)
        for row in range(y0, y1):
            start = (row * self.width + x0) * 3
            self.pixels[start:start + len(line)] = line

    def text(self, x: int, y: int, text: str, scale: int = 2,
             colour: tuple[int, int, int] = INK) -> None:
        for n, ch in enumerate(text.upper()):
            glyph = _GLYPHS.get(ch, _GLYPHS[" "])
            for i, bit in enumerate(glyph):
                if bit == "#":
                    self.rect(x + n * 6 * scale + (i % 5) * scale, y + (i // 5) * scale,
                              scale, scale, colour)

    def png(self) -> bytes:
        stride = self.width * 3
        raw = b"".join(b"\x00" + bytes(self.pixels[r * stride:(r + 1) * stride])
                       for r in range(self.height))
        return (b"\x89PNG\r\n\x1a\n"
                + _chunk(b"IHDR", struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0,
                                              0))
                + _chunk(b"IDAT", zlib.compress(raw, 9)) + _chunk(b"IEND", b""))


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def per_day_alt(digest: dict[str, Any]) -> str:
    """What the chart shows, in words: its alt text, for who cannot see it."""
    names = weekdays()
    days = digest["per_day"]
    opened = ", ".join(f"{names[i]} {d['opened']}" for i, d in enumerate(days))
    resolved = ", ".join(f"{names[i]} {d['resolved']}" for i, d in enumerate(days))
    return _("Bar chart of swarms per day, {week}. Opened: {opened}. Resolved: {resolved}.") \
        .format(week=digest['week'], opened=opened, resolved=resolved)


def weekdays() -> tuple[str, ...]:
    """Monday to Sunday, short, in the reader's language."""
    return (_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun"))


def per_day_png(digest: dict[str, Any], width: int = 560, height: int = 240) -> bytes:
    """Opened (dark) and resolved (light) swarms for each day of the week."""
    c = Canvas(width, height)
    days = digest["per_day"]
    peak = max([max(d["opened"], d["resolved"]) for d in days] + [1])
    top, bottom, left = 30, 30, 16
    plot = height - top - bottom
    slot = (width - 2 * left) // len(days)
    bar = slot * 3 // 10
    c.rect(left, top + plot, width - 2 * left, 2, INK)
    names = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
    for i, d in enumerate(days):
        x = left + i * slot + slot // 5
        for j, (value, colour) in enumerate(((d["opened"], NOW), (d["resolved"], LIGHT))):
            h = plot * value // peak
            c.rect(x + j * bar, top + plot - h, bar, h, colour)
        label = str(d["opened"])
        c.text(x + bar - len(label) * 6, top + plot - plot * d["opened"] // peak - 18, label)
        c.text(x + bar - 11, top + plot + 8, names[i])
    return c.png()
