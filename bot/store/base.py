"""Row helpers shared by the store's query groups."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database


class BaseQueries:
    """A repository's SQLite side: the one connection every repository of a store shares."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def _one(self, sql: str, params: tuple | list = ()) -> dict[str, Any] | None:
        row = self.db.execute(sql, params).fetchone()
        return dict(row) if row is not None else None

    def _all(self, sql: str, params: tuple | list = ()) -> list[dict[str, Any]]:
        return [dict(r) for r in self.db.execute(sql, params).fetchall()]

    def _insert(self, sql: str, params: tuple | list) -> int:
        row_id = self.db.execute(sql, params).lastrowid
        assert row_id is not None, "an INSERT always sets lastrowid"
        return int(row_id)

