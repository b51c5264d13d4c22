"""The digest's biggest reads, "resolved", "help" and "touchpoints", shaped for its figures
(issue 28).

Read plainly (WINDOW_READS), each is a row per case or help request with ISO strings that
Python parses: ~10k rows each per week at 500k cases, twice per digest. Shaped, they hand
the digest what its figures are made of (SHAPED_READS): a week's counts, the two nearest
ranks of each spread, and the few kinds of resolved case by ownership periods and moods.
Durations are the integer seconds m055 keeps (bot/store/schema_digest_seconds.py).

- PostgreSQL computes all of it in SQL (`PG_SQL`, sent in the digest's pipeline): three
  rows of a few dozen come back instead of ~20k rows turned into text.
- SQLite's aggregates are slower than its rows (its GROUP BY sorts, its CASE is interpreted),
  and its rows slower than one text: it reads each day's resolved cases as their count and
  two texts (`SQLITE_SQL`: their seconds and their kinds joined, from one index range), its
  help requests as narrow rows, and Python ranks and counts them in C loops (sorted,
  Counter, bisect).

The touchpoints (~23k a week at 500k cases) come back as one list of cases per function
(`SQLITE_TOUCHPOINTS`, `PG_TOUCHPOINTS`): the digest counts functions and their pairs from
those sets (bot/digest/functions.py), and no row per touchpoint reaches Python.

A workspace's (tenant's) read is the same with its cases picked by workspace.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from bot.store.interfaces.digest import CONNECT_LIMITS_S, SHAPED_READS
from bot.store.schema_digest import RESOLVED_KIND_INDEX, TOUCHPOINTS_FUNCTION_INDEX

Rows = list[tuple[Any, ...]]
# The plain reads (WINDOW_READS) the shaped ones stand in for, given day bounds.
REPLACED = ("resolved", "help", "touchpoints")

_WORKSPACE = {"resolved": " AND EXISTS (SELECT 1 FROM cases c WHERE c.id = d.case_id "
                          "AND c.workspace = ?)",
              "help": " AND h.case_id IN (SELECT id FROM cases WHERE workspace = ?)"}
_RESOLVED = "FROM case_digest d WHERE d.resolved_at >= ? AND d.resolved_at < ? AND d.cancelled = 0"
_HELP = "FROM help_requests h WHERE h.at >= ? AND h.at < ?"
_READINGS = "CASE WHEN d.moods > 1 THEN 2 ELSE d.moods END"


# SQLite: one day's resolved cases (run once per day of the week): how many, their seconds to
# resolve and their kinds (m059's virtual column), each joined by commas in one text, from
# m059's index alone; the week's waits.
SQLITE_SQL = {"resolved": "SELECT COUNT(*), group_concat(d.duration_s, ','), "
                          "group_concat(d.kind, ',') " + _RESOLVED.replace(
                              "case_digest d ", f"case_digest d INDEXED BY {RESOLVED_KIND_INDEX} "),
              "help": f"SELECT h.wait_s {_HELP}"}
SQLITE_TENANT_SQL = {name: sql + _WORKSPACE[name] for name, sql in SQLITE_SQL.items()}


def _nearest(column: str, n: str, rank: str) -> str:
    """The value of `column` at nearest rank `rank` (of n) in ascending order: integer
    arithmetic, not percentile_disc's float fraction (0.9 * 70 is 63.000000000000001)."""
    return f"(ARRAY_AGG({column} ORDER BY {column}) FILTER (WHERE {column} IS NOT NULL))" \
           f"[(({rank.format(n=n)}))::int]"


_MEDIAN, _P90 = "({n} + 1) / 2", "(9 * {n} + 9) / 10"
_BELOW_DAY = "COUNT(CASE WHEN d.resolved_at < ? THEN 1 END)"
PG_SQL = {
    # Parameters: the week's six inner day bounds, then lo, hi (and the workspace).
    "resolved_figures": "SELECT COUNT(*), "
                        f"{_nearest('d.duration_s', 'COUNT(*)', _MEDIAN)}, "
                        f"{_nearest('d.duration_s', 'COUNT(*)', _P90)}, "
                        + ", ".join([_BELOW_DAY] * 6) + f" {_RESOLVED}",
    "resolved_kinds": f"SELECT d.owners, d.first_mood, d.last_mood, {_READINGS}, COUNT(*) "
                      f"{_RESOLVED} GROUP BY d.owners, d.first_mood, d.last_mood, {_READINGS}",
    "help_figures": "SELECT COUNT(*), COUNT(h.wait_s), "
                    f"{_nearest('h.wait_s', 'COUNT(h.wait_s)', _MEDIAN)}, "
                    f"{_nearest('h.wait_s', 'COUNT(h.wait_s)', _P90)}, "
                    + ", ".join(f"COUNT(CASE WHEN h.wait_s < {limit} THEN 1 END)"
                                for limit in CONNECT_LIMITS_S) + f" {_HELP}",
}
PG_TENANT_SQL = {name: sql.replace(" GROUP BY ", _WORKSPACE["resolved"] + " GROUP BY ")
                 if name == "resolved_kinds" else sql + _WORKSPACE[name.split("_")[0]]
                 for name, sql in PG_SQL.items()}
assert (*PG_SQL, "touchpoints_by_function") == tuple(SHAPED_READS), \
    "one PostgreSQL read per shaped read"
_WEEK_INNER = ", ".join([_BELOW_DAY] * 6)

# A week's touchpoints, function by function: each function's cases in the window joined by
# commas (an id is digits). SQLite skips along m058's index (function, at, case_id) from one
# function to the next, a seek each, and reads each one's window as a range of it: grouping
# the week's rows instead would sort them (GROUP BY), ~3x the time at 500k cases. A function
# with nothing in the window comes back with NULL (left out by `by_function`). A
# workspace's touchpoints are fewer: grouped. PostgreSQL groups by hashing.
_SKIP_FUNCTIONS = ("WITH RECURSIVE f(fn) AS (SELECT MIN(function) FROM touchpoints UNION ALL "
                   "SELECT (SELECT MIN(t.function) FROM touchpoints t WHERE t.function > f.fn) "
                   "FROM f WHERE f.fn IS NOT NULL) ")
SQLITE_TOUCHPOINTS = (_SKIP_FUNCTIONS + "SELECT f.fn, (SELECT group_concat(t.case_id, ',') FROM "
                      f"touchpoints t INDEXED BY {TOUCHPOINTS_FUNCTION_INDEX} WHERE t.function = "
                      "f.fn AND t.at >= ? AND t.at < ?) FROM f WHERE f.fn IS NOT NULL")
_TENANT_TOUCHPOINTS = ("SELECT function, {agg} FROM touchpoints WHERE at >= ? AND at < ? AND "
                       "case_id IN (SELECT id FROM cases WHERE workspace = ?) GROUP BY function")
SQLITE_TENANT_TOUCHPOINTS = _TENANT_TOUCHPOINTS.format(agg="group_concat(case_id, ',')")
PG_TOUCHPOINTS = ("SELECT function, string_agg(case_id::text, ',') FROM touchpoints "
                  "WHERE at >= ? AND at < ? GROUP BY function")
PG_TENANT_TOUCHPOINTS = _TENANT_TOUCHPOINTS.format(agg="string_agg(case_id::text, ',')")


def by_function(rows: Rows) -> Rows:
    """SHAPED_READS' "touchpoints_by_function" from (function, its cases' ids joined by
    commas) rows."""
    out = []
    for function, joined in rows:
        if joined is not None:
            ids = joined.split(",")
            out.append((function, len(ids), set(ids)))
    return out


def pg_statements(lo: str, hi: str, days: Sequence[str], tenant: tuple[str, ...]
                  ) -> list[tuple[str, tuple[Any, ...]]]:
    """The shaped reads' statements and parameters, in SHAPED_READS order. `days`: the
    window's bounds, lo first and hi last (a week's eight; any window's count works)."""
    sqls = PG_TENANT_SQL if tenant else PG_SQL
    inner = tuple(days[1:-1])
    figures = sqls["resolved_figures"]
    if len(inner) != 6:  # not a week: as many counts as inner bounds
        below = ", ".join([_BELOW_DAY] * len(inner))
        figures = figures.replace(", " + _WEEK_INNER, ", " + below if below else "", 1)
    return [(figures, (*inner, lo, hi, *tenant)),
            (sqls["resolved_kinds"], (lo, hi, *tenant)),
            (sqls["help_figures"], (lo, hi, *tenant)),
            (PG_TENANT_TOUCHPOINTS if tenant else PG_TOUCHPOINTS, (lo, hi, *tenant))]


def ranks(ordered: Sequence[int]) -> tuple[int, int | None, int | None]:
    """n, and the values at nearest ranks ceil(n/2) and ceil(0.9 n) of sorted values."""
    n = len(ordered)
    if not n:
        return 0, None, None
    return n, ordered[(n + 1) // 2 - 1], ordered[(9 * n + 9) // 10 - 1]


def resolved_shaped(days: Rows) -> dict[str, Rows]:
    """SHAPED_READS' resolved reads from each day's SQLITE_SQL["resolved"] row (count,
    seconds joined, kinds joined)."""
    n, median, p90 = ranks(sorted(map(int, _joined(seconds for _, seconds, _ in days))))
    below, total = [], 0
    for count, _, _ in days[:-1]:
        total += count
        below.append(total)
    kinds = []
    for kind, k in Counter(_joined(kinds for _, _, kinds in days)).items():
        owners, first, last, readings = kind.split(" ")  # a mood level is one word
        kinds.append((int(owners), first or None, last or None, int(readings), k))
    return {"resolved_figures": [(n, median, p90, *below)], "resolved_kinds": kinds}


def _joined(texts: Iterable[str | None]) -> list[str]:
    """The values of group_concat's texts (None where it had none), in one list."""
    joined = ",".join(t for t in texts if t)
    return joined.split(",") if joined else []


def help_shaped(waits: Rows) -> dict[str, Rows]:
    """SHAPED_READS' help read from SQLITE_SQL["help"] rows."""
    answered = sorted(w for w, in waits if w is not None)
    n, median, p90 = ranks(answered)
    return {"help_figures": [(len(waits), n, median, p90,
                              *(bisect_left(answered, limit) for limit in CONNECT_LIMITS_S))]}


def sqlite_shaped(cur: Any, days: Sequence[str], tenant: tuple[str, ...]) -> dict[str, Rows]:
    """The shaped reads on an SQLite cursor giving plain tuples."""
    sqls = SQLITE_TENANT_SQL if tenant else SQLITE_SQL
    per_day = [cur.execute(sqls["resolved"], (a, b, *tenant)).fetchone()
               for a, b in zip(days, days[1:], strict=False)]
    touchpoints = SQLITE_TENANT_TOUCHPOINTS if tenant else SQLITE_TOUCHPOINTS
    return {**resolved_shaped(per_day),
            **help_shaped(cur.execute(sqls["help"], (days[0], days[-1], *tenant)).fetchall()),
            "touchpoints_by_function": by_function(
                cur.execute(touchpoints, (days[0], days[-1], *tenant)).fetchall())}
