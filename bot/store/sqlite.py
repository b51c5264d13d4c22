"""The SQLite store (sqlite-utils): the embedded default, one process and one file.

`SqliteStore` is the unit of work of bot/store/interfaces/unit.py: its repositories use the
calling thread's own connection, so a `transaction()` covers whatever they write inside it
on that thread, and nothing another thread (another request) writes.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path

from sqlite_utils import Database

from bot.store.digest import SqliteDigestReads
from bot.store.holders import OneProcess
from bot.store.interfaces import (
    SchemaError,
)
from bot.store.migrations import migrate, migrations
from bot.store.retention import SqliteRetention
from bot.store.search import SqliteSearch
from bot.store.sqlite_conn import ThreadDatabase, is_unavailable
from bot.store.units import Repositories


def open_store(path: str | Path) -> SqliteStore:
    """Open (creating if needed) the database file, with WAL and foreign keys on. Each
    thread that uses the store gets its own connection (bot/store/sqlite_conn.py)."""
    db = ThreadDatabase(str(path))
    db.execute("PRAGMA journal_mode=WAL")
    newer = unknown_migrations(db)
    if newer:
        db.close_all()
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
    """A read-only store on an existing file (WAL lets it read while others write); it
    runs no migration."""
    return SqliteStore(ThreadDatabase(str(path), read_only=True))


class SqliteStore(Repositories):
    def __init__(self, db: ThreadDatabase) -> None:
        self.db = db  # SQLite's own: for its tests and benchmarks, not part of the interface
        self._attach(db, digest=SqliteDigestReads(db), retention=SqliteRetention(db),
                     search=SqliteSearch(db), holders=OneProcess())

    @property
    def path(self) -> str:
        """The database file this store is on."""
        return str(self.db.execute("PRAGMA database_list").fetchone()[2])

    def transaction(self) -> AbstractContextManager[None]:
        return self.db.transaction()

    def savepoint(self) -> AbstractContextManager[None]:
        return self.db.savepoint()

    def is_unavailable(self, err: BaseException) -> bool:
        return is_unavailable(err)

    def is_retryable(self, err: BaseException) -> bool:
        return False  # writers take turns at BEGIN IMMEDIATE: nothing is aborted half-way

    def reader(self) -> SqliteStore:
        return open_reader(self.path)

    def close(self) -> None:
        self.db.close_all()
