"""Nudges: each nudge is marked before it is sent, once per kind, cause and receiver."""

from __future__ import annotations

from bot.store.base import BaseQueries


class SqlNudges(BaseQueries):
    def mark(self, kind: str, cause: str, to: str, case_id: int | None, at: str) -> bool:
        # False: sent before (by this process before a restart, or by another replica).
        cur = self.db.execute("INSERT INTO nudges (kind, cause, to_id, case_id, at) "
                              "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                              (kind, cause, to, case_id, at))
        return cur.rowcount == 1

    def unmark(self, kind: str, cause: str, to: str) -> None:
        self.db.execute("DELETE FROM nudges WHERE kind = ? AND cause = ? AND to_id = ?",
                        (kind, cause, to))

    def breach(self, case_id: int, policy: str, target: str, due_at: str, at: str) -> bool:
        """Record an SLA breach once (False: recorded before, here or by another replica)."""
        cur = self.db.execute("INSERT INTO sla_breaches (case_id, policy, target, due_at, at) "
                              "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                              (case_id, policy, target, due_at, at))
        return cur.rowcount == 1

    def sent(self, kind: str, cause: str) -> list[str]:
        """Who was nudged of this kind for this cause (oldest first)."""
        return [r["to_id"] for r in self._all(
            "SELECT to_id FROM nudges WHERE kind = ? AND cause = ? ORDER BY at",
            (kind, cause))]
