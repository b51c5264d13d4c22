"""Two commands changing the expert figures of the same two people in opposite orders, at
once (issue 28): `invite @bob @ann` on one case while `invite @ann @bob` runs on another, or
two skill changes. Each person's figures are changed under their expert_load row's lock;
taken in the order of the command's steps, the first command held ann's and waited for
bob's while the second held bob's and waited for ann's, and PostgreSQL aborted one of them
(40P01, deadlock detected: the unit of work ran it again, handlers/unit_of_work.py
`retried`, after the server's deadlock_timeout, 1 s). The locks are now taken at the end of
the command, in person order (bot/store/expert_pending.py): the second command waits for the
first and both commit. On SQLite writers take turns at BEGIN IMMEDIATE: nothing to provoke.

The two transactions are held open by a barrier after their first step, so each has made
its first change before either makes its second (no sleep)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.domain import Role
from bot.store import Store
from tests.store.conftest import STORES, T0, open_case
from tests.store.finder_scratch import expected, kept

Step = Callable[[Store, str], None]


@pytest.fixture
def pg(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    opened = STORES["postgres"](request, tmp_path)
    try:
        yield opened
    finally:
        opened.close()


def _run_crossed(store: Store, first: Step, second: Step) -> list[BaseException]:
    """`first` does ann then bob, `second` bob then ann, each in one transaction on a
    thread of its own, both past their first step before either takes its second."""
    barrier = threading.Barrier(2, timeout=30)
    errors: list[BaseException] = []

    def command(step: Step, order: tuple[str, str]) -> None:
        try:
            with store.transaction():
                step(store, order[0])
                barrier.wait()
                step(store, order[1])
        except BaseException as err:  # the thread's failure is the test's
            errors.append(err)
            barrier.abort()

    threads = [threading.Thread(target=command, args=(first, ("ann", "bob"))),
               threading.Thread(target=command, args=(second, ("bob", "ann")))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
        assert not t.is_alive()
    return errors


def test_two_invites_of_the_same_people_in_opposite_orders_both_commit(pg: Store) -> None:
    for p in ("ann", "bob"):
        pg.people.ensure(p, "slack", p, None, T0)
        pg.people.add_skills(p, ["sso", "dns"])
    one, two = open_case(pg, "ZD-1", "cat"), open_case(pg, "ZD-2", "dan")

    def into(case_id: int) -> Step:
        return lambda store, person: store.cases.add_participant(
            case_id, person, Role.SPECIALIST, T0, "cat", None)

    errors = _run_crossed(pg, into(one), into(two))
    assert errors == [], [repr(e) for e in errors]
    assert pg.cases.open_loads(["ann", "bob"]) == {"ann": 2, "bob": 2}
    assert kept(pg) == expected(pg)


def test_two_skill_changes_of_the_same_people_in_opposite_orders_both_commit(pg: Store
                                                                              ) -> None:
    for p in ("ann", "bob"):
        pg.people.ensure(p, "slack", p, None, T0)
    open_case(pg, "ZD-1", "ann")

    errors = _run_crossed(pg, lambda store, person: store.people.add_skills(person, ["sso"]),
                          lambda store, person: store.people.add_skills(person, ["dns"]))
    assert errors == [], [repr(e) for e in errors]
    assert pg.people.skills_of("ann") == pg.people.skills_of("bob") == ["dns", "sso"]
    assert kept(pg) == expected(pg)


def test_a_savepoint_rolled_back_takes_back_the_changes_made_inside_it(store: Store) -> None:
    """A form's command that refused rolls back to its savepoint and the transaction goes
    on (handlers/router.py run_form): the figure changes made inside it, left to the end of
    the transaction, are taken back with it; those made before it stay. On both stores."""
    for p in ("ann", "bob"):
        store.people.ensure(p, "slack", p, None, T0)
    case_id = open_case(store, "ZD-1", "cat")
    with store.transaction():
        store.cases.add_participant(case_id, "ann", Role.SPECIALIST, T0, "cat", None)
        with pytest.raises(RuntimeError), store.savepoint():
            store.people.add_skills("bob", ["sso"])
            store.cases.add_participant(case_id, "bob", Role.SPECIALIST, T0, "cat", None)
            raise RuntimeError("refused")
    assert store.cases.open_loads(["ann", "bob", "cat"]) == {"ann": 1, "cat": 1}
    assert store.people.skills_of("bob") == []
    assert kept(store) == expected(store)
