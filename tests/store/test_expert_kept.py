"""Contract: the expert finder's figures kept in ranking order (issue 28, m039_expert_ranked:
expert_rank, expert_pair, expert_asked) always equal a count from scratch: after every
step of a random mix of opens, joins, leaves, role changes, help requests, resolves,
cancels, reopens and skills added or removed; a rolled-back command leaves them as they
were; the migration's back-fill gives the same rows. On both stores."""

from __future__ import annotations

import random

import pytest

from bot.domain import Role
from bot.store import Store
from tests.store.conftest import T0, case_move, open_case
from tests.store.finder_scratch import expected, kept

PEOPLE = ["ann", "bob", "cat", "dan", "eve"]
SKILLS = ["sso", "dns", "billing", "vpn", "a_b", "a%b"]  # LIKE's wildcards are plain here


def _mix(store: Store, seed: int, steps: int = 100) -> None:
    rng = random.Random(seed)
    for p in PEOPLE:
        store.people.ensure(p, "slack", p, None, T0)
    cases: list[int] = []
    for step in range(steps):
        at = f"2026-11-16T{9 + step // 60:02d}:{step % 60:02d}:00Z"
        move = rng.choice(["open", "join", "join", "leave", "need", "need", "resolve",
                           "cancel", "reopen", "role", "skills", "unskill"])
        person = rng.choice(PEOPLE)
        if move == "skills":
            store.people.add_skills(person, rng.sample(SKILLS, rng.randint(1, 3)))
        elif move == "unskill":
            store.people.remove_skills(person, rng.sample(SKILLS, rng.randint(1, 2)))
        elif move == "open" or not cases:
            cases.append(open_case(store, f"ZD-{step}", person, at=at))
        else:
            case_move(store, rng, move, rng.choice(cases), person, at, SKILLS, 3)
        assert kept(store) == expected(store), (step, move)


@pytest.mark.parametrize("seed", [1, 2])
def test_the_kept_rows_equal_a_count_from_scratch_after_every_step(store: Store,
                                                                   seed: int) -> None:
    _mix(store, seed)
    rows = kept(store)
    assert rows["expert_asked"] and rows["expert_pair"]  # the mix reached every table
    assert any(r[2] for r in rows["expert_rank"])  # and someone had a load


def test_a_rolled_back_command_leaves_the_kept_rows_as_they_were(store: Store) -> None:
    _mix(store, 3, steps=40)
    before = kept(store)
    case_id = open_case(store, "ZD-RB", "ann")
    with pytest.raises(RuntimeError), store.transaction():
        store.people.add_skills("bob", ["tax", "sso"])
        store.cases.add_participant(case_id, "bob", Role.SPECIALIST, T0, None, None)
        store.cases.add_help_request(case_id, ["tax"], None, "ann", T0)
        store.cases.resolve(case_id, "fixed", T0)
        assert kept(store) == expected(store)  # written inside the command, seen there
        raise RuntimeError("the command failed half-way")
    after = kept(store)
    # ann's own open case (opened outside the failed command) moved her load only.
    assert after == expected(store)
    assert {k: [r for r in v if r[0] != "ann"] for k, v in after.items()} == \
        {k: [r for r in v if r[0] != "ann"] for k, v in before.items()}


def test_the_migration_fills_the_kept_rows_from_the_rows_already_there(store: Store) -> None:
    from bot.store import schema_experts as schema

    _mix(store, 4)
    made = kept(store)
    postgres = type(store).__name__.startswith("Pg")
    fill = schema.EXPERT_RANKED_FILL_PG if postgres else schema.EXPERT_RANKED_FILL_SQLITE
    with store.transaction():
        for table in ("expert_rank", "expert_pair", "expert_asked"):
            store.db.execute(f"DELETE FROM {table}")
        for statement in fill.split(";"):
            if statement.strip():
                store.db.execute(statement)
    assert kept(store) == made == expected(store)
    assert made["expert_asked"]
