"""Replicas as holders on PostgreSQL (bot/store/interfaces/holders.py): each process holds a
session advisory lock on its own holder id, on a connection of its own, for as long as it
lives. The server releases it the moment the process's connection ends (the process
killed, its machine gone, the connection cut), and that is how the others know.

Taking over is one statement, run often (every quarter second by the replay loop) because
it is cheap: the holders of unfinished rows are read from two small partial indexes (m048);
for each, `pg_try_advisory_xact_lock` on its id succeeds only where nobody holds the
session lock, i.e. the holder is gone, and it is held until the statement ends, so two
replicas never take over the same holder at once (the second finds the rows moved:
under READ COMMITTED its UPDATE re-reads each row and skips those no longer the dead
holder's). A live holder's lock stays held however slow it is, so its rows stay its own.

The lock is this process's until its connection breaks (a terminated backend, the server
restarted); it is taken again at the next look. Meanwhile the others may take over what it
holds: each delivery still runs once (its inbox row is taken in the unit of work that runs
it, bot/store/reliability.py `take`), only by another replica.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import threading

import psycopg

from bot.store.interfaces.holders import TakenOver

log = logging.getLogger("swarmbot")
# The advisory lock space of holder ids: the first key of pg_advisory_lock(int, int), whose
# two-key locks never meet the one-key ones (the migrations' lock, bot/store/pg_schema.py).
SPACE = 0x7377  # "sw"

_TAKE_OVER = """
WITH gone AS MATERIALIZED (
    SELECT h FROM (
        SELECT holder AS h FROM inbox WHERE done_at IS NULL AND failed_at IS NULL
            AND holder IS NOT NULL AND holder <> %(me)s
        UNION
        SELECT holder FROM outbox WHERE state = 'pending' AND holder IS NOT NULL
            AND holder <> %(me)s) AS held
    WHERE pg_try_advisory_xact_lock(%(space)s, h::integer)),
calls AS (
    UPDATE outbox SET next_at = %(at)s, holder = NULL WHERE state = 'pending'
        AND holder IN (SELECT h FROM gone) RETURNING id),
moved AS (
    UPDATE inbox SET holder = %(me)s WHERE done_at IS NULL AND failed_at IS NULL
        AND holder IN (SELECT h FROM gone) RETURNING key)
SELECT key, NULL::bigint AS call FROM moved UNION ALL SELECT NULL, id FROM calls
"""


class PgHolders:
    def __init__(self, url: str) -> None:
        self.url = url
        # Random, never reused by a later process: a restarted replica is a new holder,
        # and the rows its former self held are taken over like any dead replica's.
        self.id = secrets.randbelow(2**31 - 2) + 1
        self._conn: psycopg.Connection[tuple[object, ...]] | None = None
        self._held = False
        self._ever = False  # held once: its rows carry its id from then on
        self._failing = False  # a failure was logged: one line an outage, not one a look
        self._lock = threading.Lock()

    def several(self) -> bool:
        return True

    def me(self) -> int | None:
        return self.id if self._ever else None

    def hold(self) -> bool:
        with self._lock:
            return self._hold()

    def _hold(self) -> bool:
        conn = self._conn
        if conn is not None and not (conn.closed or conn.broken):
            if self._held:
                return True
        else:
            if conn is not None:
                conn.close()
            self._conn = None
            try:
                conn = psycopg.connect(self.url, autocommit=True, connect_timeout=2)
            except psycopg.OperationalError as err:
                self._failed("cannot reach the database", err)
                return False
            self._conn = conn
        try:
            got = conn.execute("SELECT pg_try_advisory_lock(%s, %s)",
                               (SPACE, self.id)).fetchone()
        except (psycopg.OperationalError, psycopg.InterfaceError) as err:
            self._failed("its lock was not taken", err)
            return False
        # Not granted: another replica is taking over this one's rows right now (its
        # connection broke a moment ago); the next look takes it.
        self._held = bool(got and got[0])
        self._ever = self._ever or self._held
        return self._held

    def take_over(self, at: str) -> TakenOver:
        with self._lock:
            if not self._hold() or self._conn is None:
                return TakenOver()
            try:
                rows = self._conn.execute(_TAKE_OVER, {"me": self.id, "space": SPACE,
                                                       "at": at}).fetchall()
            except (psycopg.OperationalError, psycopg.InterfaceError) as err:
                # The connection (and with it the lock) is gone: taken again next time.
                self._failed("looking for replicas gone failed", err)
                self._held = False
                return TakenOver()
            if self._failing:
                log.info("replica holder %s: holding again", self.id)
                self._failing = False
        taken = TakenOver(keys=[str(k) for k, _ in rows if k is not None],
                          calls=sum(1 for _, c in rows if c is not None))
        if rows:
            log.info("took over %d deliveries and %d platform calls of replicas gone",
                     len(taken.keys), taken.calls)
        return taken

    def _failed(self, what: str, err: Exception) -> None:
        if not self._failing:
            first = str(err).strip().splitlines()
            log.warning("replica holder %s: %s (%s); trying again every look", self.id,
                        what, first[0] if first else type(err).__name__)
        self._failing = True

    def close(self) -> None:
        with self._lock:
            conn, self._conn, self._held = self._conn, None, False
        if conn is None:
            return
        # Let go at once (closing alone, the server sees the session end a moment later):
        # what this process leaves behind is the others' from now on.
        with contextlib.suppress(psycopg.OperationalError, psycopg.InterfaceError):
            if not (conn.closed or conn.broken):
                conn.execute("SELECT pg_advisory_unlock_all()")
        conn.close()
