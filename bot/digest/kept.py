"""A finished week's digest, computed once and kept (issue 15).

A week that is over changes only when something lands in it late or when an outcome is
recorded for something it started (a decision's outcome, a kept promise, a late join): the
store drops kept figures whenever such a write happens (bot/store/timeline.py, in the
writer's transaction). The figures that change by time alone (a promise falls due, a
handoff stalls) carry the time they do (`valid_until`) and are computed again after it.
The week still running is never kept.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.digest.weeks import Week
from bot.domain import iso
from bot.store import Store
from bot.store.interfaces import KeptDigest


def finished(week: Week, now: datetime) -> bool:
    return week.end <= now


def fresh(store: Store, week: Week, now: datetime) -> dict[str, Any] | None:
    """The kept figures of a finished week if they still hold at `now`, shown as of now."""
    if not finished(week, now):
        return None
    kept = store.digest_kept.get(week.label, week.tz)
    now_s = iso(now)
    if kept is None or (kept.valid_until is not None and now_s >= kept.valid_until):
        return None
    # Nothing they count has changed since (else the row would be gone): as of now, too.
    figures = kept.figures
    figures["as_of"] = now_s
    if isinstance(figures.get("previous"), dict):
        figures["previous"]["as_of"] = now_s
    return figures


def keep(store: Store, week: Week, now: datetime, figures: dict[str, Any],
         valid_until: str | None) -> None:
    """Keep a finished week's figures (the week before is in them, so its span is too)."""
    if not finished(week, now):
        return
    with store.transaction():
        store.digest_kept.keep(week.label, week.tz, iso(week.previous().start), iso(week.end),
                               KeptDigest(figures, valid_until, iso(now)))
