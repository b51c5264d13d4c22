"""Readiness of the store: reachable, and its schema at the version this code expects."""

from __future__ import annotations

import sqlite3
from typing import Any

from bot.store.migrations import migrations
from bot.store.sqlite import SqliteStore


def store_problems(store: Any) -> list[str]:
    """[] when the store answers and every migration is applied; else one line each."""
    if not isinstance(store, SqliteStore):
        return _postgres_problems(store)
    try:
        store.db.execute("SELECT 1").fetchone()
        pending = [m.name for m in migrations.pending(store.db)]
    except sqlite3.Error as err:
        return [f"store not reachable: {err}"]
    if pending:
        return [f"store schema not current: pending migrations {', '.join(pending)}"]
    return []


def _postgres_problems(store: Any) -> list[str]:
    import psycopg
    from psycopg_pool import PoolTimeout

    from bot.store.postgres import schema_problems

    try:
        return [f"store schema not current: {p}" for p in schema_problems(store.db)]
    except (psycopg.Error, PoolTimeout) as err:
        return [f"store not reachable: {str(err).strip().splitlines()[0]}"]


def write_problems(store: Any, at: str) -> list[str]:
    """[] when a write commits (a row marked and unmarked in `sent`); else one line."""
    try:
        with store.transaction():
            store.sent.mark("readyz", "probe", "write", at)
            store.sent.unmark("readyz", "probe", "write")
    except Exception as err:
        if not store.is_unavailable(err):
            raise
        return [f"store cannot write: {str(err).strip().splitlines()[0]}"]
    return []
