"""Row helpers shared by the store's query groups, and the connection surface they use."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol

from bot.store.deferred import Deferred


class Rows(Protocol):
    """What `execute` returns on both stores (sqlite3's cursor, PgDb's Result). A row is
    read by column name (sqlite3.Row, a dict); only SQLite's own code reads it by position."""

    @property
    def rowcount(self) -> int: ...
    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def __iter__(self) -> Iterator[Any]: ...


class SqlDb(Protocol):
    """The connection both stores' repositories share: SQLite's ThreadDatabase
    (bot/store/sqlite_conn.py) and PostgreSQL's PgDb (bot/store/pg_db.py) take the same
    portable SQL, `?` placeholders."""

    # "sqlite" or "postgres": for the few reads whose fastest form differs between the two
    # (where one statement serves both, it is the one to write).
    dialect: str

    def execute(self, sql: str, params: Sequence[Any] = (), /) -> Rows: ...
    def insert_id(self, sql: str, params: Sequence[Any]) -> int:
        """Run an INSERT and return the id the new row was given."""
    def bulk_insert(self, table: str, columns: Sequence[str],
                    rows: Iterable[Sequence[Any]]) -> None:
        """Many rows in, the store's fastest way; the caller holds the transaction."""
    def deferred(self) -> Deferred | None:
        """The open transaction's work left to its end, run before COMMIT (None outside a
        transaction: do the work now)."""


class BaseQueries:
    """A repository's SQL: the one connection every repository of a store shares."""

    def __init__(self, db: SqlDb) -> None:
        self.db = db

    def _one(self, sql: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
        row = self.db.execute(sql, params).fetchone()
        return dict(row) if row is not None else None

    def _all(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        return [dict(r) for r in self.db.execute(sql, params).fetchall()]

    def _insert(self, sql: str, params: Sequence[Any]) -> int:
        return self.db.insert_id(sql, params)
