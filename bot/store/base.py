"""Row helpers shared by the store's query groups."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlite_utils import Database

if TYPE_CHECKING:
    from bot.store.pg_db import PgDb


class BaseQueries:
    """A repository's SQL: the one connection every repository of a store shares.

    `db` is SQLite's sqlite-utils Database or PostgreSQL's PgDb (bot/store/pg_db.py), which
    offers the same `execute` and takes the same portable SQL."""

    def __init__(self, db: Database | PgDb) -> None:
        self.db = db

    def _one(self, sql: str, params: tuple | list = ()) -> dict[str, Any] | None:
        row = self.db.execute(sql, params).fetchone()
        return dict(row) if row is not None else None

    def _all(self, sql: str, params: tuple | list = ()) -> list[dict[str, Any]]:
        return [dict(r) for r in self.db.execute(sql, params).fetchall()]

    def _insert(self, sql: str, params: tuple | list) -> int:
        if not isinstance(self.db, Database):  # PostgreSQL: the server returns the id
            return int(self.db.insert_id(sql, params))
        row_id = self.db.execute(sql, params).lastrowid
        assert row_id is not None, "an INSERT always sets lastrowid"
        return int(row_id)

