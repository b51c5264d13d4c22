"""Inline SVG bar charts for the digest page: no JavaScript, nothing fetched (works offline).

Every bar is a `<rect class="mark">` with its value in `data-value`, so a test (or a
screen reader, through the <title>) can check that a chart drew what the figures say.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from bot.i18n import _

NOW = "#2f6f8f"
BEFORE = "#b9cfdb"
WIDTH = 640


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    before: float | None = None  # the same figure for the week before, drawn beside it


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.1f}"


def _frame(chart_id: str, title: str, height: int, body: list[str]) -> str:
    return (f'<svg id="{chart_id}" class="chart" role="img" viewBox="0 0 {WIDTH} {height}" '
            f'width="100%" preserveAspectRatio="xMinYMin meet" aria-label="{escape(title)}" '
            f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
            + "".join(body) + "</svg>")


def _empty(chart_id: str, title: str, text: str) -> str:
    return _frame(chart_id, title, 60, [f'<text class="empty" x="10" y="35">{escape(text)}'
                                        "</text>"])


def columns(chart_id: str, title: str, bars: list[Bar], empty: str | None = None,
            names: tuple[str, str] | None = None) -> str:
    """Vertical bars, one group per label (this week, and the week before beside it)."""
    names = names or _weeks()
    if not bars or not any(b.value or b.before for b in bars):
        return _empty(chart_id, title, empty or _("nothing this week"))
    height, top, bottom, left = 230, 20, 40, 36
    plot = height - top - bottom
    peak = max(max(b.value, b.before or 0) for b in bars) or 1
    slot = (WIDTH - left - 10) / len(bars)
    paired = any(b.before is not None for b in bars)
    bar_w = slot * (0.36 if paired else 0.6)
    body = [f'<line x1="{left}" y1="{top + plot}" x2="{WIDTH - 10}" y2="{top + plot}" '
            'stroke="#888"/>',
            f'<text x="4" y="{top + 8}" font-size="11" fill="#555">{_fmt(peak)}</text>']
    for i, b in enumerate(bars):
        x = left + i * slot + slot * 0.12
        series = [(b.value, NOW, names[0])]
        if paired:
            series.append((b.before or 0, BEFORE, names[1]))
        for j, (value, colour, which) in enumerate(series):
            h = plot * value / peak
            bx = x + j * bar_w
            body.append(f'<rect class="mark" data-value="{_fmt(value)}" x="{bx:.1f}" '
                        f'y="{top + plot - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                        f'fill="{colour}"><title>{escape(b.label)}, {which}: {_fmt(value)}'
                        "</title></rect>")
        body.append(f'<text x="{x + bar_w:.1f}" y="{top + plot + 16}" font-size="11" '
                    f'text-anchor="middle">{escape(b.label)}</text>')
        label_y = top + plot - plot * b.value / peak - 4
        body.append(f'<text x="{x + bar_w / 2:.1f}" y="{label_y:.1f}" font-size="10" '
                    f'text-anchor="middle">{_fmt(b.value)}</text>')
    if paired:
        body += _legend(left, height - 8, names)
    return _frame(chart_id, title, height, body)


def rows(chart_id: str, title: str, bars: list[Bar], empty: str | None = None) -> str:
    """Horizontal bars, one row per label, longest first as given."""
    if not bars:
        return _empty(chart_id, title, empty or _("nothing this week"))
    label_w, row_h, top = 210, 26, 10
    height = top + row_h * len(bars) + (24 if any(b.before is not None for b in bars) else 6)
    peak = max(max(b.value, b.before or 0) for b in bars) or 1
    span = WIDTH - label_w - 50
    body = []
    for i, b in enumerate(bars):
        y = top + i * row_h
        body.append(f'<text x="{label_w - 8}" y="{y + 15}" font-size="12" text-anchor="end">'
                    f"{escape(_clip(b.label))}</text>")
        w = span * b.value / peak
        body.append(f'<rect class="mark" data-value="{_fmt(b.value)}" x="{label_w}" y="{y + 3}" '
                    f'width="{w:.1f}" height="{row_h * 0.5:.1f}" fill="{NOW}"><title>'
                    f"{escape(b.label)}: {_fmt(b.value)}</title></rect>")
        if b.before is not None:
            body.append(f'<rect class="before" x="{label_w}" y="{y + 3 + row_h * 0.5:.1f}" '
                        f'width="{span * b.before / peak:.1f}" height="{row_h * 0.22:.1f}" '
                        f'fill="{BEFORE}"><title>'
                        + escape(_("week before: {value}").format(value=_fmt(b.before)))
                        + '</title></rect>')
        body.append(f'<text x="{label_w + w + 6:.1f}" y="{y + 15}" font-size="12">'
                    f"{_fmt(b.value)}</text>")
    if any(b.before is not None for b in bars):
        body += _legend(label_w, height - 6)
    return _frame(chart_id, title, height, body)


def _weeks() -> tuple[str, str]:
    return _("this week"), _("week before")


def _legend(x: float, y: float, names: tuple[str, str] | None = None) -> list[str]:
    names = names or _weeks()
    return [f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{NOW}"/>',
            f'<text x="{x + 14}" y="{y}" font-size="11">{escape(names[0])}</text>',
            f'<rect x="{x + 90}" y="{y - 9}" width="10" height="10" fill="{BEFORE}"/>',
            f'<text x="{x + 104}" y="{y}" font-size="11">{escape(names[1])}</text>']


def _clip(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"
