"""Contract tests: every store implementation passes the same tests, written against the
interface (bot/store/interfaces/): SQLite on a file, PostgreSQL on a fresh database of the
session's throwaway cluster (testkit/pg_cluster.py; skipped with the reason where there is no
PostgreSQL, failed instead where SWARMBOT_REQUIRE_POSTGRES=1)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.store import Store, open_store

T0, T1, T2 = "2026-11-16T09:00:00Z", "2026-11-16T10:00:00Z", "2026-11-16T11:00:00Z"

StoreFactory = Callable[[pytest.FixtureRequest, Path], Store]


def _postgres(request: pytest.FixtureRequest, tmp: Path) -> Store:
    from bot.store.postgres import open_pg_store

    return open_pg_store(request.getfixturevalue("pg_url"))


STORES: dict[str, StoreFactory] = {
    "sqlite": lambda request, tmp: open_store(tmp / "contract.db"),
    "postgres": _postgres,
}


@pytest.fixture(params=sorted(STORES))
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    opened = STORES[request.param](request, tmp_path)
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
