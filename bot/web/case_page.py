"""GET /digest/case/<ref>: a case's journey chart, behind the same signed links as the digest.

One row per function the customer met, in that order, as long as the time spent there, and
the mood readings on the way. Inline SVG only, nothing fetched, no script.
"""

from __future__ import annotations

from datetime import datetime
from html import escape

from bot.digest.svg import Bar, rows
from bot.domain import Case
from bot.i18n import _, current, ngettext
from bot.services.base import Deps
from bot.services.journey_map import BEFORE, duration, journey_map


def render_case_page(deps: Deps, case: Case, now: datetime) -> str:
    stops = journey_map(deps, case, now)
    bars = [Bar(f"{i}. {s.function}", round(s.seconds / 3600, 1))
            for i, s in enumerate((s for s in stops if s.function != BEFORE), 1)]
    chart = rows("chart-journey", _("Hours spent with each function on {ref}").format(
        ref=case.ref), bars, empty=_("no touchpoints yet"))
    items = []
    for s in stops:
        moods = ", ".join(m.level + (f" ({m.note})" if m.note else "") for m in s.moods)
        function = _("before any touchpoint") if s.function == BEFORE else s.function
        touches = ngettext("{n} touchpoint", "{n} touchpoints", len(s.touches)).format(
            n=len(s.touches))
        mood = " · " + _("mood: {moods}").format(moods=escape(moods)) if moods else ""
        items.append(f"<li><b>{escape(function)}</b> · {duration(s.seconds)} · "
                     f"{touches}{mood}</li>")
    state = _("open") if case.is_open else _("resolved: {resolution}").format(
        resolution=case.resolution or "")
    title = escape(_("Journey of {ref}").format(ref=case.ref))
    return (f"<!doctype html><html lang=\"{current()}\"><head><meta charset=\"utf-8\">"
            f"<title>{title}</title></head><body>"
            f"<h1>{title}</h1><p>{escape(case.summary)} · "
            f"{escape(state)}</p>{chart}<ol>{''.join(items)}</ol></body></html>")
