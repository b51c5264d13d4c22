"""The SQLite store (sqlite-utils): the embedded default, one process and one file.

`SqliteStore` is the unit of work of bot/store/interfaces.py: its repositories share one
connection, so a `transaction()` covers whatever they write inside it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database

from bot.store.digest import SqliteDigestReads
from bot.store.interfaces import (
    SchemaError,
)
from bot.store.migrations import migrate, migrations
from bot.store.retention import SqliteRetention
from bot.store.search import SqliteSearch
from bot.store.units import Repositories


def open_store(path: str | Path) -> SqliteStore:
    """Open (creating if needed) the database file, with WAL and foreign keys on."""
    # check_same_thread off: Bolt's lazy listeners and the aiohttp loop share one writer,
    # and every call happens on the event loop thread anyway.
    conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
    db = Database(conn)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA foreign_keys=ON")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA busy_timeout=5000")
    newer = unknown_migrations(db)
    if newer:
        conn.close()
        raise SchemaError(f"the database {path} has a schema newer than this swarmbot "
                          f"(unknown migrations: {', '.join(newer)}): run the release that "
                          "applied them")
    migrate(db)
    return SqliteStore(db)


def unknown_migrations(db: Database) -> list[str]:
    """Applied migrations this release does not know (the schema is newer than it)."""
    known = {m.name for m in migrations.pending(Database(memory=True))}
    return [m.name for m in migrations.applied(db) if m.name not in known]


def open_reader(path: str | Path) -> SqliteStore:
    """A read-only connection to an existing store, for work done off the event loop.

    WAL lets it read while the loop's connection writes; it runs no migration.
    """
    conn = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True,
                           check_same_thread=False)
    conn.execute("PRAGMA busy_timeout=5000")
    return SqliteStore(Database(conn))


class SqliteStore(Repositories):
    def __init__(self, db: Database) -> None:
        self.db = db  # SQLite's own: for its tests and benchmarks, not part of the interface
        self.db.conn.row_factory = sqlite3.Row
        self._attach(db, digest=SqliteDigestReads(db), retention=SqliteRetention(db),
                     search=SqliteSearch(db))

    @property
    def path(self) -> str:
        """The database file this store is on."""
        return str(self.db.execute("PRAGMA database_list").fetchone()[2])

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self.db.atomic():
            yield

    def reader(self) -> SqliteStore:
        return open_reader(self.path)

    def close(self) -> None:
        self.db.conn.close()
