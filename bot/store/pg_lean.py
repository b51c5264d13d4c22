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
from dataclasses import dataclass
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

    def bind(self, query: bytes, params: Sequence[Any]) -> Bound:
        """`params` dumped for libpq, and the statement's prepared name if it has one; a new
        name (`prepare` true) the second time this connection runs it."""
        tx = self.tx
        # None stays None: libpq sends it as NULL (psycopg's cursor does the same).
        values: Any = tx.dump_sequence(params, [PyFormat.AUTO] * len(params)) if params else []
        types: tuple[int, ...] = tuple(tx.types or ()) if params else ()
        key = (query, types)
        name = self.names.get(key)
        prepare = name is None and key in self.seen and len(self.names) < MAX_PREPARED
        if prepare:
            name = b"_sb_%d" % self.next
            self.next += 1
        return Bound(query, values, types, tx.formats if params else None, key, name, prepare)

    def prepared(self, bound: Bound) -> None:
        """`bound`'s statement is prepared on the server under its name."""
        assert bound.name is not None
        self.names[bound.key] = bound.name
        self.seen.discard(bound.key)

    def ran_unprepared(self, bound: Bound) -> None:
        """Remember that `bound`'s statement ran once: it is prepared if it runs again."""
        if len(self.seen) > 4 * MAX_PREPARED:  # statements of many shapes, each run once
            self.seen.clear()
        self.seen.add(bound.key)


@dataclass(frozen=True, slots=True)
class Bound:
    """A statement with its parameters dumped, ready for libpq (`Statements.bind`)."""
    query: bytes
    values: Any
    types: tuple[int, ...]
    formats: Any
    key: tuple[bytes, tuple[int, ...]]
    name: bytes | None  # its prepared statement's, if it has (or gets) one
    prepare: bool  # to prepare under `name` before running it


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
    pgconn = conn.pgconn
    bound = mine.bind(converted[0], params)
    name = bound.name
    if bound.prepare:
        # The second time this connection runs it: prepared (parsed and planned once).
        made = pgconn.prepare(name or b"", bound.query, bound.types)
        if made.status != pq.ExecStatus.COMMAND_OK:
            raise error_of(conn, made)
        mine.prepared(bound)
    if name is not None:
        res = pgconn.exec_prepared(name, bound.values, bound.formats)
    else:
        mine.ran_unprepared(bound)
        res = pgconn.exec_params(bound.query, bound.values, bound.types, bound.formats)
    if res.status not in _OK:
        raise error_of(conn, res)
    if res.status != _ROWS:
        changed = res.command_tuples
        return [], [], changed if changed is not None else -1
    mine.tx.set_pgresult(res)
    names = mine.columns.get(name) if name is not None else None
    if names is None:
        names = [(res.fname(i) or b"").decode() for i in range(res.nfields)]
        if name is not None:
            mine.columns[name] = names
    return names, mine.tx.load_rows(0, res.ntuples, tuple), res.ntuples


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
