"""Contract tests: every store implementation passes the same tests, written against the
interface (bot/store/interfaces/): SQLite on a file, PostgreSQL on a fresh database of the
session's throwaway cluster (testkit/pg_cluster.py; skipped with the reason where there is no
PostgreSQL, failed instead where SWARMBOT_REQUIRE_POSTGRES=1)."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from bot import tenancy
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


@pytest.fixture
def pg(pg_url: str) -> Iterator[Store]:
    """A PostgreSQL store alone, for what only PostgreSQL has (plans, its kept words)."""
    from bot.store.postgres import open_pg_store

    opened = open_pg_store(pg_url)
    yield opened
    opened.close()


def select_rows(store: Store, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """A statement's rows as plain tuples, on either store (for checks beside the interface)."""
    from bot.store.postgres import PgStore

    if isinstance(store, PgStore):
        return [tuple(r) for r in store.db.tuples(sql, params)]
    return [tuple(r) for r in store.db.conn.execute(sql, params).fetchall()]  # type: ignore[attr-defined]


@contextmanager
def in_workspace(workspace: str) -> Iterator[None]:
    """A tenant's scope for `workspace`, or the operator's for ""."""
    with tenancy.scoped(tenancy.Tenant(workspace) if workspace else None):
        yield


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


def case_move(store: Store, rng: random.Random, move: str, case_id: int, person: str,
              at: str, skills: list[str], most_skills: int) -> None:
    """One step of a random walk over a case (the expert figures' tests): `person` joins,
    leaves, asks for up to `most_skills` of `skills`, changes role; the case is resolved,
    cancelled or reopened where its state allows. One transaction, as a command's."""
    from bot.domain import CaseStatus, Role

    case = store.cases.by_id(case_id)
    assert case is not None
    with store.transaction():
        if move == "join":
            store.cases.add_participant(case_id, person, Role.SPECIALIST, at, None, None)
        elif move == "leave":
            store.cases.leave(case_id, person, at)
        elif move == "need":
            store.cases.add_help_request(case_id, rng.sample(skills, rng.randint(1, most_skills)),
                                         None, person, at)
        elif move == "resolve" and case.is_open:
            store.cases.resolve(case_id, "fixed", at)
        elif move == "cancel" and case.is_open:
            store.cases.close(case_id, CaseStatus.CANCELLED, "duplicate", at)
        elif move == "reopen" and not case.is_open:
            store.cases.reopen(case_id)
        elif move == "role":
            store.cases.set_role(case_id, person, rng.choice([Role.SPECIALIST, Role.OWNER]))
