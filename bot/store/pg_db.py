"""The PostgreSQL connection the repositories share: a psycopg 3 pool behind the small
`execute` surface the SQLite repositories already use, so both stores run the same queries.

Why a translation and not a second copy of every query: the repositories' SQL is portable
(bot/store/migrations.py keeps it so); only the placeholder differs (`?` in sqlite3, `%s` in
psycopg) and ids come back through `RETURNING` instead of `lastrowid`. Queries that must be
PostgreSQL's own (the digest's window reads, bulk COPY) live in bot/store/postgres.py.

The store interface is synchronous and runs on threads (handlers/unit_of_work.py: never on
the event loop), so this uses psycopg's sync API: a pool, one connection per statement
outside a transaction, and one connection pinned to the calling thread (and task) for the
length of a `transaction()`. A transaction never spans an await: a unit of work runs whole
on its thread, so no other request's statement can run on its connection.

Why pinning no more than that: the pool costs ~10 us a statement here, against ~150 us for
the round trip itself (tests/store/bench_entrance.py; a command is ~8 statements), and
holding a connection across a command's platform calls would starve the small pool.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import Any

import psycopg
from psycopg.rows import DictRow, dict_row, tuple_row
from psycopg_pool import ConnectionPool, PoolTimeout

from bot.store import pg_lean
from bot.store.deferred import Deferred

log = logging.getLogger("swarmbot")


@lru_cache(maxsize=1024)
def to_psycopg(sql: str) -> str:
    """`?` placeholders become `%s`; a literal `%` becomes `%%` (psycopg's escape).

    Quoted literals and identifiers are copied as they are, so a `?` inside one stays.
    """
    out: list[str] = []
    quote: str | None = None
    for ch in sql:
        if quote:
            out.append("%%" if ch == "%" else ch)
            if ch == quote:
                quote = None
        elif ch in ("'", '"'):
            quote = ch
            out.append(ch)
        elif ch == "?":
            out.append("%s")
        elif ch == "%":
            out.append("%%")
        else:
            out.append(ch)
    return "".join(out)


class Result:
    """What `execute` returns: the rows already fetched, and how many rows were changed.

    Rows are fetched before the connection goes back to the pool, so a caller never holds a
    cursor on a connection another thread may be using."""

    def __init__(self, rows: list[dict[str, Any]], rowcount: int) -> None:
        self._rows = rows
        self.rowcount = rowcount

    def fetchone(self) -> dict[str, Any] | None:
        return self._rows[0] if self._rows else None

    def fetchall(self) -> list[dict[str, Any]]:
        return self._rows

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self._rows)


# How long a statement or a transaction waits for a connection from the pool before the
# store counts as unavailable (PoolTimeout). The pool has a connection for every thread that
# uses one, so a wait means the server is gone: its connections died and the pool cannot
# make new ones. psycopg_pool's default, 30 s, made the inbox writer wait for the server to
# come back with every ack of the outage behind it (Slack's 200s came after 6 s, past its
# 3 s, for commands that then ran); at 1 s the ack is a 503 + Retry-After within Slack's
# time, a command is told it is delayed, and /readyz answers within its 2 s deadline.
POOL_WAIT = 1.0
# How long a read that can go without a second connection waits for one (`spare`): a pool
# that must open one first answers late, and the read goes on without it meanwhile.
SPARE_WAIT = 0.05
# Threads that keep a connection of their own (handlers/unit_of_work.py, inbox_writer.py):
# few, long-lived, and busy with the store.
KEEPERS = ("swarmbot-unit", "swarmbot-inbox")
# A statement is prepared (parsed and planned once, on its connection) the second time that
# connection runs it, not the sixth (psycopg's default): each replica keeps ~10 connections,
# so with psycopg's 5 most of a 300-command run went unprepared (parse and plan each time)
# on 3 replicas, and the backends' CPU a command rose with the replicas. A statement run once
# (a batch of an unusual size) is still never prepared.
PREPARE_AFTER = 1


def _configure(conn: psycopg.Connection[Any]) -> None:
    """Each new pool connection, before its first use: no JIT compilation (PostgreSQL
    compiles a statement whose estimated cost passes `jit_above_cost`, 100,000 by default:
    150 ms each time for a similar-cases statement that runs in 2 ms; no statement here runs
    long enough to gain from it), and the English text search configuration loaded (the
    first search on a connection took 10-16 ms more to load its stemmer and stop words).

    And long values compressed with lz4, not pglz (PostgreSQL 14+ built with lz4; else
    pglz stays, at no extra round trip where it works): a week's kept digest is ~1.5 MB of
    JSON, which pglz took 25-45 ms to compress where lz4 takes 5-10 (issue 28: the first
    digest of a fresh process keeps what it computed), at a size within 10%."""
    try:
        conn.execute(_CONFIGURE + "; SET default_toast_compression = lz4")
    except (psycopg.errors.InvalidParameterValue, psycopg.errors.UndefinedObject):
        conn.execute(_CONFIGURE)


_CONFIGURE = "SET jit = off; SELECT to_tsvector('english', 'warming')"


class Connection(psycopg.Connection[DictRow]):
    """A pool connection, with the cursor its statements reuse (`PgDb._cursor`)."""

    reused_cursor: psycopg.Cursor[tuple[Any, ...]] | None = None


class PgDb:
    """A pool and, per task, the connection of the transaction in progress (if any)."""

    dialect = "postgres"  # bot/store/base.py SqlDb

    def __init__(self, url: str, min_size: int = 1, max_size: int = 4,
                 wait: float = POOL_WAIT) -> None:
        self.url = url
        # autocommit: a statement outside `transaction()` commits on its own, as in SQLite's
        # autocommit mode; `transaction()` opens an explicit one (nested ones join it).
        # The pool's connections make dict rows (`row_factory`), as its type says.
        self.pool: ConnectionPool[psycopg.Connection[DictRow]] = ConnectionPool(
            url, min_size=min_size, max_size=max_size, open=False,
            kwargs={"autocommit": True, "row_factory": dict_row,
                    "prepare_threshold": PREPARE_AFTER}, name="swarmbot",
            connection_class=Connection, configure=_configure,
            timeout=wait)
        self.pool.open(wait=True, timeout=10)
        self._kept = threading.local()  # a keeper thread's own connection (`_own`)
        self._all_kept: set[psycopg.Connection[dict[str, Any]]] = set()
        self._kept_lock = threading.Lock()
        # (thread id, connection): a thread started from inside a transaction copies the
        # context (asyncio.to_thread does) but must not share the connection: it takes its own.
        self._pinned: ContextVar[tuple[int, psycopg.Connection[dict[str, Any]]] | None] = \
            ContextVar(f"swarmbot-pg-{id(self)}", default=None)
        # The open transaction's work left to its end (bot/store/deferred.py).
        self._deferred: ContextVar[Deferred | None] = \
            ContextVar(f"swarmbot-pg-deferred-{id(self)}", default=None)

    def _current(self) -> psycopg.Connection[dict[str, Any]] | None:
        pinned = self._pinned.get()
        if pinned is None or pinned[0] != threading.get_ident():
            return None
        return pinned[1]

    @contextmanager
    def _own(self) -> Iterator[psycopg.Connection[dict[str, Any]]]:
        """A connection for this thread, outside any transaction: a unit thread's or the
        inbox writer's is its own, kept across statements (taking one from the pool and
        giving it back costs more CPU than a simple statement); any other thread takes one
        from the pool for the statement. A kept connection that fails is given back to the
        pool (which discards a broken one) and the next statement takes a fresh one."""
        if not threading.current_thread().name.startswith(KEEPERS):
            with self.pool.connection() as taken:
                yield taken
            return
        kept: psycopg.Connection[dict[str, Any]] | None = getattr(self._kept, "conn", None)
        if kept is None or kept.closed or kept.broken:
            if kept is not None:
                self._give_back(kept)
            kept = self.pool.getconn()
            self._kept.conn = kept
            with self._kept_lock:
                self._all_kept.add(kept)
        try:
            yield kept
        except psycopg.OperationalError:
            self._give_back(kept)
            raise

    def _give_back(self, conn: psycopg.Connection[dict[str, Any]]) -> None:
        self._kept.conn = None
        with self._kept_lock:
            self._all_kept.discard(conn)
        self.pool.putconn(conn)

    @contextmanager
    def spare(self) -> Iterator[psycopg.Connection[dict[str, Any]] | None]:
        """Another connection than this thread's, from the pool if one is free now (None if
        not: the caller does without it rather than wait), given back after."""
        try:
            conn = self.pool.getconn(timeout=SPARE_WAIT)
        except PoolTimeout:
            yield None
            return
        try:
            yield conn
        finally:
            self.pool.putconn(conn)

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection[dict[str, Any]]]:
        """The thread's transaction connection if one is open, else its own (`_own`)."""
        pinned = self._current()
        if pinned is not None:
            yield pinned
            return
        with self._own() as conn:
            yield conn

    @contextmanager
    def transaction(self) -> Iterator[None]:
        pinned = self._current()
        if pinned is not None:
            # Part of the transaction already open: an exception out of it rolls the whole
            # transaction back, so a savepoint here (SAVEPOINT and RELEASE, two round trips)
            # would buy nothing; `savepoint()` is the one to take where an error is caught
            # and the transaction goes on.
            yield
            return
        with self._own() as conn:
            deferred = Deferred()
            token = self._pinned.set((threading.get_ident(), conn))
            held = self._deferred.set(deferred)
            try:
                with self._begun(conn):
                    yield
                    deferred.run()  # before COMMIT, in the transaction
            finally:
                self._deferred.reset(held)
                self._pinned.reset(token)

    @staticmethod
    @contextmanager
    def _begun(conn: psycopg.Connection[Any]) -> Iterator[None]:
        """BEGIN, then COMMIT, or ROLLBACK on an exception (which goes on up; a rollback
        that fails too, the connection gone, is left to the pool), sent straight through
        libpq: psycopg's `transaction()` costs ~25 us more of this process's CPU. A
        `savepoint()` inside still works: psycopg sees the server's transaction status."""
        pg_lean.command(conn, b"BEGIN")
        try:
            yield
        except BaseException:
            if not conn.broken and not conn.closed:
                try:
                    pg_lean.command(conn, b"ROLLBACK")
                except psycopg.Error as err:  # the exception that got here is the one to tell
                    log.warning("ROLLBACK after an error failed too: %s", err)
            raise
        pg_lean.command(conn, b"COMMIT")

    def in_transaction(self) -> bool:
        """Whether this thread has a `transaction()` open."""
        return self._current() is not None

    def deferred(self) -> Deferred | None:
        """This thread's open transaction's work left to its end (None outside one)."""
        return self._deferred.get() if self._current() is not None else None

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """Inside this thread's transaction, a savepoint an exception rolls back to (the
        transaction goes on); outside one, nothing (each statement commits alone)."""
        pinned, deferred = self._current(), self._deferred.get()
        if pinned is None or deferred is None:
            yield
            return
        mark = deferred.mark()
        try:
            with pinned.transaction():
                yield
        except BaseException:
            deferred.restore(mark)  # what was deferred inside is rolled back with it
            raise

    def _cursor(self, conn: psycopg.Connection[Any]) -> psycopg.Cursor[tuple[Any, ...]]:
        """The connection's own cursor, made once and reused by every statement on it (a
        connection serves one thread at a time; the rows are fetched before it is given
        back): a cursor a statement, and psycopg's dict rows, cost ~30 us of this process's
        CPU a statement, about a third of psycopg's share. Rows come as tuples and become
        dicts here, with the column names read off the result."""
        cur = getattr(conn, "reused_cursor", None)
        if cur is None or cur.closed:
            cur = conn.cursor(row_factory=tuple_row)
            if isinstance(conn, Connection):
                conn.reused_cursor = cur
        return cur

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Result:
        pinned = self._pinned.get()  # `connection()`, without its two context managers
        if pinned is not None and pinned[0] == threading.get_ident():
            return self._execute(pinned[1], sql, params)
        with self._own() as conn:
            return self._execute(conn, sql, params)

    def _execute(self, conn: psycopg.Connection[Any], sql: str, params: Sequence[Any]
                 ) -> Result:
        lean = pg_lean.run(conn, sql, params)  # a plain statement, through libpq
        if lean is not None:
            names, rows, changed = lean
            return Result([dict(zip(names, row, strict=True)) for row in rows], changed)
        cur = self._cursor(conn)
        cur.execute(to_psycopg(sql), tuple(params))
        res = cur.pgresult
        if res is None or not res.nfields:  # a statement without rows (no RETURNING)
            return Result([], cur.rowcount)
        names = [res.fname(i).decode() for i in range(res.nfields)]  # type: ignore[union-attr]
        return Result([dict(zip(names, row, strict=True)) for row in cur.fetchall()],
                      cur.rowcount)

    def planned_each_time(self, sql: str, params: Sequence[Any] = ()) -> Result:
        """`execute`, never as a prepared statement: the server plans it with these values
        each time. For the search statements, whose best plan hangs on the words (a rare
        word through the GIN index, a common one through the newest cases): psycopg
        prepares a statement run 5 times, and PostgreSQL's generic plan for it, blind to
        the words, took 200 ms where the planned one takes 2 (issue 28)."""
        with self.connection() as conn, conn.cursor() as cur:
            cur.execute(to_psycopg(sql), tuple(params), prepare=False)
            rows = cur.fetchall() if cur.description is not None else []
            return Result(rows, cur.rowcount)

    def tuples(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Plain tuples: what the digest reads in bulk."""
        with self.connection() as conn:
            lean = pg_lean.run(conn, sql, params)
            if lean is not None:
                return lean[1]
            cur = self._cursor(conn)
            cur.execute(to_psycopg(sql), tuple(params))
            return cur.fetchall()

    def insert_id(self, sql: str, params: Sequence[Any]) -> int:
        """Run an INSERT and return the id the server gave the row (`RETURNING id`)."""
        row = self.execute(sql + " RETURNING id", params).fetchone()
        assert row is not None, "INSERT ... RETURNING id returns the row"
        return int(row["id"])

    def bulk_insert(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
                    ) -> None:
        """COPY rows in (the bulk load's fast path); ids given explicitly move the table's
        identity on, so the next INSERT does not collide with them."""
        with self.connection() as conn, conn.cursor() as cur:
            with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            if "id" in columns:
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                            f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)")

    def close(self) -> None:
        with self._kept_lock:
            kept, self._all_kept = list(self._all_kept), set()
        for conn in kept:  # the keepers' (their threads have stopped by now)
            self.pool.putconn(conn)
        self.pool.close()


def is_unavailable(err: BaseException) -> bool:
    """A failure of the server or the connection, not of the command: the server is down,
    the backend was terminated, no connection came from the pool in time."""
    from psycopg_pool import PoolTimeout

    return isinstance(err, psycopg.OperationalError | psycopg.InterfaceError | PoolTimeout) \
        and not is_retryable(err)


def is_retryable(err: BaseException) -> bool:
    """The server aborted the transaction to break a deadlock or a serialization conflict:
    nothing of it stayed, and running it again will most likely go through."""
    # SQLSTATE class 40 (transaction rollback): 40P01 deadlock, 40001 serialization; psycopg's
    # classes for them do not share a base, their codes do.
    return isinstance(err, psycopg.Error) and (err.sqlstate or "").startswith("40")
