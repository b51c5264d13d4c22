"""The customer's journey as a map: the functions they met, in order, with the time spent
in each and the mood readings on the way (issue 13).

A stage is a run of touchpoints by one function; it lasts until the next function's first
touchpoint, the last one until the case was resolved (or now). Entries at the same second
keep the order they were recorded in (their ids), never the order of their text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.domain import Case, Mood, Touchpoint, parse_iso
from bot.i18n import _
from bot.services.base import Deps

BEFORE = "before any touchpoint"


@dataclass
class Stop:
    """One function on the map: every stage of it added up."""

    function: str
    first_at: str
    seconds: int = 0
    touches: list[Touchpoint] = field(default_factory=list)
    moods: list[Mood] = field(default_factory=list)


def journey_map(deps: Deps, case: Case, now: datetime | None = None) -> list[Stop]:
    store = deps.store
    touches = sorted(store.journal.touchpoints(case.id), key=lambda t: (t.at, t.id))
    moods = sorted(store.journal.moods(case.id), key=lambda m: (m.at, m.id))
    end = parse_iso(case.resolved_at) if case.resolved_at else (now or deps.now())
    stops: dict[str, Stop] = {}
    stages: list[tuple[str, str]] = []  # (function, start) of each run
    for t in touches:
        stop = stops.setdefault(t.function, Stop(t.function, t.at))
        stop.touches.append(t)
        if not stages or stages[-1][0] != t.function:
            stages.append((t.function, t.at))
    for i, (function, start) in enumerate(stages):
        until = parse_iso(stages[i + 1][1]) if i + 1 < len(stages) else max(end,
                                                                            parse_iso(start))
        stops[function].seconds += int((until - parse_iso(start)).total_seconds())
    ordered = list(stops.values())
    for m in moods:
        at_stage = [f for f, start in stages if start <= m.at]
        if at_stage:
            stops[at_stage[-1]].moods.append(m)
        else:
            if not ordered or ordered[0].function != BEFORE:
                ordered.insert(0, Stop(BEFORE, m.at))
            ordered[0].moods.append(m)
    return ordered


def duration(seconds: int) -> str:
    if seconds < 60:
        return _("under a minute")
    minutes = seconds // 60
    if minutes < 60:
        return _("{minutes}m").format(minutes=minutes)
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return _("{hours}h {minutes}m").format(hours=hours, minutes=f"{minutes:02d}")
    return _("{days}d {hours}h").format(days=hours // 24, hours=hours % 24)
