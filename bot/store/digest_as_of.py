"""The digest's window reads that SQL answers counted against `now` (issue 28): a week at
504k cases had 4k promises and 2k handoffs, each turned into a Python tuple (and on
PostgreSQL into text first) only to be counted, their times parsed in Python. Here the store
hands back what the figures need: one row of counts, one per handoff state. Shapes:
WINDOW_READS in bot/store/interfaces/digest.py.

Not here, measured (BENCHMARKS.md, eighth session): the touchpoints grouped per case's set
of functions in SQL (tens of rows instead of 22k) cost more CPU than the rows and
bot/digest/functions.py's set counting on both stores (SQLite at 504k: 15-22 ms against
14 ms; PostgreSQL's server alone 25-70 ms against 3.5 ms), and the names of only the week's
thanked people cost more than every person's (a thanks row read per id).

Times are compared as the strings the store writes (`bot.domain.iso`: whole seconds, UTC,
ending in Z), so string order is time order on both stores; a handoff's wait is counted in
whole seconds, as `seconds_between` counts it.

Each statement is a template: `{w}` is where a tenant's term goes (`as_of_sql`),
`{waited}` the dialect's test of a decided handoff's wait; `as_of_params` gives each
statement's parameters in order.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot.domain import iso

_UNDECIDED = "(decided_at IS NULL OR decided_at = '')"
_OPEN = "(kept_at IS NULL OR kept_at = '')"
_CASES = " AND case_id IN (SELECT id FROM cases WHERE workspace = ?)"

# name -> (template, the names of its parameters in order, the tenant's term)
_AS_OF: dict[str, tuple[str, tuple[str, ...], str]] = {
    # Per state: offered, stalled (waited longer than the limit: decided after it, or still
    # undecided with the limit passed), and the earliest undecided offer not stalled yet.
    "handoffs": (
        f"SELECT state, COUNT(*), COUNT(CASE WHEN {_UNDECIDED} THEN "
        "CASE WHEN requested_at < ? THEN 1 END "
        "WHEN {waited} THEN 1 END), "
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
}
AS_OF_READS = tuple(_AS_OF)

_DIALECT = {
    # a decided handoff waited longer than the limit (its times are both UTC: PostgreSQL's
    # timestamp without time zone reads them the fastest, the Z ignored)
    "sqlite": {"waited": "CAST(strftime('%s', decided_at) AS INTEGER) "
                         "- CAST(strftime('%s', requested_at) AS INTEGER) > ?"},
    "postgres": {"waited": "decided_at::timestamp - requested_at::timestamp "
                           "> make_interval(secs => ?)"},
}


def as_of_sql(dialect: str, tenant: bool) -> dict[str, str]:
    """Every as-of read's statement for `dialect`, kept to a workspace when `tenant`."""
    d = _DIALECT[dialect]
    out = {}
    for name, (template, _, term) in _AS_OF.items():
        out[name] = template.format(w=term if tenant else "", waited=d["waited"])
    return out


def as_of_params(lo: str, hi: str, now: str, stalled_after_s: int,
                  team: tuple[str, ...] = ()) -> dict[str, tuple[Any, ...]]:
    """Each as-of read's parameters, in its statement's order (`team`: a tenant's)."""
    # Undecided, an offer made before `cut` has waited more than the limit (whole seconds);
    # one made at or after it stalls later, at its time + the limit.
    cut = iso(datetime.fromisoformat(now) - timedelta(seconds=stalled_after_s))
    values = {"lo": lo, "hi": hi, "now": now, "cut": cut, "limit": stalled_after_s}
    return {name: (*(values[p] for p in order), *team)
            for name, (_, order, _) in _AS_OF.items()}

