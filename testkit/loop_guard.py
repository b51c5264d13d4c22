"""Which store statements ran on an event loop's thread: none may (issue 23). The event
loop answers every request and /healthz; a statement on it makes all of them wait on the
database (a full disk, a stopped server, a compaction)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


def _on_a_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False  # a thread with no loop running: where the store belongs
    return True


@contextmanager
def traced(store: Any, note: Callable[[str], None]) -> Iterator[None]:
    """Every statement the store runs meanwhile, on any thread, to `note` (SQLite: its
    trace of every connection; PostgreSQL: each statement PgDb sends)."""
    db = store.db
    if hasattr(db, "set_trace"):  # SQLite: every thread's connection
        db.set_trace(note)
        try:
            yield
        finally:
            db.set_trace(None)
        return
    calls = {name: getattr(db, name) for name in ("execute", "tuples")}

    def watched(name: str) -> Any:
        def call(sql: str, params: Any = ()) -> Any:
            note(sql)
            return calls[name](sql, params)
        return call
    for name in calls:
        setattr(db, name, watched(name))  # the instance the repositories share
    try:
        yield
    finally:
        for name in calls:
            delattr(db, name)


@contextmanager
def statements_on_the_loop(store: Any) -> Iterator[list[str]]:
    """Every statement the store runs meanwhile on a thread with a running event loop."""
    seen: list[str] = []

    def check(sql: str) -> None:
        if _on_a_loop():
            seen.append(" ".join(sql.split())[:120])
    with traced(store, check):
        yield seen
