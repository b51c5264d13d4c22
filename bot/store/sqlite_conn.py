"""SQLite connections, one per thread: no request ever shares a connection with another.

Why per thread: the core runs each unit of work on a worker thread (handlers/units.py), and
a sqlite3 connection holds one transaction at a time. Shared, a request's statement would
join whatever transaction another request had open on it, and be lost with its rollback or
with a crash before its commit (issue 23: 119 of 120 acknowledged notes lost while a digest
held one open). With a connection per thread, WAL lets readers read beside the one writer,
and `BEGIN IMMEDIATE` makes writers take turns at the start of a transaction instead of
failing half-way on a lock upgrade.
"""

from __future__ import annotations

import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import count
from typing import Any

from sqlite_utils import Database

from bot.store.deferred import Deferred

# Writers wait this long for the write lock before "database is locked": longer than any
# unit of work holds it, well under Slack's 3 s for the acks that wait on an inbox write.
BUSY_TIMEOUT_MS = 5000
# Statements that write (their first word, as `execute` sees it).
_WRITES = frozenset({"INSERT", "UPDATE", "DELETE", "REPLAC"})


def connect(path: str, read_only: bool = False) -> sqlite3.Connection:
    """A connection set up as every swarmbot connection is (autocommit, WAL, foreign keys)."""
    if path.startswith("file:"):  # a shared in-memory database (see ThreadDatabase)
        conn = sqlite3.connect(path, uri=True, check_same_thread=False, isolation_level=None)
    elif read_only:
        from pathlib import Path

        conn = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True,
                               check_same_thread=False, isolation_level=None)
    else:
        # check_same_thread off only so that `close()` can close every thread's connection.
        conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    if not read_only:
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA synchronous=NORMAL")
        # Deleted and overwritten content is zeroed where it was: erasing a customer needs
        # no VACUUM (which would hold the writer while it rewrites the file).
        conn.execute("PRAGMA secure_delete=ON")
    conn.execute("PRAGMA recursive_triggers=on")  # what sqlite-utils sets on its own
    return conn


class Fetched:
    """A write's RETURNING rows, read before its turn at the writer ended."""

    def __init__(self, rows: list[sqlite3.Row], rowcount: int) -> None:
        self._rows, self.rowcount = rows, rowcount

    def fetchone(self) -> sqlite3.Row | None:
        return self._rows[0] if self._rows else None

    def fetchall(self) -> list[sqlite3.Row]:
        return self._rows

    def __iter__(self) -> Iterator[sqlite3.Row]:
        return iter(self._rows)


class ThreadDatabase(Database):
    """sqlite-utils' Database whose `conn` is the calling thread's own connection to one
    file, opened on first use. Everything sqlite-utils does goes through `conn`, so its
    methods (and the repositories' `execute`) need no change."""

    dialect = "sqlite"  # bot/store/base.py SqlDb

    def __init__(self, path: str, read_only: bool = False) -> None:
        if path == ":memory:":
            # Every thread's connection must see the same database: one shared-cache
            # in-memory database, kept alive by the first connection (held in `_opened`).
            path = f"file:swarmbot-{uuid.uuid4().hex}?mode=memory&cache=shared"
        self._path = path
        self._read_only = read_only
        self._local = threading.local()
        # Each connection with the thread that opened it (the only one that runs on it).
        self._opened: list[tuple[sqlite3.Connection, threading.Thread]] = []
        self._opened_lock = threading.Lock()
        self._savepoints = count()
        self._writer = threading.Lock()  # this process's turn at SQLite's one writer
        super().__init__(self._open(), execute_plugins=False)

    def _open(self) -> sqlite3.Connection:
        conn = connect(self._path, self._read_only)
        with self._opened_lock:
            self._opened.append((conn, threading.current_thread()))
            if self._relaying:
                conn.set_trace_callback(self._relay)
        return conn

    _trace: Callable[[str], object] | None = None
    _relaying = False

    def _relay(self, sql: str) -> None:
        callback = self._trace
        if callback is not None:
            callback(sql)

    def set_trace(self, callback: Callable[[str], object] | None) -> None:
        """Every statement of every thread's connection, now and later, to `callback`
        (counting statements in tests and benchmarks; None stops it).

        The connections get a relay once, at the first call, and keep it: setting a trace
        callback on a connection another thread is running a statement on deadlocks when a
        callback is already there (this thread holds the GIL and waits for the connection's
        mutex; that thread holds the mutex and waits for the GIL to call the callback). A
        later call only changes what the relay calls. Never called, no relay: no cost."""
        with self._opened_lock:
            self._trace = callback
            if callback is not None and not self._relaying:
                self._relaying = True
                for conn, _ in self._opened:
                    conn.set_trace_callback(self._relay)

    @property
    def conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._open()
        return conn

    @conn.setter
    def conn(self, value: sqlite3.Connection) -> None:
        self._local.conn = value

    def execute(self, sql: str, parameters: Any = None) -> sqlite3.Cursor:
        """A write outside a transaction (it commits alone) takes its turn at the writer
        like a transaction does: raced against one, SQLite's busy handler would sleep
        (1, 2, 5, 10 ms ...) where the mutex hands the writer over at once."""
        if sql.lstrip()[:6].upper() in _WRITES and not self.conn.in_transaction:
            with self._writer:
                cur = super().execute(sql, parameters)
                if " RETURNING " in sql:
                    # Its rows read now: the statement (and its write lock) ends with them.
                    return Fetched(cur.fetchall(), cur.rowcount)  # type: ignore[return-value]
                return cur
        return super().execute(sql, parameters)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """`BEGIN IMMEDIATE` on this thread's connection, or a part of the transaction it
        already has open (no savepoint: an exception out of it rolls the whole transaction
        back; `savepoint()` is for an error caught while the transaction goes on). Rolled
        back whole on any exception."""
        conn = self.conn
        if conn.in_transaction:
            yield
            return
        # SQLite has one writer at a time. This process's writers queue for it here, in
        # order, instead of in SQLite's busy handler, which polls with growing sleeps (a
        # writer waiting on a 1 ms transaction slept 25-50 ms under load). Other processes
        # (`swarmbot erase`) still take turns through the busy handler.
        with self._writer:
            conn.execute("BEGIN IMMEDIATE")
            deferred = self._local.deferred = Deferred()
            try:
                yield
                deferred.run()  # before COMMIT, in the transaction
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            finally:
                self._local.deferred = None
            try:
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    def deferred(self) -> Deferred | None:
        """This thread's open transaction's work left to its end (None outside one)."""
        found: Deferred | None = getattr(self._local, "deferred", None)
        return found if found is not None and self.conn.in_transaction else None

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """Inside a transaction, a savepoint that an exception rolls back to (and the
        transaction goes on); outside one, nothing (each statement commits alone)."""
        conn = self.conn
        if not conn.in_transaction:
            yield
            return
        name = f"sp{next(self._savepoints)}"
        conn.execute(f"SAVEPOINT {name}")
        deferred = self.deferred()
        mark = deferred.mark() if deferred is not None else None
        try:
            yield
        except BaseException:
            if deferred is not None and mark is not None:
                deferred.restore(mark)  # what was deferred inside is rolled back with it
            # A failure that destroyed the transaction leaves no savepoint to go back to.
            if conn.in_transaction:
                conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                conn.execute(f"RELEASE SAVEPOINT {name}")
            raise
        conn.execute(f"RELEASE SAVEPOINT {name}")

    # The rest of the repositories' surface (bot/store/base.py SqlDb), as PgDb offers it.
    def insert_id(self, sql: str, params: Sequence[Any]) -> int:
        """Run an INSERT and return the new row's id."""
        row_id = self.execute(sql, params).lastrowid
        assert row_id is not None, "an INSERT always sets lastrowid"
        return int(row_id)

    def bulk_insert(self, table: str, columns: Sequence[str],
                    rows: Iterable[Sequence[Any]]) -> None:
        """One executemany of positional rows."""
        marks = ", ".join("?" for _ in columns)
        self.conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                              rows)

    def close_all(self) -> None:
        """Close this thread's connection and those of threads that have ended. Another
        live thread may be inside a statement on its own (a pool thread of asyncio's, a
        tick cut off at shutdown): closing it under that statement crashes the process
        (a segfault in the sqlite3 module), so it is only let go, and closes when the last
        reference to it goes (at once if idle; when its statement ends if not)."""
        me = threading.current_thread()
        with self._opened_lock:
            opened, self._opened = self._opened, []
        for conn, owner in opened:
            if owner is me or not owner.is_alive():
                conn.close()
        self._local = threading.local()  # the other threads' references go with it


# What SQLite says when the file, the disk or the lock failed (not a query's fault).
_UNAVAILABLE = ("database or disk is full", "disk i/o error", "unable to open database",
                "database is locked", "database table is locked", "out of memory",
                "readonly database")


def is_unavailable(err: BaseException) -> bool:
    """A failure of the store, not of the command: the disk is full, the file cannot be
    opened, the lock was not had in time. The command is fine; it must run again later."""
    if not isinstance(err, sqlite3.OperationalError | sqlite3.DatabaseError) or \
            isinstance(err, sqlite3.IntegrityError | sqlite3.ProgrammingError):
        return False
    text = str(err).lower()
    return any(what in text for what in _UNAVAILABLE)
