"""The outbox: platform side effects written in a command's transaction, done after it.

A row is `pending` until the worker has done it (`done`) or given up on it (`failed`).
`next_at` is when it may be tried next: the worker claims a row by moving `next_at` past
now (a lease), so two workers never perform it at once, and a worker killed mid-call
leaves a row that is tried again when the lease runs out.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

from bot.store.base import BaseQueries, SqlDb
from bot.store.interfaces import OutboxItem
from bot.store.interfaces.holders import Holders


def _item(r: dict[str, Any]) -> OutboxItem:
    return OutboxItem(id=r["id"], case_id=r["case_id"], platform=r["platform"], kind=r["kind"],
                      payload=json.loads(r["payload"]), state=r["state"], tries=r["tries"],
                      next_at=r["next_at"], last_error=r["last_error"],
                      result=json.loads(r["result"]) if r["result"] else None)


class SqlOutbox(BaseQueries):
    """A claimed row records its holder (this process) for the length of its lease: should
    the holder die, another replica makes the row due at once (bot/store/interfaces/
    holders.py) instead of waiting for the lease to run out."""

    def __init__(self, db: SqlDb, holders: Holders) -> None:
        super().__init__(db)
        self.holders = holders

    def add(self, case_id: int | None, platform: str, kind: str, payload: dict[str, Any],
            at: str) -> int:
        return self._insert(
            "INSERT INTO outbox (case_id, platform, kind, payload, state, tries, next_at, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, 'pending', 0, ?, ?, ?)",
            (case_id, platform, kind, json.dumps(payload), at, at, at))

    def get(self, item_id: int) -> OutboxItem | None:
        row = self._one("SELECT * FROM outbox WHERE id = ?", (item_id,))
        return _item(row) if row else None

    def due(self, now: str, limit: int = 50, among: Collection[int] | None = None
            ) -> list[OutboxItem]:
        # `among`: the rows a command just added, read alone (not every due row to pick
        # them out of: under load that is up to `limit` rows per command).
        ids = f" AND id IN ({', '.join('?' * len(among))})" if among is not None else ""
        if among is not None and not among:
            return []
        return [_item(r) for r in self._all(
            f"SELECT * FROM outbox WHERE state = 'pending' AND next_at <= ?{ids} "
            "ORDER BY id LIMIT ?", (now, *(among or ()), limit))]

    def claim(self, item_id: int, now: str, until: str,
              barriers: Collection[str] = ()) -> bool:
        return self.take(item_id, now, until, barriers) is not None

    def take(self, item_id: int, now: str, until: str,
             barriers: Collection[str] = ()) -> OutboxItem | None:
        # Each claim counts as a try: a worker killed mid-call has tried once already, and
        # the next one then looks before it acts again (a room by name, a post by its text).
        # A barrier (making or archiving the room) waits for its case's earlier rows, and
        # every row for an earlier barrier: in the claim itself, because another replica's
        # worker may be doing those earlier rows right now (the resolution is posted before
        # the room is archived, whichever replicas do the two).
        # A helpdesk write-back never holds a barrier back: the room is made (a reopened
        # case's) and archived whatever a ticket's write-backs are waiting for (issue 25).
        kinds = ", ".join("?" * len(barriers)) or "NULL"
        rows = self._all(
            "UPDATE outbox SET next_at = ?, tries = tries + 1, updated_at = ?, holder = ? "
            "WHERE id = ? "
            "AND state = 'pending' AND next_at <= ? AND NOT EXISTS (SELECT 1 FROM outbox e "
            "WHERE e.case_id = outbox.case_id AND e.id < outbox.id AND e.state = 'pending' "
            f"AND (outbox.kind IN ({kinds}) OR e.kind IN ({kinds})) "
            f"AND NOT (outbox.kind IN ({kinds}) AND e.kind = 'helpdesk')) RETURNING *",
            (until, now, self.holders.me(), item_id, now, *barriers, *barriers, *barriers))
        return _item(rows[0]) if rows else None

    def finish(self, item_id: int, result: dict[str, Any] | None, at: str) -> None:
        self.db.execute("UPDATE outbox SET state = 'done', result = ?, updated_at = ? "
                        "WHERE id = ?", (json.dumps(result) if result else None, at, item_id))

    def later(self, item_id: int, tries: int, next_at: str, error: str | None, at: str) -> None:
        # Waiting out a backoff, nobody holds it: a dead replica's retry waits its turn.
        self.db.execute("UPDATE outbox SET tries = ?, next_at = ?, last_error = ?, "
                        "updated_at = ?, holder = NULL WHERE id = ?",
                        (tries, next_at, error, at, item_id))

    def give_up(self, item_id: int, tries: int, error: str, at: str) -> None:
        self.db.execute("UPDATE outbox SET state = 'failed', tries = ?, last_error = ?, "
                        "updated_at = ? WHERE id = ?", (tries, error, at, item_id))

    def release(self, at: str) -> int:
        cur = self.db.execute("UPDATE outbox SET next_at = ? WHERE state = 'pending' AND "
                              "next_at > ?", (at, at))
        return cur.rowcount

    def failed(self, case_id: int) -> list[OutboxItem]:
        return [_item(r) for r in self._all(
            "SELECT * FROM outbox WHERE case_id = ? AND state = 'failed' ORDER BY id",
            (case_id,))]

    def pending_for(self, case_id: int) -> list[OutboxItem]:
        return [_item(r) for r in self._all(
            "SELECT * FROM outbox WHERE case_id = ? AND state = 'pending' ORDER BY id",
            (case_id,))]

    def retry(self, case_id: int, at: str) -> int:
        cur = self.db.execute(
            "UPDATE outbox SET state = 'pending', tries = 0, next_at = ?, updated_at = ? "
            "WHERE case_id = ? AND state = 'failed'", (at, at, case_id))
        count = cur.rowcount
        if count:  # what waited for them (calls into a room never made) is due now too
            self.db.execute("UPDATE outbox SET next_at = ? WHERE case_id = ? AND "
                            "state = 'pending' AND next_at > ?", (at, case_id, at))
        return count

    def counts(self) -> dict[str, int]:
        return {r["state"]: r["n"] for r in self._all(
            "SELECT state, COUNT(*) AS n FROM outbox GROUP BY state")}

    def overdue(self, before: str) -> int:
        row = self._one("SELECT COUNT(*) AS n FROM outbox WHERE state = 'pending' AND "
                        "next_at < ?", (before,))
        return int(row["n"]) if row else 0
