"""Contract tests: every store implementation passes the same tests, written against the
interface (bot/store/interfaces.py). Issue 10 adds a PostgreSQL factory to STORES."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.store import Store, open_store

T0, T1, T2 = "2026-11-16T09:00:00Z", "2026-11-16T10:00:00Z", "2026-11-16T11:00:00Z"

StoreFactory = Callable[[Path], Store]
STORES: dict[str, StoreFactory] = {
    "sqlite": lambda tmp: open_store(tmp / "contract.db"),
}


@pytest.fixture(params=sorted(STORES))
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    opened = STORES[request.param](tmp_path)
    try:
        yield opened
    finally:
        opened.close()


def open_case(store: Store, ref: str = "ZD-1", owner: str = "ann",
              platform: str = "slack", at: str = T0) -> int:
    """A case as `open` leaves it: its owner known, owning it, in it."""
    from bot.domain import Role

    store.people.ensure(owner, platform, owner.title(), None, at)
    case_id = store.cases.add(ref, "Acme", "cannot log in", 2, owner, platform, at)
    store.cases.add_owner(case_id, owner, at)
    store.cases.add_participant(case_id, owner, Role.OWNER, at, None, "opened the case")
    return case_id
