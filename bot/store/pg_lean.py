"""A statement straight through the connection's libpq handle: psycopg's cursor without its
per-statement machinery (issue 23: one replica's commands/s on PostgreSQL).

Why: a simple SELECT cost ~53 us of this process's CPU through a reused psycopg cursor and
~15 us through the connection's `pgconn` with the statement prepared once (the round trip
itself is the same); a command sends ~12 statements, and the replica's Python (one GIL)
was what held PostgreSQL's commands/s below SQLite's.

What it keeps of psycopg: its adaptation both ways (the connection's own `Transformer`, so
the same Python values go in and come out as through a cursor), its errors (`error_from_result`:
the same classes and SQLSTATEs, which `pg_db.is_unavailable` / `is_retryable` read), the
GIL released while libpq waits, and the connection's transaction (`transaction()` still
sends BEGIN and COMMIT through psycopg; libpq's status is the server's). Only plain
statements go this way (SELECT, INSERT, UPDATE, DELETE, WITH); anything else (DDL, SET,
VACUUM) goes through the cursor, and forgets this connection's statements, as psycopg's
own cache does after DROP or ALTER.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import psycopg
from psycopg import errors, pq
from psycopg.adapt import PyFormat, Transformer

# Statements prepared on one connection at most (each is a few KB of the backend's memory);
# past it, a new statement runs unprepared (parsed and planned each time).
MAX_PREPARED = 256
_PLAIN = re.compile(r"\s*(?:SELECT|INSERT|UPDATE|DELETE|WITH)\b", re.IGNORECASE)
_OK = (pq.ExecStatus.TUPLES_OK, pq.ExecStatus.COMMAND_OK)
_ROWS = pq.ExecStatus.TUPLES_OK


@lru_cache(maxsize=1024)
def to_libpq(sql: str) -> tuple[bytes, int] | None:
    """`?` placeholders numbered `$1`, `$2` ... (quoted literals and identifiers copied as
    they are), and how many; None for a statement that is not a plain one."""
    if not _PLAIN.match(sql):
        return None
    out: list[str] = []
    quote: str | None = None
    n = 0
    for ch in sql:
        if quote:
            if ch == quote:
                quote = None
        elif ch in ("'", '"'):
            quote = ch
        elif ch == "?":
            n += 1
            out.append(f"${n}")
            continue
        out.append(ch)
    return "".join(out).encode(), n


class Statements:
    """One connection's prepared statements, by query and parameter types (an int's type
    follows its size, as psycopg dumps it), and its Transformer."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.tx = Transformer(conn)
        self.encoding = conn.info.encoding
        self.names: dict[tuple[bytes, tuple[int, ...]], bytes] = {}
        self.columns: dict[bytes, list[str]] = {}  # a prepared statement's, by its name
        self.seen: set[tuple[bytes, tuple[int, ...]]] = set()
        self.next = 0

    def forget(self) -> None:
        """After a statement that may have dropped the server's (psycopg's DEALLOCATE ALL
        after DDL): prepare again from scratch."""
        self.names.clear()
        self.columns.clear()
        self.seen.clear()


def statements(conn: psycopg.Connection[Any]) -> Statements:
    found: Statements | None = getattr(conn, "lean", None)
    if found is None:
        found = Statements(conn)
        conn.lean = found  # type: ignore[attr-defined]
    return found


Rows = tuple[list[str], list[tuple[Any, ...]], int]


def run(conn: psycopg.Connection[Any], sql: str, params: Sequence[Any]) -> Rows | None:
    """Run a plain statement: (column names, rows as tuples, rows changed); None for one to
    run through a cursor instead (and this connection's statements are forgotten)."""
    converted = to_libpq(sql)
    mine = statements(conn)
    if converted is None or len(params) != converted[1]:
        mine.forget()
        return None
    query = converted[0]
    tx, pgconn = mine.tx, conn.pgconn
    # None stays None: libpq sends it as NULL (psycopg's cursor does the same).
    values: Any = tx.dump_sequence(params, [PyFormat.AUTO] * len(params)) if params else []
    types: tuple[int, ...] = tuple(tx.types or ()) if params else ()
    formats = tx.formats if params else None
    key = (query, types)
    name = mine.names.get(key)
    if name is None and key in mine.seen and len(mine.names) < MAX_PREPARED:
        # The second time this connection runs it: prepared (parsed and planned once).
        name = b"_sb_%d" % mine.next
        mine.next += 1
        made = pgconn.prepare(name, query, types)
        if made.status != pq.ExecStatus.COMMAND_OK:
            raise error_of(conn, made)
        mine.names[key] = name
        mine.seen.discard(key)
    if name is not None:
        res = pgconn.exec_prepared(name, values, formats)
    else:
        if len(mine.seen) > 4 * MAX_PREPARED:  # statements of many shapes, each run once
            mine.seen.clear()
        mine.seen.add(key)
        res = pgconn.exec_params(query, values, types, formats)
    if res.status not in _OK:
        raise error_of(conn, res)
    if res.status != _ROWS:
        changed = res.command_tuples
        return [], [], changed if changed is not None else -1
    tx.set_pgresult(res)
    names = mine.columns.get(name) if name is not None else None
    if names is None:
        names = [(res.fname(i) or b"").decode() for i in range(res.nfields)]
        if name is not None:
            mine.columns[name] = names
    return names, tx.load_rows(0, res.ntuples, tuple), res.ntuples


def command(conn: psycopg.Connection[Any], sql: bytes) -> None:
    """BEGIN, COMMIT or ROLLBACK (a transaction's own round trips, without psycopg's
    Transaction object: ~40 -> ~15 us of this process's CPU for the two)."""
    res = conn.pgconn.exec_(sql)
    if res.status != pq.ExecStatus.COMMAND_OK:
        raise error_of(conn, res)


def error_of(conn: psycopg.Connection[Any], res: pq.abc.PGresult) -> psycopg.Error:
    """The error a failed result stands for, as psycopg's cursor raises it: the server's
    (by its SQLSTATE), or, where the connection is lost (the server gone, the backend
    terminated: libpq answers with a result of its own, often without a SQLSTATE), an
    OperationalError, which the store reads as "unavailable", not as the command's fault."""
    err = errors.error_from_result(res, encoding=statements(conn).encoding)
    if conn.pgconn.status != pq.ConnStatus.OK and not isinstance(err, psycopg.OperationalError):
        lost = psycopg.OperationalError(f"the connection to the server was lost: {err}")
        lost.__cause__ = err
        return lost
    return err
