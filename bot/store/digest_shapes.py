"""The digest's window reads that SQL answers grouped and counted (issue 28): a week at 504k
cases had 22k touchpoints, 4k promises and 2k handoffs, each turned into a Python tuple
(and on PostgreSQL into text first) only to be counted. Here the store hands back what the
figures need: tens of rows instead of tens of thousands. Shapes: WINDOW_READS in
bot/store/interfaces/digest.py.

Times are compared as the strings the store writes (`bot.domain.iso`: whole seconds, UTC,
ending in Z), so string order is time order on both stores; a handoff's wait is counted in
whole seconds, as `seconds_between` counts it.

Each statement is a template: `{w}` is where a tenant's term goes (`shaped_sql`), `{epoch}`
the dialect's seconds of a stored time. `shaped_params` gives each one's parameters in order.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from bot.domain import iso

_UNDECIDED = "(decided_at IS NULL OR decided_at = '')"
_OPEN = "(kept_at IS NULL OR kept_at = '')"
_CASES = " AND case_id IN (SELECT id FROM cases WHERE workspace = ?)"

# name -> (template, the names of its parameters in order, the tenant's term)
_SHAPED: dict[str, tuple[str, tuple[str, ...], str]] = {
    # Per state: offered, stalled (waited longer than the limit: decided after it, or still
    # undecided with the limit passed), and the earliest undecided offer not stalled yet.
    "handoffs": (
        f"SELECT state, COUNT(*), COUNT(CASE WHEN {_UNDECIDED} THEN "
        "CASE WHEN requested_at < ? THEN 1 END "
        "WHEN {epoch[decided_at]} - {epoch[requested_at]} > ? THEN 1 END), "
        f"MIN(CASE WHEN {_UNDECIDED} AND requested_at >= ? THEN requested_at END) "
        "FROM handoffs WHERE requested_at >= ? AND requested_at < ?{w} GROUP BY state",
        ("cut", "limit", "cut", "lo", "hi"), _CASES),
    # kept (on time), late, broken (open, due before now), open, the earliest due of those
    # still open at or after now.
    "promises": (
        "SELECT COUNT(CASE WHEN kept_at <> '' AND kept_at <= due THEN 1 END), "
        "COUNT(CASE WHEN kept_at <> '' AND kept_at > due THEN 1 END), "
        f"COUNT(CASE WHEN {_OPEN} AND due < ? THEN 1 END), "
        f"COUNT(CASE WHEN {_OPEN} AND due >= ? THEN 1 END), "
        f"MIN(CASE WHEN {_OPEN} AND due >= ? THEN due END) "
        "FROM promises WHERE made_at >= ? AND made_at < ?{w}",
        ("now", "now", "now", "lo", "hi"), _CASES),
    # Per set of functions a case was pulled into: the cases with that set, their touchpoints.
    "touchpoints": (
        "SELECT fs, COUNT(*), {sum} FROM (SELECT {agg} AS fs, SUM(k) AS n FROM "
        "(SELECT case_id, function, COUNT(*) AS k FROM touchpoints "
        "WHERE at >= ? AND at < ?{w} GROUP BY case_id, function) t GROUP BY case_id) s "
        "GROUP BY fs",
        ("lo", "hi"), _CASES),
    # The names of the people who thanked or were thanked in the window.
    "names": (
        "SELECT p.id, p.name FROM people p WHERE p.id IN ("
        "SELECT from_id FROM thanks WHERE at >= ? AND at < ? UNION "
        "SELECT to_id FROM thanks WHERE at >= ? AND at < ?){w}",
        ("lo", "hi", "lo", "hi"), " AND p.workspace = ?"),
}
SHAPED = tuple(_SHAPED)

_DIALECT = {
    "sqlite": {"epoch": "CAST(strftime('%s', {}) AS INTEGER)", "agg": "json_group_array(function)",
               "sum": "SUM(n)"},
    "postgres": {"epoch": "EXTRACT(EPOCH FROM {}::timestamptz)",
                 "agg": "array_agg(function ORDER BY function)", "sum": "SUM(n)::int8"},
}


class _Epoch:
    def __init__(self, form: str) -> None:
        self.form = form

    def __getitem__(self, column: str) -> str:
        return self.form.format(column)


def shaped_sql(dialect: str, tenant: bool) -> dict[str, str]:
    """Every shaped read's statement for `dialect`, kept to a workspace when `tenant`."""
    d = _DIALECT[dialect]
    out = {}
    for name, (template, _, term) in _SHAPED.items():
        out[name] = template.format(w=term if tenant else "", epoch=_Epoch(d["epoch"]),
                                    agg=d["agg"], sum=d["sum"])
    return out


def shaped_params(lo: str, hi: str, now: str, stalled_after_s: int,
                  team: tuple[str, ...] = ()) -> dict[str, tuple[Any, ...]]:
    """Each shaped read's parameters, in its statement's order (`team`: a tenant's)."""
    # Undecided, an offer made before `cut` has waited more than the limit (whole seconds);
    # one made at or after it stalls later, at its time + the limit.
    cut = iso(datetime.fromisoformat(now) - timedelta(seconds=stalled_after_s))
    values = {"lo": lo, "hi": hi, "now": now, "cut": cut, "limit": stalled_after_s}
    return {name: (*(values[p] for p in order), *team)
            for name, (_, order, _) in _SHAPED.items()}


def function_sets(rows: Sequence[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The touchpoints rows with each set of functions a tuple (SQLite: a JSON array)."""
    return [(tuple(json.loads(fs)) if isinstance(fs, str) else tuple(fs), int(cases), int(n))
            for fs, cases, n in rows]

