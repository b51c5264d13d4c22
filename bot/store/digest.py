"""SQLite reads for the weekly digest, by time window.

Every digest read takes a half-open window [lo, hi) of ISO UTC strings and returns plain
tuples, shaped as bot/store/interfaces/digest.py WINDOW_READS says: the digest reads tens of
thousands of rows per week at scale, and tuples are the cheapest thing sqlite3 can hand back.
Each query is served by an index on its time column.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from bot import tenancy
from bot.store import digest_spreads, scope
from bot.store.base import BaseQueries
from bot.store.digest_as_of import AS_OF_READS, as_of_params, as_of_sql
from bot.store.interfaces import WINDOW_READS
from bot.store.interfaces.digest import WindowAsk
from bot.store.schema_digest import CASE_FLAGS_INDEX, HELP_KEPT, RESOLVED_KEPT
from bot.store.schema_open_days import OPEN_AT_KEPT, open_at_params
from bot.store.sqlite_conn import ThreadDatabase

_FIRST_MOOD = "SELECT level FROM moods m WHERE m.case_id = c.id ORDER BY m.at{d}, m.id{d} LIMIT 1"
_WINDOW_SQL = {
    # One row per case resolved in the window: how long it took, how many ownership periods
    # it had, and the customer's first and last mood (each a seek in an index, no sort).
    "resolved": "SELECT c.opened_at, c.resolved_at, "
                "(SELECT COUNT(*) FROM owners o WHERE o.case_id = c.id), "
                f"({_FIRST_MOOD.format(d='')}), ({_FIRST_MOOD.format(d=' DESC')}), "
                "(SELECT COUNT(*) FROM moods m WHERE m.case_id = c.id) "
                "FROM cases c WHERE c.resolved_at >= ? AND c.resolved_at < ? "
                "AND c.status <> 'cancelled'",
    # The first person other than the asker who joined the case at or after the request.
    "help": "SELECT h.at, (SELECT MIN(t.at) FROM timeline t WHERE t.kind = 'joined' "
            "AND t.case_id = h.case_id AND t.at >= h.at AND t.by_id <> h.by_id) "
            "FROM help_requests h WHERE h.at >= ? AND h.at < ?",
    "thanks": "SELECT t.at, t.from_id, t.to_id, t.what, c.ref FROM thanks t "
              "LEFT JOIN cases c ON c.id = t.case_id WHERE t.at >= ? AND t.at < ? "
              "AND (c.confidential IS NULL OR c.confidential = 0) ORDER BY t.at, t.id",
    "touchpoints": "SELECT case_id, function FROM touchpoints WHERE at >= ? AND at < ?",
    # A confidential case's report is counted, its words (NULL here) never quoted.
    "frictions": "SELECT f.process, CASE WHEN EXISTS (SELECT 1 FROM cases c WHERE "
                 "c.id = f.case_id AND c.confidential = 1) THEN NULL ELSE f.how END "
                 "FROM frictions f WHERE f.at >= ? AND f.at < ? ORDER BY f.at DESC, f.id DESC",
    "decisions": "SELECT risk, outcome FROM decisions WHERE at >= ? AND at < ?",
    "lifecycle": "SELECT kind FROM timeline WHERE at >= ? AND at < ? "
                 "AND kind IN ('cancelled', 'reopened')",
    "nudges": "SELECT kind FROM nudges WHERE at >= ? AND at < ?",
    "suggestions": "SELECT suggested_at, taken_at FROM skill_suggestions "
                   "WHERE suggested_at >= ? AND suggested_at < ?",
    "sla_breaches": "SELECT policy, target FROM sla_breaches WHERE due_at >= ? AND due_at < ?",
}
# The reads the store counts against `now` (handoffs, promises) are
# bot/store/digest_as_of.py's.
assert set(_WINDOW_SQL) | set(AS_OF_READS) == set(WINDOW_READS), "one SQL read per window read"

# For a tenant's digest (bot/tenancy.py), what keeps each read to its workspace's rows: a
# case counts in the workspace it was opened in; friction and thanks rows (which may name
# no case) record their own workspace.
_TENANT_TERM = {
    "resolved": "c.workspace = ?", "help": "h.case_id IN ({cases})",
    "thanks": "t.workspace = ?", "touchpoints": "case_id IN ({cases})",
    "frictions": "f.workspace = ?", "decisions": "case_id IN ({cases})",
    "lifecycle": "case_id IN ({cases})", "nudges": "case_id IN ({cases})",
    "suggestions": "case_id IN ({cases})", "sla_breaches": "case_id IN ({cases})",
}
assert tuple(_TENANT_TERM) == tuple(_WINDOW_SQL), "one tenant term per plain window read"


def tenant_window_sql(sqls: dict[str, str]) -> dict[str, str]:
    """`sqls` with each read kept to one workspace (its last parameter)."""
    out = {}
    for name, sql in sqls.items():
        term = " AND " + _TENANT_TERM[name].format(
            cases="SELECT id FROM cases WHERE workspace = ?")
        end = _outer_order_by(sql)
        out[name] = sql[:end] + term + sql[end:]
    return out


def _outer_order_by(sql: str) -> int:
    """Where the statement's own ORDER BY starts (its end if none). A subquery's ORDER BY
    (the resolved read's first and last mood) is inside parentheses: a term put before it
    would land in the subquery, its parameter bound to the wrong place."""
    depth = 0
    for i, ch in enumerate(sql):
        depth += (ch == "(") - (ch == ")")
        if depth == 0 and sql.startswith(" ORDER BY ", i):
            return i
    return len(sql)


# SQLite's own: the case of each thanks and friction row looked up in m049b's narrow index
# (its ref and flag), not its wide row; SQLite would take the row by its rowid otherwise.
_SQLITE_WINDOW_SQL = {name: sql.replace("cases c ", f"cases c INDEXED BY {CASE_FLAGS_INDEX} ")
                      if name in ("thanks", "frictions") else sql
                      for name, sql in _WINDOW_SQL.items()}
_TENANT_WINDOW_SQL = tenant_window_sql(_SQLITE_WINDOW_SQL)
# Not a tenant's: the resolved cases are one range of m044's kept per-case summary, the help
# requests one range with their kept first join (m044b); a tenant's digest keeps the seeks
# above, its cases picked by workspace.
_KEPT_WINDOW_SQL = {**_SQLITE_WINDOW_SQL, "resolved": RESOLVED_KEPT, "help": HELP_KEPT}
_AS_OF_SQL, _TENANT_AS_OF_SQL = as_of_sql("sqlite", False), as_of_sql("sqlite", True)
_OPENED = "(SELECT COUNT(*) FROM cases WHERE opened_at >= ? AND opened_at < ?{w})"

# Reads the digest only counts (in no order): SQLite counts alike rows (GROUP BY, in C) and
# each count comes back as that many references to one tuple, so Python builds no row per
# decision or nudge. The same rows as the plain read, in another order.
_COUNTED = {"decisions": "risk, outcome", "lifecycle": "kind", "nudges": "kind",
            "sla_breaches": "policy, target"}


def _counted(sqls: dict[str, str]) -> dict[str, str]:
    out = dict(sqls)
    for name, cols in _COUNTED.items():
        assert sqls[name].startswith(f"SELECT {cols} FROM ") and " ORDER BY " not in sqls[name]
        out[name] = sqls[name].replace(f"SELECT {cols} ", f"SELECT {cols}, COUNT(*) ", 1) \
            + f" GROUP BY {cols}"
    return out


_TENANT_WINDOW_SQL = _counted(_TENANT_WINDOW_SQL)
_KEPT_WINDOW_SQL = _counted(_KEPT_WINDOW_SQL)


def _expanded(grouped: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """(fields..., n) rows as n references to (fields...) each."""
    out: list[tuple[Any, ...]] = []
    for row in grouped:
        out += [row[:-1]] * row[-1]
    return out


def tenant_term() -> tuple[str, tuple[str, ...]]:
    """(" AND workspace = ?", (team,)) for a tenant's digest, else nothing."""
    team = tenancy.team()
    return (" AND workspace = ?", (team,)) if scope.active() else ("", ())


class SqliteDigestReads(BaseQueries):
    db: ThreadDatabase  # SQLite's own: its cursors give plain tuples

    def window(self, lo: str, hi: str, now: str | None = None, stalled_after_s: int = 0,
               day_bounds: Sequence[str] = (), open_at: str | None = None
               ) -> dict[str, list[tuple[Any, ...]]]:
        cur = self.db.conn.cursor()
        cur.row_factory = None  # plain tuples: cheaper than sqlite3.Row at digest scale
        team: tuple[str, ...] = (tenancy.team(),) if scope.active() else ()
        sqls, as_of = (_TENANT_WINDOW_SQL, _TENANT_AS_OF_SQL) if team \
            else (_KEPT_WINDOW_SQL, _AS_OF_SQL)
        rows = {name: cur.execute(sql, (lo, hi, *team)).fetchall() for name, sql in sqls.items()
                if not day_bounds or name not in digest_spreads.REPLACED}
        for name in _COUNTED:
            rows[name] = _expanded(rows[name])
        params = as_of_params(lo, hi, now or hi, stalled_after_s, team)
        rows.update((name, cur.execute(sql, params[name]).fetchall())
                    for name, sql in as_of.items())
        if day_bounds:  # "resolved", "help", "touchpoints" shaped (digest_spreads.py)
            rows.update(digest_spreads.sqlite_shaped(cur, day_bounds, team))
            rows["opened"] = [(n,) for n in self.opened_per_day(day_bounds)]
        if open_at is not None:
            rows["open_at"] = [(self.open_cases_at(open_at),)]
            rows["names"] = list(self.people_names().items())
        return rows

    def windows(self, asks: Sequence[WindowAsk]) -> Iterator[dict[str, list[tuple[Any, ...]]]]:
        for ask in asks:  # one at a time, when asked for: one window's rows held at once
            yield self.window(ask.lo, ask.hi, ask.now, ask.stalled_after_s, ask.day_bounds,
                              ask.open_at)

    def opened_per_day(self, bounds: Sequence[str]) -> list[int]:
        """Cases opened between each pair of consecutive bounds: one statement, a count in
        the index per pair."""
        if len(bounds) < 2:
            return []
        cur = self.db.conn.cursor()
        cur.row_factory = None
        term, team = tenant_term()
        pairs = list(zip(bounds, bounds[1:], strict=False))
        sql = "SELECT " + ", ".join([_OPENED.format(w=term)] * len(pairs))
        return list(cur.execute(sql, [v for pair in pairs for v in (*pair, *team)]).fetchone())

    def open_cases_at(self, at: str) -> int:
        """Cases open at `at`: opened before it, and not resolved before it. From m049's
        kept per-day counts (bot/store/schema_open_days.py): a sum over the days before
        `at`'s, then the few cases of its own day by index."""
        term, team = tenant_term()
        r = self.db.execute(OPEN_AT_KEPT.format(w=term), open_at_params(at, team)).fetchone()
        return int(r[0])

    def people_names(self) -> dict[str, str]:
        cur = self.db.conn.cursor()
        cur.row_factory = None
        term, team = tenant_term()
        return dict(cur.execute("SELECT id, name FROM people WHERE 1 = 1" + term,
                                team).fetchall())
