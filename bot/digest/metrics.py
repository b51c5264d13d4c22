"""The digest's figures for one ISO week and the week before, computed from the store.

Definitions (docs/digest.md, "What the figures mean", has them for managers): each figure
follows what *started* in the week (a case opened, a help request, an offer, a promise, a
decision) to what became of it as of `now`, except where a figure says "at week end" or is
attributed to the week something ended in (resolutions, and everything about resolved
cases).
"""

from __future__ import annotations

import asyncio
import gc
import logging
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta
from itertools import chain
from operator import itemgetter, sub
from typing import Any

from bot.digest import counted, kept
from bot.digest.functions import functions
from bot.digest.weeks import Week
from bot.domain import DECISION_OUTCOMES, MOODS, RISKS, iso
from bot.people import OPEN, plain_data
from bot.services.erasure import REDACTED
from bot.store import Store
from bot.store.interfaces.digest import CONNECT_LIMITS_S, WindowAsk

log = logging.getLogger("swarmbot.digest")

STALLED_AFTER_S = 4 * 3600
QUOTES_PER_PROCESS = 5
CONNECT_BUCKETS = ((300, "< 5 min"), (900, "5-15 min"), (3600, "15-60 min"), (14400, "1-4 h"),
                   (86400, "4-24 h"), (None, "> 1 day"))
assert tuple(limit for limit, _ in CONNECT_BUCKETS if limit is not None) == CONNECT_LIMITS_S
_MOOD_RANK = {m: i for i, m in enumerate(MOODS)}
Rows = dict[str, list[tuple[Any, ...]]]


def seconds_between(a: str, b: str) -> int:
    """Seconds from ISO UTC time `a` to `b` (both as the store writes them, ending in Z)."""
    return int((_parse(b) - _parse(a)).total_seconds())


_parse = datetime.fromisoformat  # Python 3.11 reads the trailing Z itself, and fastest so
_first = itemgetter(0)


def _seconds(starts: Iterable[str], ends: Iterable[str]) -> list[int]:
    """`seconds_between` of each pair, in C's loops (map): the digest takes thousands."""
    return list(map(int, map(timedelta.total_seconds,
                             map(sub, map(_parse, ends), map(_parse, starts)))))


def spread(values: list[int]) -> dict[str, int | None]:
    """Median and p90 by nearest rank: the values at ranks ceil(n/2) and ceil(0.9 n)."""
    if not values:
        return {"median_s": None, "p90_s": None, "n": 0}
    v = sorted(values)
    n = len(v)
    return {"median_s": v[(n + 1) // 2 - 1], "p90_s": v[(9 * n + 9) // 10 - 1], "n": n}


def compute_digest(store: Store, week: Week, now: datetime) -> dict[str, Any]:
    return compute_digest_until(store, week, now)[0]


def compute_digest_until(store: Store, week: Week, now: datetime
                         ) -> tuple[dict[str, Any], str | None]:
    """The figures, and when they next change by time alone (a promise falls due, a pending
    handoff counts as stalled), or None: until then only a write can change them."""
    # The digest makes a few hundred thousand short-lived tuples and no reference cycles;
    # pausing the cycle collector meanwhile saves about a sixth of its time at scale.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _compute(store, week, now)
    finally:
        if paused:
            gc.enable()


def _compute(store: Store, week: Week, now: datetime) -> tuple[dict[str, Any], str | None]:
    previous = week.previous()
    now_s = iso(now)
    # Both weeks are asked for at once, so that a store that can reads them in one snapshot
    # (PostgreSQL: the two weeks side by side, on two connections sharing it). SQLite reads
    # each week when it is asked for: one week's rows at a time, let go once its figures are
    # made, as the rows are most of its digest's memory.
    weeks = store.digest.windows([
        WindowAsk(iso(week.start), iso(week.end), now_s, STALLED_AFTER_S, week.day_bounds(),
                  open_at=iso(week.start)),
        WindowAsk(iso(previous.start), iso(previous.end), now_s, STALLED_AFTER_S,
                  previous.day_bounds())])
    this = next(weeks)
    names: dict[str, str] = dict(this["names"])
    # Open at the end of the week before, counted; a week adds what it opened and takes
    # away what it resolved (resolution never precedes opening).
    open_before = this["open_at"][0][0]
    opened = sum(n for n, in this["opened"])
    closed = this["resolved_figures"][0][0] + sum(1 for k, in this["lifecycle"]
                                                  if k == "cancelled")
    digest = figures(week, this, now, open_before + opened - closed, names)
    changes = counted.changes_by_time(this, STALLED_AFTER_S)
    del this
    before = next(weeks)
    digest["previous"] = figures(previous, before, now, open_before, names)
    return digest, min(changes + counted.changes_by_time(before, STALLED_AFTER_S), default=None)


def figures(week: Week, rows: Rows, now: datetime, open_at_end: int,
            names: dict[str, str]) -> dict[str, Any]:
    now_s = iso(now)
    resolved = rows["resolved_figures"][0]  # n, median, p90, resolved before each inner day
    out: dict[str, Any] = {
        "week": week.label, "timezone": week.tz, "start": iso(week.start), "end": iso(week.end),
        "as_of": now_s,
        "opened": sum(n for n, in rows["opened"]),
        "resolved": resolved[0],
        "open_at_end": open_at_end,
        "per_day": _per_day(week, rows),
        "time_to_resolution": _ranked(*resolved[:3]),
    }
    out.update(_connect(rows["help_figures"][0]))
    out["handoffs"] = counted.handoffs(rows["handoffs"])
    out["owners_per_resolved_case"] = _owners(rows["resolved_kinds"])
    out.update(_moods(rows["resolved_kinds"]))
    out["recognition"] = _recognition(rows["thanks"], names)
    out["promises"] = counted.promises(rows["promises"])
    # People named in quoted words (thanks, friction, function names) are shown as @id, not
    # as tokens: plain_data on the only parts that hold words from the store.
    out.update(plain_data(functions(rows["touchpoints_by_function"])))
    out["friction"] = plain_data(_friction(rows["frictions"]))
    out["decisions"] = _decisions(rows["decisions"])
    out.update(_lifecycle(rows))
    return out


def _recognition(rows: list[tuple[Any, ...]], names: dict[str, str]) -> list[dict[str, Any]]:
    out = [{"to": names.get(to_id, to_id), "from": names.get(from_id, from_id), "for": what,
            "case": ref, "to_id": to_id, "from_id": from_id, "at": at}
           for at, from_id, to_id, what, ref in rows]
    # A token is rare (a mention in the words of thanks): one look over every string first.
    if OPEN in "".join(map(str, chain(names.values(), chain.from_iterable(rows)))):
        return plain_data(out)
    return out


def _lifecycle(rows: Rows) -> dict[str, Any]:
    """Cancelled cases apart from resolved ones, reopened cases, and nudges sent by kind."""
    kinds = [k for k, in rows.get("lifecycle", [])]
    nudges: dict[str, int] = {}
    for k, in rows.get("nudges", []):
        nudges[k] = nudges.get(k, 0) + 1
    suggested = rows.get("suggestions", [])
    # SLA breaches due in the week, per policy and target: never per agent (docs/sla.md).
    breaches: dict[str, dict[str, int]] = {}
    for policy, target in rows.get("sla_breaches", []):
        per = breaches.setdefault(policy, {})
        per[target] = per.get(target, 0) + 1
    return {"cancelled": kinds.count("cancelled"), "reopened": kinds.count("reopened"),
            "nudges": dict(sorted(nudges.items())),
            "sla_breaches": {k: dict(sorted(v.items())) for k, v in sorted(breaches.items())},
            # Counts only (issue 26): cases the skill rules suggested skills for, and of
            # those, how many owners took the suggestion (asked triage with it).
            "skill_suggestions": {"made": len(suggested),
                                  "taken": sum(1 for _, taken in suggested if taken)}}


def _ranked(n: int, median: int | None, p90: int | None) -> dict[str, int | None]:
    """`spread`'s figures from the store's nearest ranks (SHAPED_READS)."""
    return {"median_s": median, "p90_s": p90, "n": n}


def _between(below: Iterable[int], n: int) -> list[int]:
    """How many fall between consecutive bounds, from how many fall below each (of n)."""
    cut = [0, *below, n]
    return list(map(sub, cut[1:], cut[:-1]))


def _per_day(week: Week, rows: Rows) -> list[dict[str, Any]]:
    n, _, _, *below = rows["resolved_figures"][0]
    resolved = _between(below, n)
    return [{"date": day.isoformat(), "opened": rows["opened"][i][0], "resolved": resolved[i]}
            for i, day in enumerate(week.days())]


def _connect(figures: tuple[Any, ...]) -> dict[str, Any]:
    """From SHAPED_READS "help_figures": requests, answered, median, p90, below each limit."""
    requests, answered, median, p90, *below = figures
    buckets = _between(below, answered)
    unanswered = requests - answered
    return {"time_to_connect": _ranked(answered, median, p90), "help_requests": requests,
            "unanswered": unanswered,
            "connect_distribution": [{"bucket": label, "requests": buckets[i]}
                                     for i, (_, label) in enumerate(CONNECT_BUCKETS)]
            + [{"bucket": "unanswered", "requests": unanswered}]}


def _owners(kinds: list[tuple[Any, ...]]) -> dict[str, Any]:
    """From SHAPED_READS "resolved_kinds" (owners, first, last, readings, cases)."""
    per: Counter[int] = Counter()  # a few distinct counts: the sums below go over those
    for owners, _, _, _, k in kinds:
        per[owners] += k
    cases = sum(per.values())
    return {"mean": round(sum(n * k for n, k in per.items()) / cases, 2) if cases else None,
            "max": max((n for n, k in per.items() if k), default=None), "cases": cases,
            "passed_around": sum(k for n, k in per.items() if n > 1),
            "distribution": {"1": per[1], "2": per[2],
                             "3+": sum(k for n, k in per.items() if n >= 3)}}


def _moods(kinds: list[tuple[Any, ...]]) -> dict[str, Any]:
    """From SHAPED_READS "resolved_kinds": readings 0, 1 or 2 (more than one)."""
    shift = {"improved": 0, "same": 0, "worse": 0}
    last_mood: Counter[str] = Counter()
    for _, first, last, readings, n in kinds:  # a few dozen kinds a week
        if not readings:
            continue
        last_mood[last] += n
        if readings > 1:
            a, b = _MOOD_RANK[first], _MOOD_RANK[last]
            shift["improved" if b > a else "worse" if b < a else "same"] += n
    return {"mood_shift": shift, "last_mood": {m: last_mood[m] for m in MOODS},
            "cases_with_mood": sum(last_mood.values())}


def _friction(rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    reports: Counter[str] = Counter()
    quotes: dict[str, list[str]] = defaultdict(list)
    for process, how in rows:  # newest first, so the quotes are the latest words
        reports[process] += 1
        # Redacted reports still count; "[erased]" is not quoted as anyone's words.
        if how is not None and how != REDACTED and how not in quotes[process] \
                and len(quotes[process]) < QUOTES_PER_PROCESS:
            quotes[process].append(how)
    return [{"process": p, "reports": n, "quotes": quotes[p]}
            for p, n in sorted(reports.items(), key=lambda kv: (-kv[1], kv[0]))]


def _decisions(rows: list[tuple[Any, ...]]) -> dict[str, Any]:
    risk = Counter(r for r, _ in rows)
    outcome = Counter(o or "pending" for _, o in rows)
    return {"taken": len(rows), "by_risk": {r: risk[r] for r in RISKS},
            "by_outcome": {o: outcome[o] for o in (*DECISION_OUTCOMES, "pending")}}


def digest_for(store: Store, week: Week, now: datetime) -> dict[str, Any]:
    """The figures as the command, the page and the scheduler show them: a finished week's
    from what was kept (bot/digest/kept.py) when it still holds, else computed and kept."""
    found = kept.fresh(store, week, now)
    if found is not None:
        return found
    # Said before it starts: a big week takes a while (and operators can see it did).
    log.info("digest %s: computing it from the store", week.label)
    since = store.digest_kept.high_water()
    digest, until = compute_digest_until(store, week, now)
    kept.keep(store, week, now, digest, until, since)
    return digest


async def compute_digest_off_loop(store: Store, week: Week, now: datetime) -> dict[str, Any]:
    """`digest_for` on a thread (its own store connection, outside any write transaction):
    a big week takes a few hundred milliseconds (docs/performance.md), which the event loop
    answering Slack and Teams must not wait for."""
    return await asyncio.to_thread(digest_for, store, week, now)
