"""Several plain statements in one round trip: libpq's pipeline mode, through the connection's
`pgconn` as bot/store/pg_lean.py runs one (issue 28: the PostgreSQL digest from scratch).

Why: a week's digest reads twelve windows (bot/store/interfaces/digest.py WINDOW_READS).
One after another, each waits for its round trip, and the server waits while this process
turns the rows of the one before into tuples. Sent together, the server runs them back to
back while the rows of each are loaded here as they arrive: the server's time and this
process's overlap, and eleven round trips go.

What stays as in `pg_lean.run`: the same adaptation (the connection's Transformer), the same
prepared statements (a statement is prepared the second time a connection runs it, the
names shared with `pg_lean.run`), the same errors (the first failing statement's, raised
once every result up to the pipeline's sync is read, so the connection is left usable), and
the GIL released while the server works (this thread waits on the socket with `poll`).
"""

from __future__ import annotations

import re
import select
from collections.abc import Sequence
from contextlib import ExitStack, suppress
from typing import Any

import psycopg
from psycopg import pq

from bot.store import pg_lean
from bot.store.pg_db import PgDb

_ROWS = pq.ExecStatus.TUPLES_OK
_DONE = (pq.ExecStatus.COMMAND_OK, pq.ExecStatus.TUPLES_OK)
Statement = tuple[str, Sequence[Any]]


# A read of several statements that must agree: one snapshot for all of them (a READ
# COMMITTED transaction takes one per statement), and nothing written.
SNAPSHOT = b"BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"


def reads(db: PgDb, statements: Sequence[Statement]) -> list[list[tuple[Any, ...]]]:
    """The rows of each statement, from one snapshot and, where libpq can, one round trip:
    in the caller's transaction if one is open, else in a read-only one of their own."""
    if not psycopg.Pipeline.is_supported():  # libpq before 14: one statement after another
        with db.transaction():
            return [db.tuples(sql, params) for sql, params in statements]
    with db.connection() as conn:
        return tuples(conn, statements, None if db.in_transaction() else SNAPSHOT)


def tuples(conn: psycopg.Connection[Any], statements: Sequence[Statement],
           begin: bytes | None = None) -> list[list[tuple[Any, ...]]]:
    """The rows of each statement, in order, from one round trip. Every statement must be a
    plain one (`pg_lean.to_libpq`). `begin`: a BEGIN to send first, and COMMIT after the
    statements (one transaction, still one round trip); on an error it is rolled back."""
    return _finish(conn, _send(conn, statements, begin), begin is not None)


def _send(conn: psycopg.Connection[Any], statements: Sequence[Statement],
          begin: bytes | None) -> list[pg_lean.Bound]:
    """The statements sent as one pipeline (see `tuples`), not waited for."""
    mine = pg_lean.statements(conn)
    pgconn = conn.pgconn
    sent: list[pg_lean.Bound] = []
    for sql, params in statements:
        converted = pg_lean.to_libpq(sql)
        if converted is None or len(params) != converted[1]:
            raise ValueError(f"not a plain statement with {len(params)} parameters: {sql[:60]}")
        sent.append(mine.bind(converted[0], params))
    pgconn.enter_pipeline_mode()
    try:
        if begin is not None:
            pgconn.send_query_params(begin, None)
        for bound in sent:
            if bound.prepare:
                pgconn.send_prepare(bound.name or b"", bound.query, bound.types)
            if bound.name is not None:
                pgconn.send_query_prepared(bound.name, bound.values, bound.formats)
            else:
                pgconn.send_query_params(bound.query, bound.values, bound.types, bound.formats)
        if begin is not None:
            pgconn.send_query_params(b"COMMIT", None)
        pgconn.pipeline_sync()
        pgconn.flush()
    except BaseException:
        _leave_pipeline(conn)
        raise
    return sent


def _finish(conn: psycopg.Connection[Any], sent: list[pg_lean.Bound], wrapped: bool
            ) -> list[list[tuple[Any, ...]]]:
    """The rows of a pipeline `_send` sent; its first error raised (its transaction, if it
    began one, rolled back) once every result is read."""
    pgconn = conn.pgconn
    try:
        out, error = _results(conn, sent, wrapped)
    finally:
        _leave_pipeline(conn)
    if error is not None:
        if wrapped and pgconn.transaction_status != pq.TransactionStatus.IDLE:
            pg_lean.command(conn, b"ROLLBACK")
        raise error
    return out


def _leave_pipeline(conn: psycopg.Connection[Any]) -> None:
    pgconn = conn.pgconn
    if pgconn.pipeline_status != pq.PipelineStatus.OFF and not conn.closed:
        try:
            pgconn.exit_pipeline_mode()
        except psycopg.OperationalError:  # results left unread (the error on its way up)
            conn.close()  # is the one to tell; a closed connection leaves the pool


_SNAPSHOT_ID = re.compile(rb"[0-9A-Fa-f-]+")


def side_by_side(db: PgDb, parts: Sequence[Sequence[Statement]]
                 ) -> list[list[list[tuple[Any, ...]]]]:
    """The rows of each part's statements, as `reads` gives them, from one snapshot: each
    part's pipeline on a connection of its own, so that the server runs them at once, one
    backend each (issue 28: the two weeks of a digest at 500k cases are ~60 ms of server
    time each, and a backend uses one core). The first connection's transaction exports
    its snapshot and the others take it (SET TRANSACTION SNAPSHOT) before anything is
    read. Inside the caller's transaction, or where the pool has no other connection
    free, the parts go in one pipeline on one connection instead."""
    if len(parts) < 2 or db.in_transaction() or not psycopg.Pipeline.is_supported():
        return _split(reads(db, [s for part in parts for s in part]), parts)
    with db.connection() as first, ExitStack() as taken:
        others = [taken.enter_context(db.spare()) for _ in parts[1:]]
        if None in others:  # on `first` alone: the pool has none to spare
            return _split(tuples(first, [s for part in parts for s in part], SNAPSHOT), parts)
        conns = [first, *(c for c in others if c is not None)]
        begun: list[psycopg.Connection[Any]] = []
        try:
            snapshot = b""
            for conn in conns:
                pg_lean.command(conn, SNAPSHOT)
                begun.append(conn)
                if conn is first:
                    snapshot = _exported(first)
                else:
                    pg_lean.command(conn, b"SET TRANSACTION SNAPSHOT '" + snapshot + b"'")
            sent = [_send(conn, part, None) for conn, part in zip(conns, parts, strict=True)]
            out = [_finish(conn, s, False) for conn, s in zip(conns, sent, strict=True)]
            for conn in conns:
                pg_lean.command(conn, b"COMMIT")
        except BaseException:
            for conn in begun:  # the first error is the one to tell; none left in a transaction
                if not conn.closed and conn.pgconn.transaction_status != \
                        pq.TransactionStatus.IDLE:
                    with suppress(psycopg.Error):
                        _leave_pipeline(conn)
                        pg_lean.command(conn, b"ROLLBACK")
            raise
        return out


def _exported(conn: psycopg.Connection[Any]) -> bytes:
    """The snapshot of `conn`'s transaction (its first statement takes it), for others."""
    res = conn.pgconn.exec_(b"SELECT pg_export_snapshot()")
    if res.status != pq.ExecStatus.TUPLES_OK:
        raise pg_lean.error_of(conn, res)
    snapshot = res.get_value(0, 0) or b""
    if not _SNAPSHOT_ID.fullmatch(snapshot):
        raise psycopg.OperationalError(f"an unexpected snapshot id: {snapshot[:40]!r}")
    return snapshot


def _split(rows: list[list[tuple[Any, ...]]], parts: Sequence[Sequence[Statement]]
           ) -> list[list[list[tuple[Any, ...]]]]:
    it = iter(rows)
    return [[next(it) for _ in part] for part in parts]


def _results(conn: psycopg.Connection[Any], sent: list[pg_lean.Bound], wrapped: bool
             ) -> tuple[list[list[tuple[Any, ...]]], psycopg.Error | None]:
    """Every result up to the sync, the rows loaded as each arrives; the first error."""
    mine = pg_lean.statements(conn)
    tx = mine.tx
    out: list[list[tuple[Any, ...]]] = []
    error: psycopg.Error | None = None

    def take() -> pq.abc.PGresult:
        nonlocal error
        res = _next(conn)
        if res.status not in _DONE and res.status != pq.ExecStatus.PIPELINE_SYNC \
                and error is None:
            error = pg_lean.error_of(conn, res)
        _next(conn, end=True)  # each statement's results end with a None
        return res

    if wrapped:
        take()
    for bound in sent:
        if bound.prepare and take().status == pq.ExecStatus.COMMAND_OK:
            mine.prepared(bound)
        res = take()
        if bound.name is None:
            mine.ran_unprepared(bound)
        if res.status == _ROWS:
            tx.set_pgresult(res)
            out.append(tx.load_rows(0, res.ntuples, tuple))
        else:
            out.append([])
    if wrapped:
        take()
    while _next(conn).status != pq.ExecStatus.PIPELINE_SYNC:  # an aborted pipeline's rest
        pass
    return out, error


def _next(conn: psycopg.Connection[Any], end: bool = False) -> Any:
    """The next result once it is whole, waiting on the socket without the GIL."""
    pgconn = conn.pgconn
    while pgconn.is_busy():
        poll = select.poll()
        poll.register(pgconn.socket, select.POLLIN)
        poll.poll()
        pgconn.consume_input()
    res = pgconn.get_result()
    if end:
        return res
    if res is None:
        raise psycopg.OperationalError("the connection to the server was lost mid-pipeline")
    return res
