"""Reads for the weekly digest (by time window), and the bulk writer behind `demo --bulk`.

Every digest read takes a half-open window [lo, hi) of ISO UTC strings and returns plain
tuples: the digest reads tens of thousands of rows per week at scale, and tuples are the
cheapest thing sqlite3 can hand back. Each query is served by an index on its time column.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from bot.store.base import BaseQueries

_FIRST_MOOD = "SELECT level FROM moods m WHERE m.case_id = c.id ORDER BY m.at{d}, m.id{d} LIMIT 1"
_WINDOW_SQL = {
    "opened": "SELECT opened_at FROM cases WHERE opened_at >= ? AND opened_at < ?",
    # One row per case resolved in the window: how long it took, how many ownership periods
    # it had, and the customer's first and last mood (each a seek in an index, no sort).
    "resolved": "SELECT c.opened_at, c.resolved_at, "
                "(SELECT COUNT(*) FROM owners o WHERE o.case_id = c.id), "
                f"({_FIRST_MOOD.format(d='')}), ({_FIRST_MOOD.format(d=' DESC')}), "
                "(SELECT COUNT(*) FROM moods m WHERE m.case_id = c.id) "
                "FROM cases c WHERE c.resolved_at >= ? AND c.resolved_at < ?",
    # The first person other than the asker who joined the case at or after the request.
    "help": "SELECT h.at, (SELECT MIN(t.at) FROM timeline t WHERE t.kind = 'joined' "
            "AND t.case_id = h.case_id AND t.at >= h.at AND t.by_id <> h.by_id) "
            "FROM help_requests h WHERE h.at >= ? AND h.at < ?",
    "handoffs": "SELECT requested_at, state, decided_at FROM handoffs "
                "WHERE requested_at >= ? AND requested_at < ?",
    "thanks": "SELECT t.at, t.from_id, t.to_id, t.what, c.ref FROM thanks t "
              "LEFT JOIN cases c ON c.id = t.case_id WHERE t.at >= ? AND t.at < ? "
              "ORDER BY t.at, t.id",
    "promises": "SELECT made_at, due, kept_at FROM promises WHERE made_at >= ? AND made_at < ?",
    "touchpoints": "SELECT case_id, function FROM touchpoints WHERE at >= ? AND at < ?",
    "frictions": "SELECT process, how FROM frictions WHERE at >= ? AND at < ? "
                 "ORDER BY at DESC, id DESC",
    "decisions": "SELECT risk, outcome FROM decisions WHERE at >= ? AND at < ?",
}
WINDOW_QUERIES = tuple(_WINDOW_SQL)

# Tables `demo --bulk` may fill, with the columns it writes.
BULK_TABLES = {
    "people": ("id", "platform", "name", "function", "available", "manager", "tz", "created_at"),
    "skills": ("person_id", "skill"),
    "cases": ("id", "ref", "customer", "summary", "severity", "status", "owner_id", "platform",
              "room_id", "room_name", "delight", "resolution", "opened_at", "resolved_at"),
    "owners": ("case_id", "person_id", "assumed_at", "renounced_at"),
    "participants": ("case_id", "person_id", "role", "joined_at", "left_at", "invited_by",
                     "why"),
    "handoffs": ("id", "case_id", "from_id", "to_id", "briefing", "tried", "state",
                 "requested_at", "decided_at", "reason"),
    "help_requests": ("id", "case_id", "skills", "tried", "by_id", "at"),
    "timeline": ("case_id", "at", "kind", "by_id", "text", "ref_id"),
    "touchpoints": ("id", "case_id", "function", "what", "by_id", "at"),
    "moods": ("id", "case_id", "level", "note", "by_id", "at"),
    "decisions": ("id", "case_id", "risk", "decision", "rationale", "outcome", "outcome_at",
                  "by_id", "at"),
    "frictions": ("id", "case_id", "process", "how", "by_id", "at"),
    "promises": ("id", "case_id", "what", "due", "made_by", "made_at", "kept_at"),
    "thanks": ("id", "case_id", "from_id", "to_id", "what", "at"),
}


class DigestQueries(BaseQueries):
    def digest_rows(self, query: str, lo: str, hi: str) -> list[tuple[Any, ...]]:
        cur = self.db.conn.cursor()
        cur.row_factory = None  # plain tuples: cheaper than sqlite3.Row at digest scale
        return cur.execute(_WINDOW_SQL[query], (lo, hi)).fetchall()

    def open_cases_at(self, at: str) -> int:
        """Cases open at `at`: opened before it, and not resolved before it.

        Both parts are ranges of the (resolved_at, opened_at) index: still-open cases sort
        first (NULL), then those resolved after `at`, so a recent `at` reads few entries.
        """
        r = self.db.execute(
            "SELECT (SELECT COUNT(*) FROM cases WHERE resolved_at IS NULL AND opened_at < ?) "
            "+ (SELECT COUNT(*) FROM cases WHERE resolved_at >= ? AND opened_at < ?)",
            (at, at, at)).fetchone()
        return int(r[0])

    def people_names(self) -> dict[str, str]:
        cur = self.db.conn.cursor()
        cur.row_factory = None
        return dict(cur.execute("SELECT id, name FROM people").fetchall())

    def person_platform(self, pid: str) -> str | None:
        r = self._one("SELECT platform FROM people WHERE id = ?", (pid,))
        return r["platform"] if r else None

    def unmark_reminded(self, promise_id: int) -> None:
        """A reminder the platform refused is tried again on the next tick."""
        self.db.execute("UPDATE promises SET reminded_at = NULL WHERE id = ?", (promise_id,))

    def bulk_insert(self, table: str, rows: Iterable[Sequence[Any]]) -> int:
        """Insert many rows into `table` (columns as BULK_TABLES lists them) in one go.

        The caller wraps several calls in `transaction()`; this only batches the statement.
        """
        columns = BULK_TABLES[table]
        marks = ", ".join("?" for _ in columns)
        cur = self.db.conn.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
        return cur.rowcount
