"""The digest's figures for one ISO week and the week before, computed from the store.

Definitions (DIGEST.md has them for managers): each figure follows what *started* in the
week (a case opened, a help request, an offer, a promise, a decision) to what became of it
as of `now`, except where a figure says "at week end" or is attributed to the week something
ended in (resolutions, and everything about resolved cases).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter, defaultdict
from datetime import datetime
from itertools import combinations
from typing import Any

from bot.digest.weeks import Week
from bot.domain import DECISION_OUTCOMES, MOODS, RISKS, iso
from bot.store import Store

STALLED_AFTER_S = 4 * 3600
QUOTES_PER_PROCESS = 5
CONNECT_BUCKETS = ((300, "< 5 min"), (900, "5-15 min"), (3600, "15-60 min"), (14400, "1-4 h"),
                   (86400, "4-24 h"), (None, "> 1 day"))
# Which column of each window query holds the time that places a row in a week.
_TIME_COLUMN = {"opened": 0, "resolved": 2, "owners": 0, "moods": 1, "help": 0, "handoffs": 0,
                "thanks": 0, "promises": 0, "touchpoints": 0, "frictions": 0, "decisions": 0}
_MOOD_RANK = {m: i for i, m in enumerate(MOODS)}


def seconds_between(a: str, b: str) -> int:
    """Seconds from ISO UTC time `a` to `b` (both as the store writes them)."""
    return int((datetime.fromisoformat(b[:19]) - datetime.fromisoformat(a[:19])).total_seconds())


def spread(values: list[int]) -> dict[str, int | None]:
    """Median and p90 by nearest rank: the values at ranks ceil(n/2) and ceil(0.9 n)."""
    if not values:
        return {"median_s": None, "p90_s": None, "n": 0}
    v = sorted(values)
    n = len(v)
    return {"median_s": v[(n + 1) // 2 - 1], "p90_s": v[(9 * n + 9) // 10 - 1], "n": n}


def compute_digest(store: Store, week: Week, now: datetime) -> dict[str, Any]:
    previous = week.previous()
    mid = iso(week.start)
    rows = {q: store.digest_rows(q, iso(previous.start), iso(week.end)) for q in _TIME_COLUMN}
    this: dict[str, list[tuple[Any, ...]]] = {}
    before: dict[str, list[tuple[Any, ...]]] = {}
    for q, found in rows.items():
        col = _TIME_COLUMN[q]
        this[q] = [r for r in found if r[col] >= mid]
        before[q] = [r for r in found if r[col] < mid]
    digest = figures(store, week, this, now)
    digest["previous"] = figures(store, previous, before, now)
    return digest


def figures(store: Store, week: Week, rows: dict[str, list[tuple[Any, ...]]],
            now: datetime) -> dict[str, Any]:
    now_s = iso(now)
    end = iso(week.end)
    out: dict[str, Any] = {
        "week": week.label, "timezone": week.tz, "start": iso(week.start), "end": end,
        "as_of": now_s,
        "opened": len(rows["opened"]),
        "resolved": len(rows["resolved"]),
        # Resolution never precedes opening, so this reads two indexes and no case row.
        "open_at_end": store.cases_before("opened_at", end) - store.cases_before("resolved_at",
                                                                                 end),
        "per_day": _per_day(week, rows),
        "time_to_resolution": spread([seconds_between(o, r) for _, o, r in rows["resolved"]]),
    }
    out.update(_connect(rows["help"]))
    out["handoffs"] = _handoffs(rows["handoffs"], now_s)
    out["owners_per_resolved_case"] = _owners(rows["owners"])
    out.update(_moods(rows["moods"]))
    out["recognition"] = [{"to": to_name, "from": from_name, "for": what, "case": ref,
                           "to_id": to_id, "from_id": from_id, "at": at}
                          for at, from_id, from_name, to_id, to_name, what, ref
                          in rows["thanks"]]
    out["promises"] = _promises(rows["promises"], now_s)
    out.update(_functions(rows["touchpoints"]))
    out["friction"] = _friction(rows["frictions"])
    out["decisions"] = _decisions(rows["decisions"])
    return out


def _per_day(week: Week, rows: dict[str, list[tuple[Any, ...]]]) -> list[dict[str, Any]]:
    bounds = week.day_bounds()
    opened = Counter(bisect_right(bounds, r[0]) - 1 for r in rows["opened"])
    resolved = Counter(bisect_right(bounds, r[2]) - 1 for r in rows["resolved"])
    return [{"date": day.isoformat(), "opened": opened[i], "resolved": resolved[i]}
            for i, day in enumerate(week.days())]


def _connect(help_rows: list[tuple[Any, ...]]) -> dict[str, Any]:
    waits = [seconds_between(asked, joined) for asked, joined in help_rows if joined]
    buckets = Counter()
    for w in waits:
        buckets[next(label for limit, label in CONNECT_BUCKETS if limit is None or w < limit)] += 1
    unanswered = len(help_rows) - len(waits)
    return {"time_to_connect": spread(waits), "help_requests": len(help_rows),
            "unanswered": unanswered,
            "connect_distribution": [{"bucket": label, "requests": buckets[label]}
                                     for _, label in CONNECT_BUCKETS]
            + [{"bucket": "unanswered", "requests": unanswered}]}


def _handoffs(rows: list[tuple[Any, ...]], now_s: str) -> dict[str, int]:
    states = Counter(state for _, state, _ in rows)
    stalled = sum(1 for asked, _, decided in rows
                  if seconds_between(asked, decided or now_s) > STALLED_AFTER_S)
    return {"offered": len(rows), "accepted": states["accepted"], "declined": states["declined"],
            "withdrawn": states["withdrawn"], "pending": states["pending"], "stalled": stalled}


def _owners(rows: list[tuple[Any, ...]]) -> dict[str, Any]:
    counts = [n for _, n in rows]
    dist = Counter(min(n, 3) for n in counts)
    return {"mean": round(sum(counts) / len(counts), 2) if counts else None,
            "max": max(counts, default=None), "cases": len(counts),
            "passed_around": sum(1 for n in counts if n > 1),
            "distribution": {"1": dist[1], "2": dist[2], "3+": dist[3]}}


def _moods(rows: list[tuple[Any, ...]]) -> dict[str, Any]:
    by_case: dict[int, list[str]] = defaultdict(list)
    for case_id, _, level in rows:
        by_case[case_id].append(level)
    shift = {"improved": 0, "same": 0, "worse": 0}
    for levels in by_case.values():
        if len(levels) < 2:
            continue
        first, last = _MOOD_RANK[levels[0]], _MOOD_RANK[levels[-1]]
        shift["improved" if last > first else "worse" if last < first else "same"] += 1
    last_mood = Counter(levels[-1] for levels in by_case.values())
    return {"mood_shift": shift, "last_mood": {m: last_mood[m] for m in MOODS},
            "cases_with_mood": len(by_case)}


def _promises(rows: list[tuple[Any, ...]], now_s: str) -> dict[str, int]:
    out = {"kept": 0, "late": 0, "broken": 0, "open": 0}
    for _, due, kept_at in rows:
        if kept_at:
            out["kept" if kept_at <= due else "late"] += 1
        else:
            out["broken" if due < now_s else "open"] += 1
    return out


def _functions(rows: list[tuple[Any, ...]]) -> dict[str, Any]:
    per_case: dict[int, set[str]] = defaultdict(set)
    touches = Counter()
    for _, case_id, function in rows:
        per_case[case_id].add(function)
        touches[case_id] += 1
    pulled = Counter(f for fs in per_case.values() for f in fs)
    pairs = Counter(pair for fs in per_case.values() for pair in combinations(sorted(fs), 2))
    n = len(per_case)
    return {
        "functions": [{"function": f, "swarms": c}
                      for f, c in sorted(pulled.items(), key=lambda kv: (-kv[1], kv[0]))],
        "function_pairs": [{"functions": list(p), "swarms": c}
                           for p, c in sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0]))],
        "touchpoints": {"total": len(rows), "cases": n,
                        "per_case": round(len(rows) / n, 2) if n else None,
                        "cases_3plus_functions": sum(1 for fs in per_case.values()
                                                     if len(fs) >= 3)},
    }


def _friction(rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    reports: Counter[str] = Counter()
    quotes: dict[str, list[str]] = defaultdict(list)
    for _, process, how in rows:  # newest first, so the quotes are the latest words
        reports[process] += 1
        if how not in quotes[process] and len(quotes[process]) < QUOTES_PER_PROCESS:
            quotes[process].append(how)
    return [{"process": p, "reports": n, "quotes": quotes[p]}
            for p, n in sorted(reports.items(), key=lambda kv: (-kv[1], kv[0]))]


def _decisions(rows: list[tuple[Any, ...]]) -> dict[str, Any]:
    risk = Counter(r for _, r, _ in rows)
    outcome = Counter(o or "pending" for _, _, o in rows)
    return {"taken": len(rows), "by_risk": {r: risk[r] for r in RISKS},
            "by_outcome": {o: outcome[o] for o in (*DECISION_OUTCOMES, "pending")}}
