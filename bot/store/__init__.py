"""The store: the only code that speaks SQL. `Store` is the interface (bot/store/interfaces/);
`open_store` opens the SQLite implementation."""

from bot.store.interfaces import Store
from bot.store.sqlite import SqliteStore, open_reader, open_store

__all__ = ["SqliteStore", "Store", "open_reader", "open_store"]
