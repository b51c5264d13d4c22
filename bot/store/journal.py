"""Queries for the case journal, and for the reliability tables (intents, inbox, sent-once)."""

from __future__ import annotations

import json
from typing import Any

from bot.domain import CaseStatus, Promise
from bot.store.base import BaseQueries

_JOURNAL_TABLES = frozenset(
    {"touchpoints", "moods", "decisions", "frictions", "promises", "thanks", "help_requests"})


class JournalQueries(BaseQueries):
    # journal: touchpoints, moods, decisions, friction, promises, thanks ----
    def insert_row(self, table: str, values: dict[str, Any]) -> int:
        if table not in _JOURNAL_TABLES:
            raise ValueError(f"not a journal table: {table}")
        cols = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        return self._insert(f"INSERT INTO {table} ({cols}) VALUES ({marks})",
                            list(values.values()))

    def rows(self, table: str, case_id: int) -> list[dict[str, Any]]:
        if table not in _JOURNAL_TABLES:
            raise ValueError(f"not a journal table: {table}")
        return self._all(f"SELECT * FROM {table} WHERE case_id = ? ORDER BY id", (case_id,))

    def row(self, table: str, row_id: int) -> dict[str, Any] | None:
        if table not in _JOURNAL_TABLES:
            raise ValueError(f"not a journal table: {table}")
        return self._one(f"SELECT * FROM {table} WHERE id = ?", (row_id,))

    def set_outcome(self, decision_id: int, outcome: str, at: str) -> None:
        self.db.execute("UPDATE decisions SET outcome = ?, outcome_at = ? WHERE id = ?",
                        (outcome, at, decision_id))

    def keep_promise(self, promise_id: int, at: str) -> None:
        self.db.execute("UPDATE promises SET kept_at = ? WHERE id = ?", (at, promise_id))

    def open_promises(self, case_id: int) -> list[Promise]:
        rows = self._all("SELECT * FROM promises WHERE case_id = ? AND kept_at IS NULL "
                         "ORDER BY due", (case_id,))
        return [Promise(id=r["id"], case_id=r["case_id"], what=r["what"], due=r["due"],
                        made_by=r["made_by"], made_at=r["made_at"], kept_at=r["kept_at"])
                for r in rows]

    def promises_due_for_reminder(self, before: str) -> list[dict[str, Any]]:
        return self._all(
            "SELECT p.*, c.ref, c.owner_id, c.platform, c.room_id FROM promises p "
            "JOIN cases c ON c.id = p.case_id WHERE p.kept_at IS NULL AND "
            "p.reminded_at IS NULL AND p.due <= ? AND c.status = ? ORDER BY p.due",
            (before, CaseStatus.OPEN.value))

    def mark_reminded(self, promise_id: int, at: str) -> bool:
        """True only for the first caller: reminders go out once."""
        cur = self.db.execute("UPDATE promises SET reminded_at = ? WHERE id = ? AND "
                              "reminded_at IS NULL", (at, promise_id))
        return cur.rowcount == 1

    def last_row(self, table: str, case_id: int) -> dict[str, Any] | None:
        if table not in _JOURNAL_TABLES:
            raise ValueError(f"not a journal table: {table}")
        return self._one(f"SELECT * FROM {table} WHERE case_id = ? ORDER BY id DESC", (case_id,))


class ReliabilityQueries(BaseQueries):
    # intents (intent before side effect) -----------------------------------
    def add_intent(self, kind: str, case_id: int | None, platform: str,
                   payload: dict[str, Any], at: str) -> int:
        return self._insert(
            "INSERT INTO intents (kind, case_id, platform, payload, state, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, 'pending', ?, ?)",
            (kind, case_id, platform, json.dumps(payload), at, at))

    def finish_intent(self, intent_id: int, state: str, result: dict[str, Any] | None,
                      at: str) -> None:
        self.db.execute("UPDATE intents SET state = ?, result = ?, updated_at = ? WHERE id = ?",
                        (state, json.dumps(result) if result is not None else None, at,
                         intent_id))

    def pending_intents(self, created_before: str | None = None) -> list[dict[str, Any]]:
        sql, params = "SELECT * FROM intents WHERE state = 'pending'", []
        if created_before is not None:
            sql += " AND created_at < ?"
            params.append(created_before)
        rows = self._all(sql + " ORDER BY id", params)
        for r in rows:
            r["payload"] = json.loads(r["payload"])
        return rows

    # inbox (inbox before ack) ----------------------------------------------
    def inbox_put(self, key: str, source: str, payload: str, at: str) -> bool:
        """Record an incoming request; False when its key was seen before (a redelivery)."""
        cur = self.db.execute(
            "INSERT INTO inbox (key, source, payload, received_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (key) DO NOTHING", (key, source, payload, at))
        return cur.rowcount == 1

    def inbox_done(self, key: str, at: str) -> None:
        self.db.execute("UPDATE inbox SET done_at = ? WHERE key = ?", (at, key))

    def inbox_pending(self, source: str) -> list[dict[str, Any]]:
        return self._all("SELECT * FROM inbox WHERE done_at IS NULL AND source = ? "
                         "ORDER BY received_at", (source,))

    # sent once (digests, reminders) ----------------------------------------
    def mark_sent(self, kind: str, period: str, destination: str, at: str) -> bool:
        """True only the first time (kind, period, destination) is sent."""
        cur = self.db.execute(
            "INSERT INTO sent (kind, period, destination, sent_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (kind, period, destination) DO NOTHING", (kind, period, destination, at))
        return cur.rowcount == 1

    def unmark_sent(self, kind: str, period: str, destination: str) -> None:
        self.db.execute("DELETE FROM sent WHERE kind = ? AND period = ? AND destination = ?",
                        (kind, period, destination))
