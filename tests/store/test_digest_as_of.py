"""The digest's handoff, promise, function and recognition figures, and when they next change
by time alone, from the store's counted reads (bot/store/digest_as_of.py) and the names and
open cases read with the week's window, equal the figures the digest made before from one
row per handoff and promise and every person's name (the old way, kept here), on both
stores: random weeks with few functions and more than MOST_FUNCTIONS_BY_SET, cases with one
touchpoint, promises kept on time, late, broken and open around `now` (due at `now` to the
second), handoffs decided 4 h +- 1 s after their offer and pending ones that stall before
and after `now`; for the operator and for a workspace's (tenant's) digest."""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import pytest

from bot.digest.functions import MOST_FUNCTIONS_BY_SET
from bot.digest.metrics import STALLED_AFTER_S, _recognition, _seconds, compute_digest_until
from bot.digest.weeks import parse_week
from bot.domain import HandoffState, iso
from bot.people import mention
from bot.store import Store
from tests.digest.test_functions import case_by_case
from tests.store.conftest import in_workspace, open_case, select_rows

WEEK = parse_week("2026-W47", "UTC")
NOW_MID = datetime.fromisoformat("2026-11-19T12:00:00+00:00")  # in the week
NOW_AFTER = datetime.fromisoformat("2026-11-25T08:30:00+00:00")  # after it
STATES = (HandoffState.ACCEPTED, HandoffState.DECLINED, HandoffState.WITHDRAWN)
_CASES = " AND case_id IN (SELECT id FROM cases WHERE workspace = ?)"
OLD = {"handoffs": "SELECT requested_at, state, decided_at FROM handoffs "
                   "WHERE requested_at >= ? AND requested_at < ?",
       "promises": "SELECT made_at, due, kept_at FROM promises WHERE made_at >= ? AND made_at < ?",
       "touchpoints": "SELECT case_id, function FROM touchpoints WHERE at >= ? AND at < ?"}


def old_handoffs(rows: list[tuple[Any, ...]], now_s: str) -> dict[str, int]:
    states = Counter(state for _, state, _ in rows)
    waited = _seconds([r[0] for r in rows], [decided or now_s for _, _, decided in rows])
    stalled = sum(map(STALLED_AFTER_S.__lt__, waited))
    return {"offered": len(rows), "accepted": states["accepted"], "declined": states["declined"],
            "withdrawn": states["withdrawn"], "pending": states["pending"], "stalled": stalled}


def old_promises(rows: list[tuple[Any, ...]], now_s: str) -> dict[str, int]:
    out = {"kept": 0, "late": 0, "broken": 0, "open": 0}
    for _, due, kept_at in rows:
        if kept_at:
            out["kept" if kept_at <= due else "late"] += 1
        else:
            out["broken" if due < now_s else "open"] += 1
    return out


def old_changes(rows: dict[str, list[tuple[Any, ...]]], now_s: str) -> list[str]:
    out = [due for _, due, kept_at in rows["promises"] if not kept_at and due >= now_s]
    for asked, _, decided in rows["handoffs"]:
        if not decided:
            stalls = iso(datetime.fromisoformat(asked) + timedelta(seconds=STALLED_AFTER_S))
            if stalls >= now_s:
                out.append(stalls)
    return out


def old_way(store: Store, now: datetime, team: str) -> tuple[dict[str, Any], str | None]:
    """The figures these reads feed, from one row each, as the digest made them before."""
    now_s, term = iso(now), (_CASES if team else "")
    people = "SELECT id, name FROM people" + (" WHERE workspace = ?" if team else "")
    names = dict(select_rows(store, people, (team,) if team else ()))
    out: dict[str, Any] = {}
    changes: list[str] = []
    for key, week in (("this", WEEK), ("previous", WEEK.previous())):
        params = (iso(week.start), iso(week.end), *((team,) if team else ()))
        rows = {name: select_rows(store, sql + term, params) for name, sql in OLD.items()}
        with in_workspace(team):
            thanks = store.digest.window(iso(week.start), iso(week.end))["thanks"]
        figures = {"handoffs": old_handoffs(rows["handoffs"], now_s),
                   "promises": old_promises(rows["promises"], now_s),
                   "recognition": _recognition(thanks, names),
                   **case_by_case([(int(c), f) for c, f in rows["touchpoints"]])}
        out[key] = figures
        changes += old_changes(rows, now_s)
    return out, min(changes, default=None)


def new_way(store: Store, now: datetime, team: str) -> tuple[dict[str, Any], str | None]:
    with in_workspace(team):
        digest, until = compute_digest_until(store, WEEK, now)
    keys = ("handoffs", "promises", "recognition", "functions", "function_pairs", "touchpoints")
    return ({"this": {k: digest[k] for k in keys},
             "previous": {k: digest["previous"][k] for k in keys}}, until)


def fill(store: Store, rng: random.Random, many_functions: bool) -> None:
    """Two weeks of cases in three workspaces, each case's rows in its own."""
    functions = [f"fn{i:02d}" for i in range(60 if many_functions else 3)]
    start = WEEK.previous().start
    span = int((WEEK.end - start).total_seconds())
    now_times = [NOW_MID, NOW_MID, NOW_AFTER]  # times after the weeks count only as due

    def when() -> str:  # mostly anywhere in the two weeks, often right at `now` +- a second
        if rng.random() < 0.5:
            base = rng.choice(now_times) + timedelta(seconds=rng.choice((-1, 0, 1)))
            return iso(base - timedelta(seconds=rng.choice((0, STALLED_AFTER_S))))
        return iso(start + timedelta(seconds=rng.randrange(span)))

    for i in range(60):
        team = rng.choice(("", "T1", "T2"))
        with in_workspace(team):
            name = f"P{i} {mention('zed')}" if i == 7 else f"Person {i}"
            store.people.ensure(f"p{i}", "slack", name, None, iso(start))
            opened = iso(start + timedelta(seconds=rng.randrange(span)))
            cid = open_case(store, f"ZD-{i}", owner=f"p{i}", at=opened)
            for _ in range(rng.choice((0, 1, 1, 2, 5, 12))):  # one touchpoint often
                store.journal.add_touchpoint(cid, rng.choice(functions), "looked", f"p{i}",
                                             when())
            for _ in range(rng.choice((0, 1, 3))):
                made, due = when(), when()
                pid = store.journal.add_promise(cid, "call back", due, f"p{i}", made)
                off = timedelta(seconds=rng.choice((-1, 1, 3600)))
                kept = rng.choice((None, None, due, iso(datetime.fromisoformat(due) + off)))
                if kept:
                    store.journal.keep_promise(pid, kept)
            for _ in range(rng.choice((0, 1, 2, 3))):
                asked = when()
                hid = store.cases.add_handoff(cid, f"p{i}", f"p{rng.randrange(60)}", "shift",
                                              None, asked)
                if rng.random() < 0.6:  # decided 4 h +- 1 s or anything after it was offered
                    waited = rng.choice((STALLED_AFTER_S - 1, STALLED_AFTER_S,
                                         STALLED_AFTER_S + 1, rng.randrange(90000)))
                    store.cases.decide_handoff(hid, rng.choice(STATES), iso(
                        datetime.fromisoformat(asked) + timedelta(seconds=waited)))
            for _ in range(rng.choice((0, 1, 2))):
                store.journal.add_thanks(rng.choice((cid, None)), f"p{i}",
                                         f"p{rng.randrange(70)}", "found it", when())


@pytest.mark.parametrize("seed,many", [(1, False), (2, True), (3, False), (4, True)])
def test_grouped_and_counted_figures_equal_the_old_ones(store: Store, seed: int,
                                                       many: bool) -> None:
    fill(store, random.Random(seed), many)
    pulled = select_rows(store, "SELECT COUNT(DISTINCT function) FROM touchpoints")[0][0]
    assert (pulled > MOST_FUNCTIONS_BY_SET) == many
    for now in (NOW_MID, NOW_AFTER):
        for team in ("", "T1"):
            new, old = new_way(store, now, team), old_way(store, now, team)
            assert new == old, (now, team)
    assert new[0]["this"]["touchpoints"]["total"] > 0  # the data set is not empty
