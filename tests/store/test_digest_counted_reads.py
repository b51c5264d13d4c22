"""Contract: the window reads the digest only counts (decisions, cancellations and reopenings,
nudges, SLA breaches) hand back every row of the window, one tuple per row, for the operator
and for each workspace, however alike the rows are (SQLite counts alike rows in SQL and
hands each count back as that many tuples: bot/store/digest.py)."""

from __future__ import annotations

import random

import pytest

from bot.store import Store
from tests.store.conftest import in_workspace, open_case, select_rows

LO, HI = "2026-11-16T00:00:00Z", "2026-11-23T00:00:00Z"
# In the window, on its edges and outside it.
TIMES = ("2026-11-15T23:59:59Z", LO, "2026-11-17T09:00:00Z", "2026-11-20T12:30:00Z",
         "2026-11-22T23:59:59Z", HI)
WORKSPACES = ("", "TA", "TB")
# Each read as a plain SELECT of its rows, and what keeps it to one workspace's cases.
PLAIN = {
    "decisions": "SELECT x.risk, x.outcome FROM decisions x WHERE x.at >= ? AND x.at < ?",
    "lifecycle": "SELECT x.kind FROM timeline x WHERE x.at >= ? AND x.at < ? "
                 "AND x.kind IN ('cancelled', 'reopened')",
    "nudges": "SELECT x.kind FROM nudges x WHERE x.at >= ? AND x.at < ?",
    "sla_breaches": "SELECT x.policy, x.target FROM sla_breaches x "
                    "WHERE x.due_at >= ? AND x.due_at < ?",
}
IN_WORKSPACE = " AND x.case_id IN (SELECT id FROM cases WHERE workspace = ?)"


def _fill(store: Store, rng: random.Random) -> None:
    """Cases in each workspace with many alike decisions, lifecycle events, nudges and
    breaches, in the window and around it."""
    for n in range(12):
        workspace = rng.choice(WORKSPACES)
        with in_workspace(workspace):
            cid = open_case(store, f"ZD-{n}", at=rng.choice(TIMES))
        for _ in range(rng.randrange(6)):
            did = store.journal.add_decision(cid, rng.choice(("low", "high")), "waive", None,
                                             "ann", rng.choice(TIMES))
            if rng.random() < 0.5:
                store.journal.set_outcome(did, rng.choice(("good", "bad")),
                                          rng.choice(TIMES))
        for _ in range(rng.randrange(4)):
            store.timeline.append(cid, rng.choice(TIMES), rng.choice(("cancelled", "reopened")),
                                  "ann", "moved")
        for k in range(rng.randrange(5)):
            store.nudges.mark(rng.choice(("update", "stale")), f"c{n}-{k}", "ann",
                              rng.choice((cid, None)), rng.choice(TIMES))
        for policy in ("gold", "silver"):
            for target in ("first_response", "next_update"):
                if rng.random() < 0.6:
                    store.nudges.breach(cid, policy, target, rng.choice(TIMES),
                                        rng.choice(TIMES))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_counted_reads_give_every_row(store: Store, seed: int) -> None:
    _fill(store, random.Random(seed))
    seen = 0
    for workspace in WORKSPACES:
        with in_workspace(workspace):
            rows = store.digest.window(LO, HI)
        for name, sql in PLAIN.items():
            expected = (select_rows(store, sql + IN_WORKSPACE, (LO, HI, workspace)) if workspace
                        else select_rows(store, sql, (LO, HI)))
            got = rows[name]
            assert all(type(r) is tuple for r in got), name
            assert sorted(got, key=repr) == sorted(expected, key=repr), (name, workspace)
            seen += len(expected) - len(set(expected))  # alike rows, each given back
    assert seen > 20  # the walk made many alike rows: the counting was exercised
