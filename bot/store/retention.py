"""Customers' data: redacting a case's text, pruning the inbox, compacting.

What is redacted is every free text written about a case (its customer, summary, delight
and resolution; timeline, journal, handoff and help-request texts); what is kept is what
the digest counts (times, states, owners, participants, mood levels, risks, outcomes,
functions, processes), so a redacted week's figures do not change.
"""

from __future__ import annotations

import json
from typing import Any

from bot.store.base import BaseQueries
from bot.store.scrub import Scrubber, needles_of
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
    # Later features' texts about a case (issue 26): an expert's reason for declining an
    # ask; the skill rules' "why", which names the organisation a rule matched; a
    # follower's reason.
    "expert_asks": ("reason",),
    "skill_suggestions": ("why",),
    "followers": ("why",),
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
        case = self._one("SELECT ref, customer, summary, resolution, delight, room_id, "
                         "room_name, status, workspace FROM cases WHERE id = ?", (case_id,))
        if case is None:
            return 0
        changed = self._forget_deliveries(case)
        changed += self._scrub_copies(case_id, case, marker)
        changed += self._scrub_quotes(case_id, str(case["ref"]), marker)
        # Drafts shown to a person (issue 30): the case's own, and another case's that
        # quotes it (a handoff draft lists similar cases). A draft is a suggestion already
        # shown; its row keeps nothing the case needs.
        cur = self.db.execute("DELETE FROM drafts WHERE case_id = ? OR "
                              + self.CONTAINS.format(hay="text"), (case_id, case["ref"]))
        changed += max(cur.rowcount, 0)
        for table, columns in CASE_TEXTS.items():
            cur = self.db.execute(f"UPDATE {table} SET {_set_texts(columns)} WHERE case_id = ?",
                                  (*([marker] * len(columns)), case_id))
            changed += max(cur.rowcount, 0)
        # Done platform calls keep what they posted (briefs, room names); pending ones are
        # still needed to finish the call after a crash.
        self.db.execute("UPDATE outbox SET payload = '{}', result = NULL "
                        "WHERE case_id = ? AND state <> 'pending'", (case_id,))
        # What was written to the ticket (internal notes) once written; the requester's
        # name and organization the helpdesk gave.
        self.db.execute("UPDATE helpdesk_writes SET payload = '{}' "
                        "WHERE case_id = ? AND done_at IS NOT NULL", (case_id,))
        self.db.execute("UPDATE helpdesk_links SET "
                        "requester = CASE WHEN requester = '' THEN '' ELSE ? END, "
                        "organization = CASE WHEN organization = '' THEN '' ELSE ? END "
                        "WHERE case_id = ?", (marker, marker, case_id))
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
            "link = NULL, redacted_at = ? WHERE id = ?",
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
            cur = self.db.execute("DELETE FROM inbox WHERE (done_at IS NOT NULL OR "
                                  "failed_at IS NOT NULL) AND "
                                  + self.CONTAINS.format(hay="lower(payload)")
                                  .replace("?", "lower(?)"), (needle,))
            total += max(cur.rowcount, 0)
        return total

    def _scrub_copies(self, case_id: int, case: dict[str, str | None], marker: str) -> int:
        """Other rows quoting the case (another case's brief or help request lists it under
        "Solved before": its ref, customer, summary and resolution): a done platform call
        goes (its row is no longer needed), a pending or failed one keeps its JSON with
        the erased texts replaced (bot/store/scrub.py). Every quote names the ref, so one
        pass over the outbox a case finds them (a serving process's outbox can be long)."""
        ref = str(case["ref"])
        # Quotes are of the case's own workspace (`similar` keeps to it): another
        # workspace's case with the same ref (refs are unique per workspace) is not touched.
        rows = self._all("SELECT id, state, payload, result FROM outbox WHERE (case_id IS NULL "
                         "OR (case_id <> ? AND case_id IN (SELECT id FROM cases WHERE "
                         "workspace = ?))) AND (" + self.CONTAINS.format(hay="payload")
                         + " OR " + self.CONTAINS.format(hay="COALESCE(result, '')") + ")",
                         (case_id, case["workspace"] or "", ref, ref))
        if not rows:
            return 0
        customer = case["customer"]
        if customer and self._others_kept(case_id, customer):
            customer = None  # the customer's other cases are not erased: their name stays
        scrub = Scrubber(ref, needles_of([customer, case["summary"], case["resolution"],
                                          case["delight"], case["room_name"]]), marker)
        return self._scrub_rows(rows, scrub)

    def _scrub_quotes(self, case_id: int, ref: str, marker: str) -> int:
        """Messages of no case quoting the case's words: each manager's weekly digest
        quotes the week's friction ("Most reported friction") and thanks ("Recognition"),
        without naming the case."""
        quotes = needles_of(
            [r["how"] for r in self._all("SELECT how FROM frictions WHERE case_id = ?",
                                         (case_id,))]
            + [r["what"] for r in self._all("SELECT what FROM thanks WHERE case_id = ?",
                                            (case_id,))])
        rows: dict[int, dict[str, Any]] = {}
        where = ("SELECT id, state, payload, result FROM outbox WHERE case_id IS NULL AND ("
                 + self.CONTAINS.format(hay="payload") + " OR "
                 + self.CONTAINS.format(hay="COALESCE(result, '')") + ")")
        # JSON escapes non-ASCII letters, so each quote is also looked for escaped.
        for needle in quotes + [json.dumps(q)[1:-1] for q in quotes if not q.isascii()]:
            for row in self._all(where, (needle, needle)):
                rows[row["id"]] = row
        if not rows:
            return 0
        return self._scrub_rows(list(rows.values()), Scrubber(ref, quotes, marker))

    def _scrub_rows(self, rows: list[dict[str, Any]], scrub: Scrubber) -> int:
        """A done platform call goes (its row is no longer needed); a pending or failed one
        keeps its JSON with the erased texts replaced, so it can still be made."""
        for row in rows:
            if row["state"] == "done":
                self.db.execute("DELETE FROM outbox WHERE id = ?", (row["id"],))
            else:
                self.db.execute("UPDATE outbox SET payload = ?, result = ? WHERE id = ?",
                                (scrub.json_text(row["payload"]),
                                 scrub.json_text(row["result"]), row["id"]))
        return len(rows)

    def _others_kept(self, case_id: int, customer: str) -> bool:
        """Has the customer a case besides this one whose text is kept? Looked for after
        this case first: erasing a customer goes through its cases in id order, so each
        look is short (one scan of the earlier cases, for the last one only)."""
        for side in (">", "<"):
            if self._one(f"SELECT 1 AS n FROM cases WHERE id {side} ? AND lower(customer) = "
                         "lower(?) AND redacted_at IS NULL ORDER BY id LIMIT 1",
                         (case_id, customer)) is not None:
                return True
        return False

    def prune_outbox(self, done_before: str) -> int:
        cur = self.db.execute("DELETE FROM outbox WHERE state = 'done' AND updated_at < ?",
                              (done_before,))
        return max(cur.rowcount, 0)

    def prune_inbox(self, done_before: str) -> int:
        cur = self.db.execute("DELETE FROM inbox WHERE done_at IS NOT NULL AND done_at < ?",
                              (done_before,))
        return max(cur.rowcount, 0)

    def compact(self, probes: list[str] | None = None) -> bool:
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

    def compact(self, probes: list[str] | None = None) -> bool:
        # The search index (FTS5) keeps a redacted case's old terms in its b-tree segments
        # (a delete only adds a tombstone to a newer segment) until its segments are merged:
        # 'optimize' merges them all into one, without the deleted entries (SQLite 3.42's
        # `secure-delete` option would remove them at the delete; Python's SQLite may be
        # older). ~0.3 s on a 52k-case year.
        with self.db.transaction():
            self.db.execute("INSERT INTO case_search (case_search) VALUES ('optimize')")
        # Every connection runs with secure_delete (bot/store/sqlite_conn.py): the cells a
        # redaction rewrote or freed are zeroed, so the old text is left only in the main
        # file's page images until a checkpoint copies the new ones over them, and in the
        # WAL until it is truncated: this checkpoint does both.
        self._checkpoint()
        if not probes or not self._holds(probes):
            return False
        # secure_delete does not reach everything: when SQLite rebuilds a b-tree page (a
        # split or a rebalance, many while a file fills) the old cells' bytes stay in the
        # page's unused gap, never zeroed. Only a rewrite of the file clears them: VACUUM,
        # done only when the erased texts are found still in the file. It holds the writer
        # while it runs (1.9 s for a 52k-case year of 224 MB, tests/test_erase_copies.py),
        # which a serving process's writers wait for (busy_timeout 5 s).
        self.db.execute("VACUUM")
        self._checkpoint()
        return True

    def _checkpoint(self) -> None:
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def _holds(self, probes: list[str]) -> bool:
        """Does the main file hold one of these texts, as stored (UTF-8), anywhere?"""
        needles = sorted({p.encode() for p in probes if len(p) >= 3}, key=len)
        if not needles:
            return False
        keep = len(needles[-1]) - 1  # a text across two chunks is still found
        path = self.db.execute("PRAGMA database_list").fetchone()[2]
        if not path:
            return False  # in memory: no file
        tail = b""
        with open(path, "rb") as f:
            while chunk := f.read(1 << 22):
                window = tail + chunk
                if any(n in window for n in needles):
                    return True
                tail = window[-keep:] if keep else b""
        return False
