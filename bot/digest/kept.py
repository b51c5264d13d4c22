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
         valid_until: str | None, since: int | None = None) -> bool:
    """Keep a finished week's figures (the week before is in them, so its span is too).

    `since`: the timeline's high-water mark read before they were computed. Figures
    computed off the writer (on a reader's snapshot, in a thread) can miss an event that
    lands meanwhile; its own transaction found nothing kept to drop, so they are not kept
    either (checked in the transaction that would keep them). True when kept.
    On SQLite writers take turns, so this closes the race. On PostgreSQL with several
    replicas a sequence gives ids in the order transactions start, not commit: an event
    committing just after `since` was read with an older id is missed (a narrow window
    left; closing it needs a lock on the week)."""
    if not finished(week, now):
        return False
    with store.transaction():
        return store.digest_kept.keep(week.label, week.tz, iso(week.previous().start),
                                      iso(week.end), KeptDigest(figures, valid_until, iso(now)),
                                      since=since)
