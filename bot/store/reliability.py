"""SQLite reliability records: the inbox, the platform-call log (intents), once-only sends."""

from __future__ import annotations

import json
from typing import Any

from bot.store.base import BaseQueries
from bot.store.interfaces import InboxItem, Intent


class SqliteInbox(BaseQueries):
    def put(self, key: str, source: str, payload: str, at: str) -> bool:
        cur = self.db.execute(
            "INSERT INTO inbox (key, source, payload, received_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (key) DO NOTHING", (key, source, payload, at))
        return cur.rowcount == 1

    def done(self, key: str, at: str) -> None:
        self.db.execute("UPDATE inbox SET done_at = ? WHERE key = ?", (at, key))

    def pending(self, source: str) -> list[InboxItem]:
        return [InboxItem(key=r["key"], source=r["source"], payload=r["payload"],
                          received_at=r["received_at"])
                for r in self._all("SELECT * FROM inbox WHERE done_at IS NULL AND source = ? "
                                   "ORDER BY received_at", (source,))]


class SqliteIntents(BaseQueries):
    def add(self, kind: str, case_id: int | None, platform: str, payload: dict[str, Any],
            at: str) -> int:
        return self._insert(
            "INSERT INTO intents (kind, case_id, platform, payload, state, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, 'pending', ?, ?)",
            (kind, case_id, platform, json.dumps(payload), at, at))

    def finish(self, intent_id: int, state: str, result: dict[str, Any] | None,
               at: str) -> None:
        self.db.execute("UPDATE intents SET state = ?, result = ?, updated_at = ? WHERE id = ?",
                        (state, json.dumps(result) if result is not None else None, at,
                         intent_id))

    def pending(self, created_before: str | None = None) -> list[Intent]:
        sql, params = "SELECT * FROM intents WHERE state = 'pending'", []
        if created_before is not None:
            sql += " AND created_at < ?"
            params.append(created_before)
        return [Intent(id=r["id"], kind=r["kind"], case_id=r["case_id"], platform=r["platform"],
                       payload=json.loads(r["payload"]), state=r["state"],
                       created_at=r["created_at"])
                for r in self._all(sql + " ORDER BY id", params)]


class SqliteSentMarks(BaseQueries):
    def mark(self, kind: str, period: str, destination: str, at: str) -> bool:
        cur = self.db.execute(
            "INSERT INTO sent (kind, period, destination, sent_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (kind, period, destination) DO NOTHING", (kind, period, destination, at))
        return cur.rowcount == 1

    def unmark(self, kind: str, period: str, destination: str) -> None:
        self.db.execute("DELETE FROM sent WHERE kind = ? AND period = ? AND destination = ?",
                        (kind, period, destination))

    def mark_reminded(self, promise_id: int, at: str) -> bool:
        cur = self.db.execute("UPDATE promises SET reminded_at = ? WHERE id = ? AND "
                              "reminded_at IS NULL", (at, promise_id))
        return cur.rowcount == 1

    def unmark_reminded(self, promise_id: int) -> None:
        self.db.execute("UPDATE promises SET reminded_at = NULL WHERE id = ?", (promise_id,))
