"""The store: the only code that speaks SQL."""

from bot.store.sqlite import Store, open_reader, open_store

__all__ = ["Store", "open_reader", "open_store"]
