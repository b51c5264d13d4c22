"""The `demo --bulk` fast path: many positional rows per statement, in one transaction.

Each bulk method of a repository takes rows in the column order listed here (the demo
writer builds them so). Kept apart so that the columns are written down once.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.store.base import SqlDb
from bot.store.interfaces import Row

COLUMNS = {
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
                  "by_id", "at", "seq"),
    "frictions": ("id", "case_id", "process", "how", "by_id", "at"),
    "promises": ("id", "case_id", "what", "due", "made_by", "made_at", "kept_at", "seq"),
    "thanks": ("id", "case_id", "from_id", "to_id", "what", "at"),
}


def insert_many(db: SqlDb, table: str, rows: Iterable[Row]) -> None:
    """The store's own bulk path (SQLite: one executemany; PostgreSQL: COPY); the caller
    holds the transaction (a bulk load is many batches)."""
    rows = list(rows)
    if rows:
        db.bulk_insert(table, COLUMNS[table], rows)
