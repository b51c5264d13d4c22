"""Readiness of the store: reachable, and its schema at the version this code expects."""

from __future__ import annotations

import sqlite3

from bot.store.migrations import migrations
from bot.store.sqlite import SqliteStore as Store


def store_problems(store: Store) -> list[str]:
    """[] when the store answers and every migration is applied; else one line each."""
    try:
        store.db.execute("SELECT 1").fetchone()
        pending = [m.name for m in migrations.pending(store.db)]
    except sqlite3.Error as err:
        return [f"store not reachable: {err}"]
    if pending:
        return [f"store schema not current: pending migrations {', '.join(pending)}"]
    return []
