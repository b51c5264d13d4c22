"""Contract: the expert finder's figures (issue 28) are kept as cases change, in the
command's transaction, and always equal a count from scratch: after every step of a random
mix of opens, joins, leaves, role changes, help requests, resolves, cancels and reopens,
on both stores."""

from __future__ import annotations

import random

import pytest

from bot.domain import CaseStatus, Role
from bot.store import Store
from tests.store.conftest import T0, case_move, open_case

PEOPLE = ["ann", "bob", "cat", "dan", "eve"]
SKILLS = ["sso", "dns", "billing", "vpn"]


def _loads_from_scratch(store: Store) -> dict[str, int]:
    rows = store.db.execute(
        "SELECT p.person_id, COUNT(DISTINCT p.case_id) AS n FROM participants p JOIN cases c "
        "ON c.id = p.case_id WHERE p.left_at IS NULL AND c.status = ? GROUP BY p.person_id",
        (CaseStatus.OPEN.value,)).fetchall()
    return {r["person_id"]: int(r["n"]) for r in rows}


def _help_from_scratch(store: Store, skills: list[str]) -> dict[str, int]:
    likes = " OR ".join("h.skills LIKE ?" for _ in skills)
    rows = store.db.execute(
        "SELECT p.person_id, COUNT(DISTINCT p.case_id) AS n FROM participants p "
        "JOIN cases c ON c.id = p.case_id JOIN help_requests h ON h.case_id = p.case_id "
        f"WHERE p.role = ? AND c.status = ? AND ({likes}) GROUP BY p.person_id",
        [Role.SPECIALIST.value, CaseStatus.RESOLVED.value] + [f"%|{s}|%" for s in skills]
    ).fetchall()
    return {r["person_id"]: int(r["n"]) for r in rows}


def _check(store: Store) -> None:
    assert store.cases.open_loads(PEOPLE) == _loads_from_scratch(store)
    for n in (1, 2):
        for skills in ([SKILLS[i], SKILLS[(i + 1) % 4]][:n] for i in range(4)):
            assert store.cases.past_helps(PEOPLE, skills) == _help_from_scratch(store, skills)
            assert store.cases.past_help("bob", skills) == \
                _help_from_scratch(store, skills).get("bob", 0)
    assert store.cases.open_load("bob") == _loads_from_scratch(store).get("bob", 0)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_figures_equal_a_count_from_scratch_after_every_step(store: Store, seed: int) -> None:
    rng = random.Random(seed)
    for p in PEOPLE:
        store.people.ensure(p, "slack", p, None, T0)
    cases: list[int] = []
    loaded = helped = False
    for step in range(120):
        at = f"2026-11-16T{9 + step // 60:02d}:{step % 60:02d}:00Z"
        move = rng.choice(["open", "join", "join", "leave", "need", "resolve", "cancel",
                           "reopen", "role"])
        if move == "open" or not cases:
            cases.append(open_case(store, f"ZD-{step}", rng.choice(PEOPLE), at=at))
            continue
        cid = rng.choice(cases)
        case_move(store, rng, move, cid, rng.choice(PEOPLE), at, SKILLS, 2)
        _check(store)
        loaded = loaded or any(_loads_from_scratch(store).values())
        helped = helped or any(_help_from_scratch(store, SKILLS).values())
    assert loaded and helped  # the mix reached both figures


def test_a_rolled_back_command_leaves_the_figures_as_they_were(store: Store) -> None:
    cid = open_case(store, "ZD-1", "ann")
    store.people.ensure("bob", "slack", "bob", None, T0)
    with pytest.raises(RuntimeError), store.transaction():
        store.cases.add_participant(cid, "bob", Role.SPECIALIST, T0, None, None)
        raise RuntimeError("the command failed half-way")
    assert store.cases.open_loads(["ann", "bob"]) == {"ann": 1}


def test_the_migration_fills_the_figures_from_the_rows_already_there(store: Store) -> None:
    from bot.store import schema_experts as schema

    test_figures_equal_a_count_from_scratch_after_every_step(store, 2)
    kept = (store.cases.open_loads(PEOPLE), store.cases.past_helps(PEOPLE, SKILLS))
    postgres = type(store).__name__.startswith("Pg")
    fill = [s for s in schema.EXPERT_FIGURES.split(";") if s.strip().startswith("INSERT")]
    fill.append(schema.EXPERT_HELP_PG if postgres else schema.EXPERT_HELP_SQLITE)
    with store.transaction():
        store.db.execute("DELETE FROM expert_load")
        store.db.execute("DELETE FROM expert_help")
        assert store.cases.open_loads(PEOPLE) == {}
        for statement in fill:
            store.db.execute(statement)
    assert (store.cases.open_loads(PEOPLE), store.cases.past_helps(PEOPLE, SKILLS)) == kept
    assert kept[0] and kept[1]
