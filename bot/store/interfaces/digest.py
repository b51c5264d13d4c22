"""The weekly digest's reads by time window, and the figures of finished weeks, kept."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

# The digest's window reads: name -> the fields of each tuple, in order. "In the window"
# means the time named first falls in [lo, hi).
WINDOW_READS = {
    "resolved": "opened_at, resolved_at, number of ownership periods, first mood level, "
                "last mood level, number of moods: one per case resolved in the window",
    "help": "requested at, when the first person other than the asker joined at or after it "
            "(None if nobody did): one per help request",
    "handoffs": "state, offered, stalled (waited longer than the limit, to its decision or "
                "to now), the earliest undecided offer not stalled yet (None if none): "
                "one per state",
    "thanks": "at, from_id, to_id, what, case ref (None without a case), in time order",
    "promises": "kept on time, kept late, broken (open and due before now), open, the "
                "earliest due time at or after now of those open (None if none): one row",
    "touchpoints": "case_id, function: one per touchpoint",
    "frictions": "process, how: newest first",
    "decisions": "risk, outcome: one per decision taken",
    "lifecycle": "kind ('cancelled' or 'reopened'): one per case cancelled or reopened",
    "nudges": "kind: one per nudge sent",
    "suggestions": "suggested_at, taken_at: one per case the skill rules suggested skills for",
    "sla_breaches": "policy, target: one per SLA breach due in the window (no person)",
}

# The "resolved", "help" and "touchpoints" reads shaped for the digest's figures
# (bot/store/digest_spreads.py), what `window` gives in their place when it is given the
# week's day bounds. Spreads are by
# nearest rank: the values at ranks ceil(n/2) and ceil(0.9 n), None when n = 0.
CONNECT_LIMITS_S = (300, 900, 3600, 14400, 86400)
SHAPED_READS = {
    "resolved_figures": "one row: cases resolved in the window (n), the median and p90 of their "
                        "seconds from opened to resolved, then how many were resolved before "
                        "each of the six inner day bounds",
    "resolved_kinds": "ownership periods, first mood level, last mood level, readings (0, 1, or "
                      "2 for more), cases: one per kind of resolved case, in no order",
    "help_figures": "one row: help requests, answered ones (someone other than the asker "
                    "joined), the median and p90 of the answered ones' seconds to that join, "
                    "then how many of those waited less than each of CONNECT_LIMITS_S",
    "touchpoints_by_function": "function, touchpoints, the set of its cases' ids (as text, "
                               "the same on both stores): one per function touched in the "
                               "window, in no order",
}


@dataclass(frozen=True)
class WindowAsk:
    """One window of `DigestReads.windows`: `window`'s arguments."""

    lo: str
    hi: str
    now: str | None = None
    stalled_after_s: int = 0
    day_bounds: Sequence[str] = ()
    open_at: str | None = None


class DigestReads(Protocol):
    """Reads by time window for the weekly digest: plain tuples, as the digest reads tens of
    thousands of rows per week at scale. Windows are half-open [lo, hi)."""

    def window(self, lo: str, hi: str, now: str | None = None, stalled_after_s: int = 0,
               day_bounds: Sequence[str] = (), open_at: str | None = None
               ) -> dict[str, list[tuple[Any, ...]]]:
        """Every read of WINDOW_READS by its name: what became of things as of `now` (`hi`
        if None), a handoff stalled once undecided for more than `stalled_after_s`; with
        `day_bounds` (the window's day bounds, lo first, hi last), SHAPED_READS in place of
        "resolved", "help" and "touchpoints", and "opened": (cases opened,) between each
        pair of bounds; with `open_at`, also "open_at": [(`open_cases_at(open_at)`,)] and
        "names": the (id, name) pairs of `people_names()` (PostgreSQL: all in one round
        trip)."""
    def windows(self, asks: Sequence[WindowAsk]) -> Iterator[dict[str, list[tuple[Any, ...]]]]:
        """`window` of each ask, in order, all from one snapshot where the store has them
        (PostgreSQL: one pipeline, its server reading the next window while this process
        loads the rows of the one before); SQLite reads each when it is asked for,
        so that one window's rows at a time are held."""
    def opened_per_day(self, bounds: Sequence[str]) -> list[int]: ...
    def open_cases_at(self, at: str) -> int: ...
    def people_names(self) -> dict[str, str]: ...


@dataclass(frozen=True)
class KeptDigest:
    figures: dict[str, Any]
    valid_until: str | None  # the figures change by time alone then (a promise falls due)
    computed_at: str


class DigestKept(Protocol):
    """A finished week's digest figures, computed once and kept. `lo`..`hi` is the span the
    figures read; whatever lands in a kept span later drops it (`forget`)."""

    def get(self, week: str, tz: str) -> KeptDigest | None: ...
    def high_water(self) -> int:
        """The newest timeline event's id (0 when none): read before figures are computed,
        it is the `since` of `keep`."""
    def keep(self, week: str, tz: str, lo: str, hi: str, kept: KeptDigest,
             since: int | None = None) -> bool:
        """Keep the figures, unless an event that would have dropped them (see `forget`)
        landed after `since`: they were computed on a snapshot that missed it. Call it in a
        transaction, so that no such event can land between the check and the write.
        True when kept."""
    def forget(self, lo: str, hi: str) -> int:
        """Drop the kept figures whose span meets [lo, hi]; how many."""
