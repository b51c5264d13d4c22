"""Issue 28: the digest's "resolved" and "help" reads shaped by the store (SHAPED_READS,
bot/store/digest_spreads.py) give the figures the row-per-case reads gave, on both stores:
the figures computed here the old way (this file's copy of the code the digest ran before,
over `window(lo, hi)`'s plain rows) equal the digest's, over varied weeks: durations with
ties, 0, 1, 2, 10, 70 and 71 cases and help requests (nearest ranks where a float fraction
would pick the wrong one), cases with no mood, one mood, many moods, many owners, cancelled
and reopened cases, joins by the asker, weeks crossing a daylight-saving change, and a
workspace's digest beside the operator's. m055's kept seconds equal the times' difference
after every step of a random walk over cases."""

from __future__ import annotations

import random
from bisect import bisect_right
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import pytest

from bot.digest.metrics import CONNECT_BUCKETS, compute_digest, seconds_between, spread
from bot.digest.weeks import Week, parse_week
from bot.domain import MOODS, CaseStatus, iso
from bot.store import Store
from tests.store.conftest import in_workspace, open_case, select_rows
from tests.store.test_digest_case_summary import MOVES, PEOPLE, TIMES, step

_LIMITS = [limit for limit, _ in CONNECT_BUCKETS if limit is not None]
_RANK = {m: i for i, m in enumerate(MOODS)}
# Waits on each side of every connect bucket's limit, and ties.
WAITS = (0, 1, 299, 300, 300, 899, 900, 3599, 3600, 14399, 14400, 86399, 86400, 200000)
AFTER = datetime.fromisoformat("2026-12-01T00:00:00+00:00")


def old_figures(week: Week, rows: dict[str, list[tuple[Any, ...]]]) -> dict[str, Any]:
    """The figures of "resolved" and "help" as bot/digest/metrics.py made them from the
    plain rows before issue 28's shaped reads (its code, unchanged but for names)."""
    resolved, help_rows = rows["resolved"], rows["help"]
    bounds = week.day_bounds()
    per_day = Counter(bisect_right(bounds, r[1]) for r in resolved)
    answered = [r for r in help_rows if r[1]]
    waits = [seconds_between(a, b) for a, b in answered]
    buckets = Counter(bisect_right(_LIMITS, w) for w in waits)
    unanswered = len(help_rows) - len(waits)
    counts = [r[2] for r in resolved]
    per = Counter(counts)
    shift = {"improved": 0, "same": 0, "worse": 0}
    last_mood: Counter[str] = Counter()
    for _, _, _, first, last, readings in resolved:
        if not readings:
            continue
        last_mood[last] += 1
        if readings > 1:
            a, b = _RANK[first], _RANK[last]
            shift["improved" if b > a else "worse" if b < a else "same"] += 1
    return {
        "resolved": len(resolved),
        "per_day": [per_day[i + 1] for i in range(7)],
        "time_to_resolution": spread([seconds_between(r[0], r[1]) for r in resolved]),
        "time_to_connect": spread(waits), "help_requests": len(help_rows),
        "unanswered": unanswered,
        "connect_distribution": [{"bucket": label, "requests": buckets[i]}
                                 for i, (_, label) in enumerate(CONNECT_BUCKETS)]
        + [{"bucket": "unanswered", "requests": unanswered}],
        "owners_per_resolved_case": {
            "mean": round(sum(counts) / len(counts), 2) if counts else None,
            "max": max(counts, default=None), "cases": len(counts),
            "passed_around": sum(k for n, k in per.items() if n > 1),
            "distribution": {"1": per[1], "2": per[2],
                             "3+": sum(k for n, k in per.items() if n >= 3)}},
        "mood_shift": shift, "last_mood": {m: last_mood[m] for m in MOODS},
        "cases_with_mood": sum(last_mood.values()),
    }


def new_figures(digest: dict[str, Any]) -> dict[str, Any]:
    """The same figures from the digest as it is computed now (shaped reads)."""
    out = {k: digest[k] for k in ("resolved", "time_to_resolution", "time_to_connect",
                                  "help_requests", "unanswered", "connect_distribution",
                                  "owners_per_resolved_case", "mood_shift", "last_mood",
                                  "cases_with_mood")}
    out["per_day"] = [d["resolved"] for d in digest["per_day"]]
    return out


def at(week: Week, rng: random.Random, spill: int = 0) -> datetime:
    """A time in the week (or up to `spill` hours either side), on a whole second; now and
    then exactly on a day bound."""
    if rng.random() < 0.1:
        return week.day_start(rng.randrange(0, 8))
    span = int((week.end - week.start).total_seconds()) + 2 * 3600 * spill
    return week.start - timedelta(hours=spill) + timedelta(seconds=rng.randrange(span))


def fill(store: Store, week: Week, rng: random.Random, n: int, workspace: str) -> None:
    """About `n` cases resolved and `n` help requests made in `week` (and some just
    outside it), of every kind the figures tell apart."""
    for person in PEOPLE:
        store.people.ensure(person, "slack", person.title(), None, iso(week.start))
    # Durations from a few values: ties.
    durations = [rng.choice((60, 3600, 3600, 7200, 86400, 90061)) for _ in range(3)]
    with in_workspace(workspace):
        for i in range(n + 3):
            resolved = at(week, rng, spill=6 if i >= n else 0)
            opened = resolved - timedelta(seconds=rng.choice(durations + [rng.randrange(1, 10**6)]))
            owner = rng.choice(PEOPLE)
            cid = open_case(store, f"ZD-{workspace}{n}-{i}", owner=owner, at=iso(opened))
            with store.transaction():
                for _ in range(rng.choice((0, 0, 1, 3))):  # more ownership periods
                    person = rng.choice(PEOPLE)
                    store.cases.end_owner(cid, iso(opened))
                    store.cases.add_owner(cid, person, iso(opened))
                for _ in range(rng.choice((0, 1, 1, 2, 5))):
                    store.journal.add_mood(cid, rng.choice(MOODS), None, owner,
                                           iso(opened + timedelta(seconds=rng.randrange(60))))
            kind = rng.random()
            if kind < 0.1:
                store.cases.close(cid, CaseStatus.CANCELLED, "duplicate", iso(resolved))
            elif kind < 0.2:  # resolved, reopened, resolved again at the time that counts
                store.cases.resolve(cid, "fixed", iso(opened))
                store.cases.reopen(cid)
                store.cases.resolve(cid, "fixed", iso(resolved))
            elif kind < 0.95:
                store.cases.resolve(cid, "fixed", iso(resolved))
            if i < n or i == n + 1:
                asked = at(week, rng, spill=6 if i >= n else 0)
                store.cases.add_help_request(cid, ["sso"], None, owner, iso(asked))
                choice = rng.random()
                if choice < 0.7:
                    joined = asked + timedelta(seconds=rng.choice(WAITS))
                    store.timeline.append(cid, iso(joined), "joined", "bob" if owner != "bob"
                                          else "cat", "joined")
                elif choice < 0.8:  # the asker's own join does not answer
                    store.timeline.append(cid, iso(asked + timedelta(seconds=5)), "joined",
                                          owner, "joined")


WEEKS = [("2026-W13", "Europe/Berlin"), ("2026-W10", "America/New_York"),
         ("2026-W44", "Europe/Berlin"), ("2026-W20", "Asia/Kathmandu"), ("2026-W20", "UTC")]


@pytest.mark.parametrize("n", [0, 1, 2, 10, 70, 71])
def test_the_shaped_reads_give_the_figures_the_plain_rows_gave(store: Store, n: int) -> None:
    rng = random.Random(n)
    label, tz = WEEKS[n % len(WEEKS)]
    week = parse_week(label, tz)
    fill(store, week, rng, n, "")
    fill(store, week, rng, max(n // 3, 1), "TB")  # a workspace's cases, counted by operators
    for workspace in ("", "TB"):
        with in_workspace(workspace):
            for shown in (week, week.previous()):
                plain = store.digest.window(iso(shown.start), iso(shown.end))
                digest = compute_digest(store, shown, AFTER)
                assert new_figures(digest) == old_figures(shown, plain), (workspace, shown)
    if n >= 10:  # the fill made what it says (the comparison above is not of empty weeks)
        digest = compute_digest(store, week, AFTER)
        assert digest["resolved"] >= n * 0.7 and digest["help_requests"] >= n


@pytest.mark.parametrize("tz", ["Europe/Berlin", "America/New_York"])
def test_a_week_crossing_a_daylight_saving_change_counts_each_local_day(
        store: Store, tz: str) -> None:
    """Cases resolved a second either side of each local midnight of a 167-hour week land
    on the local days they belong to."""
    week = parse_week("2026-W13" if tz == "Europe/Berlin" else "2026-W10", tz)
    assert week.end - week.start == timedelta(hours=167)
    i = 0
    for day in range(8):
        for side in (-1, 0):
            resolved = week.day_start(day) + timedelta(seconds=side)
            cid = open_case(store, f"ZD-{i}", at=iso(resolved - timedelta(hours=1)))
            store.cases.resolve(cid, "fixed", iso(resolved))
            i += 1
    digest = compute_digest(store, week, AFTER)
    assert [d["resolved"] for d in digest["per_day"]] == [2] * 7
    plain = store.digest.window(iso(week.start), iso(week.end))
    assert new_figures(digest) == old_figures(week, plain)


def test_seventy_durations_take_the_sixty_third_for_p90(store: Store) -> None:
    """ceil(0.9 * 70) = 63 by integer arithmetic; 0.9 * 70 in floating point is just over
    63, and a float rank would take the 64th."""
    week = parse_week("2026-W47", "UTC")
    for i in range(70):
        cid = open_case(store, f"ZD-{i}", at=iso(week.start))
        store.cases.resolve(cid, "fixed", iso(week.start + timedelta(seconds=i + 1)))
    figures = compute_digest(store, week, AFTER)["time_to_resolution"]
    assert figures == {"median_s": 35, "p90_s": 63, "n": 70}


@pytest.mark.parametrize("seed", range(2))
def test_the_kept_seconds_follow_every_change(store: Store, seed: int) -> None:
    """m055: after each step of a random walk (handoffs, moods, joins, help requests,
    resolve, cancel, reopen, erasure ...), each kept duration and wait is the seconds
    between the times it comes from (None where one is missing)."""
    rng = random.Random(seed)
    for person in PEOPLE:
        store.people.ensure(person, "slack", person.title(), None, TIMES[0])
    cases = [open_case(store, f"ZD-{i}", owner=rng.choice(PEOPLE), at=rng.choice(TIMES))
             for i in range(3)]
    for _ in range(80):
        step(store, rng, rng.choice([m for m in MOVES if m != "rollback"]), rng.choice(cases))
        for table, a, b, kept in (("case_digest", "opened_at", "resolved_at", "duration_s"),
                                  ("help_requests", "at", "first_join", "wait_s")):
            for start, end, seconds in select_rows(
                    store, f"SELECT {a}, {b}, {kept} FROM {table}"):
                assert seconds == (seconds_between(start, end) if end else None), table
