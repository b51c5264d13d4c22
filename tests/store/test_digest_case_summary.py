"""m044's kept per-case summary (ownership periods, first and last mood, moods) and m044b's
kept first join of each help request: after every step of random walks over a few cases
(handoffs, moods at any time, joins, help requests, resolve, cancel, reopen, notes,
corrections, erasure, commands rolled back) the digest's window reads from what is kept
equal the same reads counted from scratch (the per-case seeks the digest ran before), on
both stores; a rolled-back command leaves the kept rows as they were."""

from __future__ import annotations

import random
from typing import Any

import pytest

from bot.domain import CaseStatus, Role
from bot.services.erasure import REDACTED
from bot.store import Store
from bot.store.digest import _WINDOW_SQL
from bot.store.postgres import PgStore
from tests.store.conftest import open_case, select_rows

LO, HI = "2000-01-01T00:00:00Z", "2100-01-01T00:00:00Z"
PEOPLE = ("ann", "bob", "cat", "dan")
LEVELS = ("angry", "frustrated", "neutral", "satisfied", "delighted")
# A few times, so that moods, joins and requests land out of order and at the same second.
TIMES = [f"2026-11-16T{h:02d}:{m:02d}:00Z" for h in (9, 10, 11) for m in (0, 30)]
MOVES = ("handoff", "handoff", "mood", "mood", "mood", "join", "join", "join", "need", "need",
         "resolve", "resolve", "cancel", "reopen", "note", "correct", "erase", "rollback",
         "leave")


class Boom(Exception):
    pass


def from_scratch(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """The resolved cases' and help requests' reads as the digest made them before m044."""
    return {name: sorted(select_rows(store, _WINDOW_SQL[name], (LO, HI)), key=repr)
            for name in ("resolved", "help")}


def kept(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    window = store.digest.window(LO, HI)
    return {name: sorted(map(tuple, window[name]), key=repr) for name in ("resolved", "help")}


def kept_rows(store: Store) -> list[tuple[Any, ...]]:
    return (select_rows(store, "SELECT * FROM case_digest ORDER BY case_id")
            + select_rows(store, "SELECT id, first_join FROM help_requests ORDER BY id"))


def step(store: Store, rng: random.Random, move: str, case_id: int) -> None:
    """One command's writes, in one transaction."""
    case = store.cases.by_id(case_id)
    assert case is not None
    person, at = rng.choice(PEOPLE), rng.choice(TIMES)
    with store.transaction():
        if move == "handoff" and case.is_open:  # an accepted warm handoff
            store.cases.end_owner(case_id, at)
            store.cases.add_owner(case_id, person, at)
            store.cases.set_owner(case_id, person)
        elif move == "mood":
            store.journal.add_mood(case_id, rng.choice(LEVELS), "on the phone", person, at)
        elif move == "join":
            store.cases.add_participant(case_id, person, Role.SPECIALIST, at, None, None)
            store.timeline.append(case_id, at, "joined", person, f"{person} joined")
        elif move == "leave":
            store.timeline.append(case_id, at, "left", person, f"{person} left")
        elif move == "need":
            store.cases.add_help_request(case_id, ["sso"], None, person, at)
        elif move == "resolve" and case.is_open:
            store.cases.resolve(case_id, "fixed", at)
        elif move == "cancel" and case.is_open:
            store.cases.close(case_id, CaseStatus.CANCELLED, "duplicate", at)
        elif move == "reopen" and not case.is_open:
            store.cases.reopen(case_id)
        elif move in ("note", "correct"):
            entry = store.timeline.append(case_id, at, "note", person, "customer runs 4.2")
            if move == "correct":
                store.timeline.append(case_id, at, "corrected", person, "4.3", ref_id=entry)
                store.timeline.append(case_id, at, "retracted", person, "wrong", ref_id=entry)
        elif move == "erase":
            store.retention.redact(case_id, REDACTED, at)


@pytest.mark.parametrize("seed", range(4))
def test_what_is_kept_is_what_a_count_from_scratch_gives(store: Store, seed: int) -> None:
    rng = random.Random(seed)
    for person in PEOPLE:
        store.people.ensure(person, "slack", person.title(), None, TIMES[0])
    cases = [open_case(store, f"ZD-{i}", owner=rng.choice(PEOPLE), at=rng.choice(TIMES))
             for i in range(3)]
    assert kept(store) == from_scratch(store)
    checked = 0
    for _ in range(120):
        move, case_id = rng.choice(MOVES), rng.choice(cases)
        if move == "rollback":
            before = kept_rows(store)
            with pytest.raises(Boom), store.transaction():
                store.journal.add_mood(case_id, "angry", None, "ann", TIMES[0])
                store.cases.add_owner(case_id, "bob", TIMES[0])
                store.timeline.append(case_id, TIMES[0], "joined", "cat", "cat joined")
                store.cases.add_help_request(case_id, ["sso"], None, "dan", TIMES[0])
                store.cases.resolve(case_id, "fixed", TIMES[-1])
                raise Boom
            assert kept_rows(store) == before
        else:
            step(store, rng, move, case_id)
        assert kept(store) == from_scratch(store), (seed, move)
        checked += bool(kept(store)["resolved"]) and bool(kept(store)["help"])
    assert checked > 5  # the walks did reach resolved cases and answered help requests


def test_the_summary_keeps_no_words(store: Store) -> None:
    """Erasure clears a customer's words everywhere; the summary has none to clear: times,
    counts and mood levels only."""
    columns = [c for c, in select_rows(
        store, "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = 'case_digest' ORDER BY ordinal_position")] \
        if isinstance(store, PgStore) else [r[1] for r in select_rows(
            store, "PRAGMA table_info(case_digest)")]
    assert columns == ["case_id", "opened_at", "resolved_at", "cancelled", "owners",
                       "first_mood", "last_mood", "moods", "duration_s"]  # m055: seconds


def test_a_bulk_load_leaves_what_a_count_from_scratch_gives(store: Store) -> None:
    """`demo --bulk`: PostgreSQL's COPY writes with the kept figures' triggers off and
    recounts the added cases at the end; SQLite's triggers fire row by row."""
    from bot.digest.weeks import parse_week
    from demo.bulk import run_bulk
    from demo.plan import DemoSpec

    spec = DemoSpec(first=parse_week("2026-W36", "UTC"), weeks=2, cases_per_week=30, seed=5)
    assert run_bulk(store, spec).cases > 50
    counted = from_scratch(store)
    assert kept(store) == counted
    assert sum(1 for r in counted["help"] if r[1]) > 10 and len(counted["resolved"]) > 20
    # The triggers are back on: a later mood and join are kept as they land.
    case_id = select_rows(store, "SELECT MAX(case_id) FROM help_requests")[0][0]
    with store.transaction():
        store.journal.add_mood(case_id, "delighted", None, "ann", "2026-09-20T10:00:00Z")
        store.timeline.append(case_id, "2026-09-20T10:00:00Z", "joined", "zed", "zed joined")
    assert kept(store) == from_scratch(store)
