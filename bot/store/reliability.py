"""Reliability records: the inbox, once-only sends (the outbox: outbox.py)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.store.base import BaseQueries, SqlDb
from bot.store.interfaces import InboxItem
from bot.store.interfaces.holders import Holders

# Rows per INSERT of `put_many` at most (6 parameters each; SQLite takes 32,766).
PER_INSERT = 500


class SqlInbox(BaseQueries):
    """Each row written records its holder, this process (bot/store/interfaces/holders.py):
    it runs the row; another replica takes the row over only once this one is gone."""

    def __init__(self, db: SqlDb, holders: Holders) -> None:
        super().__init__(db)
        self.holders = holders

    def put(self, key: str, source: str, payload: str, at: str, done: bool = False) -> bool:
        return self.put_many([(key, source, payload, done)], at)[0]

    def put_many(self, rows: Sequence[tuple[str, str, str, bool]], at: str) -> list[bool]:
        # One statement for the rows of acks that arrived together: one round trip on
        # PostgreSQL where a transaction of single INSERTs took one per row and two more.
        assert len(rows) <= PER_INSERT, "a caller writes at most PER_INSERT rows at once"
        if not rows:
            return []
        me = self.holders.me()
        params = [v for key, source, payload, done in rows
                  for v in (key, source, payload, at, at if done else None, me)]
        # A key already there is left out before the INSERT tries it (NOT EXISTS reads the
        # committed row, never waiting): `ON CONFLICT DO NOTHING` alone waits on PostgreSQL
        # for the transaction of a unit that is running that delivery (its `take` updated
        # the row), and every ack queued behind this statement, on this replica's one inbox
        # thread, waited with it: a delivery sent to two replicas held the second one's
        # acks for the first one's whole command (benchmarks/pg_replicas.py, 3 replicas).
        # ON CONFLICT still settles two replicas inserting a new key at once.
        inserted = {r["key"] for r in self._all(
            "WITH v (key, source, payload, received_at, done_at, holder) AS (VALUES "
            + ", ".join(["(?, ?, ?, ?, ?, CAST(? AS BIGINT))"] * len(rows))
            + ") INSERT INTO inbox (key, source, payload, received_at, done_at, holder) "
            "SELECT key, source, payload, received_at, done_at, holder FROM v WHERE NOT EXISTS "
            "(SELECT 1 FROM inbox i WHERE i.key = v.key) "
            "ON CONFLICT (key) DO NOTHING RETURNING key", params)}
        fresh = []
        for key, *_ in rows:
            fresh.append(key in inserted)
            inserted.discard(key)  # the same key again in these rows: a redelivery
        return fresh

    def done(self, key: str, at: str) -> None:
        self.db.execute("UPDATE inbox SET done_at = ? WHERE key = ?", (at, key))

    def fail(self, key: str, error_id: str, at: str) -> None:
        self.db.execute("UPDATE inbox SET failed_at = ?, error_id = ? WHERE key = ? AND "
                        "done_at IS NULL", (at, error_id, key))

    def failed_count(self) -> int:
        row = self._one("SELECT COUNT(*) AS n FROM inbox WHERE failed_at IS NOT NULL")
        return int(row["n"]) if row else 0

    def take(self, key: str, at: str) -> bool:
        # One UPDATE: on PostgreSQL it locks the row, so a second replica replaying the same
        # delivery waits for the first one's commit and then finds it done (READ COMMITTED
        # re-reads the row); on SQLite writers take turns (BEGIN IMMEDIATE).
        if self.db.execute("UPDATE inbox SET done_at = ? WHERE key = ? AND done_at IS NULL "
                           "AND failed_at IS NULL", (at, key)).rowcount == 1:
            return True
        # Nothing changed: done already, or a key never put (a command run by code).
        return self._one("SELECT 1 AS seen FROM inbox WHERE key = ?", (key,)) is None

    def pending(self, source: str, received_before: str | None = None,
                limit: int | None = None) -> list[InboxItem]:
        sql = ("SELECT * FROM inbox WHERE done_at IS NULL AND failed_at IS NULL AND "
               "source = ?")
        params: list[object] = [source]
        me = self.holders.me()
        if me is not None:
            # This process's rows, and those nobody holds (written before holders were
            # recorded); a live replica's are its own to run, a dead one's are taken over
            # (made this process's) first.
            sql += " AND (holder IS NULL OR holder = ?)"
            params.append(me)
        if received_before is not None:
            sql += " AND received_at < ?"
            params.append(received_before)
        # In the order they arrived, also within a second (times are stored to the second):
        # SQLite's rowid, PostgreSQL's arrival number (m061, bot/store/schema_holders.py).
        arrival = "rowid" if self.db.dialect == "sqlite" else "seq"
        sql += f" ORDER BY received_at, {arrival}"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [InboxItem(key=r["key"], source=r["source"], payload=r["payload"],
                          received_at=r["received_at"]) for r in self._all(sql, params)]


class SqlSentMarks(BaseQueries):
    def mark(self, kind: str, period: str, destination: str, at: str) -> bool:
        cur = self.db.execute(
            "INSERT INTO sent (kind, period, destination, sent_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (kind, period, destination) DO NOTHING", (kind, period, destination, at))
        return cur.rowcount == 1

    def unmark(self, kind: str, period: str, destination: str) -> None:
        self.db.execute("DELETE FROM sent WHERE kind = ? AND period = ? AND destination = ?",
                        (kind, period, destination))

    def marked(self, kind: str, period: str, destination: str) -> bool:
        return self.db.execute("SELECT 1 FROM sent WHERE kind = ? AND period = ? AND "
                               "destination = ?", (kind, period, destination)
                               ).fetchone() is not None

    def mark_reminded(self, promise_id: int, at: str) -> bool:
        cur = self.db.execute("UPDATE promises SET reminded_at = ? WHERE id = ? AND "
                              "reminded_at IS NULL", (at, promise_id))
        return cur.rowcount == 1

    def unmark_reminded(self, promise_id: int) -> None:
        self.db.execute("UPDATE promises SET reminded_at = NULL WHERE id = ?", (promise_id,))
