"""Customers' data: redacting a case's text, pruning the inbox, compacting.

What is redacted is every free text written about a case (its customer, summary, delight
and resolution; timeline, journal, handoff and help-request texts); what is kept is what
the digest counts (times, states, owners, participants, mood levels, risks, outcomes,
functions, processes), so a redacted week's figures do not change.
"""

from __future__ import annotations

import json

from bot.store.base import BaseQueries
from bot.store.sqlite_conn import ThreadDatabase

# Table -> the free-text columns of its rows about a case (case_id). Nullable columns stay
# NULL, so "no rationale given" is not turned into a rationale.
CASE_TEXTS: dict[str, tuple[str, ...]] = {
    "timeline": ("text",),
    "touchpoints": ("what",),
    "moods": ("note",),
    "decisions": ("decision", "rationale"),
    "frictions": ("how",),
    "promises": ("what",),
    "thanks": ("what",),
    "handoffs": ("briefing", "tried", "reason"),
    "help_requests": ("tried",),
    "participants": ("why",),
}


def _set_texts(columns: tuple[str, ...]) -> str:
    return ", ".join(f"{c} = CASE WHEN {c} IS NULL THEN NULL ELSE ? END" for c in columns)


class SqlRetention(BaseQueries):
    """The portable part, both stores': each store's subclass says how a text contains
    another, how the search index follows a redaction, and how freed space is given back."""

    # "Does `hay` contain the parameter": a SQL condition with one placeholder.
    CONTAINS: str

    def cases_of_customer(self, customer: str) -> list[int]:
        rows = self._all("SELECT id FROM cases WHERE lower(customer) = lower(?) ORDER BY id",
                         (customer.strip(),))
        return [r["id"] for r in rows]

    def resolved_before(self, at: str) -> list[int]:
        rows = self._all("SELECT id FROM cases WHERE resolved_at IS NOT NULL AND "
                         "resolved_at < ? AND redacted_at IS NULL ORDER BY id", (at,))
        return [r["id"] for r in rows]

    def redact(self, case_id: int, marker: str, at: str) -> int:
        case = self._one("SELECT ref, customer, summary, room_id, room_name, status "
                         "FROM cases WHERE id = ?", (case_id,))
        if case is None:
            return 0
        changed = self._forget_deliveries(case)
        for table, columns in CASE_TEXTS.items():
            cur = self.db.execute(f"UPDATE {table} SET {_set_texts(columns)} WHERE case_id = ?",
                                  (*([marker] * len(columns)), case_id))
            changed += max(cur.rowcount, 0)
        # Done platform calls keep what they posted (briefs, room names); pending ones are
        # still needed to finish the call after a crash.
        self.db.execute("UPDATE outbox SET payload = '{}', result = NULL "
                        "WHERE case_id = ? AND state <> 'pending'", (case_id,))
        room_name = case["room_name"] if case["status"] != "open" else None
        if room_name:
            # A closed room's name spells out the summary; what adapters remember about it
            # is no longer needed (the room is archived or closed).
            self.db.execute("DELETE FROM platform_refs WHERE key = ? OR "
                            + self.CONTAINS.format(hay="value"),
                            (room_name, json.dumps(room_name)))
        self.db.execute(
            "UPDATE cases SET customer = ?, summary = ?, "
            "delight = CASE WHEN delight IS NULL THEN NULL ELSE ? END, "
            "resolution = CASE WHEN resolution IS NULL THEN NULL ELSE ? END, "
            # A closed room's name goes; so does its id where the id is the name (the
            # shell's rooms), while a platform's opaque id (Slack's C123) is no text.
            "room_id = CASE WHEN status <> 'open' AND room_id = room_name THEN NULL "
            "ELSE room_id END, "
            "room_name = CASE WHEN status = 'open' THEN room_name ELSE NULL END, "
            "redacted_at = ? WHERE id = ?",
            (marker, marker, marker, marker, at, case_id))
        self._reindex(case_id)
        return changed + 1

    def _reindex(self, case_id: int) -> None:
        """After a redaction, the search index holds only what is left."""
        raise NotImplementedError

    def _forget_deliveries(self, case: dict[str, str | None]) -> int:
        """Processed inbox rows naming the case (its ref, room, customer or summary) go;
        unprocessed ones stay, or an acknowledged command would be lost."""
        needles = [n for n in (case["ref"], case["room_id"], case["customer"], case["summary"])
                   if n and len(n) >= 3]
        # Delivery JSON escapes non-ASCII letters, so each needle is also looked for escaped.
        needles += [json.dumps(n)[1:-1] for n in needles if not n.isascii()]
        total = 0
        for needle in needles:
            cur = self.db.execute("DELETE FROM inbox WHERE done_at IS NOT NULL AND "
                                  + self.CONTAINS.format(hay="lower(payload)")
                                  .replace("?", "lower(?)"), (needle,))
            total += max(cur.rowcount, 0)
        return total

    def prune_inbox(self, done_before: str) -> int:
        cur = self.db.execute("DELETE FROM inbox WHERE done_at IS NOT NULL AND done_at < ?",
                              (done_before,))
        return max(cur.rowcount, 0)

    def compact(self) -> None:
        raise NotImplementedError


class SqliteRetention(SqlRetention):
    db: ThreadDatabase
    CONTAINS = "instr({hay}, ?) > 0"

    def _reindex(self, case_id: int) -> None:
        """The search index (m015) copies a case's texts; after redaction it holds only
        what is left (its triggers follow inserts, not these updates)."""
        self.db.execute("DELETE FROM case_search WHERE rowid = ?", (case_id,))
        self.db.execute(
            "INSERT INTO case_search (rowid, summary, tried, notes, decisions, resolution) "
            "SELECT id, summary, '', '', '', COALESCE(resolution, '') FROM cases WHERE id = ?",
            (case_id,))

    def compact(self) -> None:
        # Every connection runs with secure_delete (bot/store/sqlite_conn.py): the pages a
        # redaction rewrote or freed are zeroed, so the old text is left only in the main
        # file's page images until a checkpoint copies the new ones over them, and in the
        # WAL until it is truncated: this checkpoint does both. No VACUUM: it would hold the
        # writer for as long as rewriting the whole file takes, and a serving process's
        # acks with it (issue 23).
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
