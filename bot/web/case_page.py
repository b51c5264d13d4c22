"""GET /digest/case/<ref>: a case's journey chart, behind the same signed links as the digest.

One row per function the customer met, in that order, as long as the time spent there, and
the mood readings on the way. Inline SVG only, nothing fetched, no script.
"""

from __future__ import annotations

from datetime import datetime
from html import escape

from bot.digest.svg import Bar, rows
from bot.domain import Case
from bot.services.base import Deps
from bot.services.journey_map import BEFORE, duration, journey_map


def render_case_page(deps: Deps, case: Case, now: datetime) -> str:
    stops = journey_map(deps, case, now)
    bars = [Bar(f"{i}. {s.function}", round(s.seconds / 3600, 1))
            for i, s in enumerate((s for s in stops if s.function != BEFORE), 1)]
    chart = rows("chart-journey", f"Hours spent with each function on {case.ref}", bars,
                 empty="no touchpoints yet")
    items = []
    for s in stops:
        moods = ", ".join(m.level + (f" ({m.note})" if m.note else "") for m in s.moods)
        items.append(f"<li><b>{escape(s.function)}</b> · {duration(s.seconds)} · "
                     f"{len(s.touches)} touchpoints" + (f" · mood: {escape(moods)}" if moods
                                                          else "") + "</li>")
    state = "open" if case.is_open else f"resolved: {case.resolution or ''}"
    return ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>Journey of {escape(case.ref)}</title></head><body>"
            f"<h1>Journey of {escape(case.ref)}</h1><p>{escape(case.summary)} · "
            f"{escape(state)}</p>{chart}<ol>{''.join(items)}</ol></body></html>")
