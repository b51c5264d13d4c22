"""PostgreSQL's read of the week's resolved cases for the digest (WINDOW_READS "resolved").

SQLite answers it with four seeks per case (bot/store/digest.py). PostgreSQL runs each of
those as a subplan per case: on the 1,937 cases of a week at 100k cases that took 27-37 ms
of server time (EXPLAIN ANALYZE), as long as reading every timeline row of the week. Here
it is three set reads instead, each through an index alone: the cases (m040's index), then
the owners and the moods of all of them at once, tallied in one pass; the tuples are the
same, in the same order.
"""

from __future__ import annotations

from typing import Any

from bot.store.pg_db import PgDb
from bot.store.schema_digest import RESOLVED_KEPT

_CASES = ("SELECT c.id, c.opened_at, c.resolved_at FROM cases c "
          "WHERE c.resolved_at >= ? AND c.resolved_at < ? AND c.status <> 'cancelled'")
_OWNERS = "SELECT case_id FROM owners WHERE case_id = ANY(?)"
_MOODS = "SELECT case_id, level FROM moods WHERE case_id = ANY(?) ORDER BY case_id, at, id"


def resolved(db: PgDb, lo: str, hi: str, tenant: tuple[str, ...] = ()) -> list[tuple[Any, ...]]:
    """opened_at, resolved_at, ownership periods, first and last mood, moods: one per case
    resolved in [lo, hi); `tenant`: the workspace to keep to, if any."""
    if not tenant:  # m044's kept per-case summary, one index range
        return db.tuples(RESOLVED_KEPT, (lo, hi))
    term = " AND c.workspace = ?"
    cases = db.tuples(_CASES + term, (lo, hi, *tenant))
    if not cases:
        return []
    ids = [case_id for case_id, _, _ in cases]
    owners: dict[int, int] = {}
    for case_id, in db.tuples(_OWNERS, (ids,)):
        owners[case_id] = owners.get(case_id, 0) + 1
    first: dict[int, str] = {}
    last: dict[int, str] = {}
    count: dict[int, int] = {}
    for case_id, level in db.tuples(_MOODS, (ids,)):  # each case's moods in time order
        if case_id not in first:
            first[case_id] = level
        last[case_id] = level
        count[case_id] = count.get(case_id, 0) + 1
    return [(opened, resolved_at, owners.get(i, 0), first.get(i), last.get(i), count.get(i, 0))
            for i, opened, resolved_at in cases]
