"""The digest's handoff and promise figures from the store's counts (WINDOW_READS
"handoffs" and "promises", counted by SQL against `now`), and when they next change by
time alone."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot.domain import iso

Rows = dict[str, list[tuple[Any, ...]]]


def handoffs(rows: list[tuple[Any, ...]]) -> dict[str, int]:
    """offered, per state, and stalled: (state, offered, stalled, _) rows, one per state."""
    states = {state: n for state, n, _, _ in rows}
    return {"offered": sum(states.values()), "accepted": states.get("accepted", 0),
            "declined": states.get("declined", 0), "withdrawn": states.get("withdrawn", 0),
            "pending": states.get("pending", 0),
            "stalled": sum(stalled for _, _, stalled, _ in rows)}


def promises(rows: list[tuple[Any, ...]]) -> dict[str, int]:
    kept, late, broken, still_open = rows[0][:4] if rows else (0, 0, 0, 0)
    return {"kept": kept, "late": late, "broken": broken, "open": still_open}


def changes_by_time(rows: Rows, stalled_after_s: int) -> list[str]:
    """When figures of these rows change with no write: the earliest open promise turns
    broken after its due time, the earliest undecided handoff not stalled yet turns stalled
    `stalled_after_s` after it was offered."""
    out = [due for *_, due in rows["promises"] if due is not None]
    asked = [first for *_, first in rows["handoffs"] if first is not None]
    if asked:
        out.append(iso(datetime.fromisoformat(min(asked)) + timedelta(seconds=stalled_after_s)))
    return out
