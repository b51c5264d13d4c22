"""m049's kept per-day counts of cases opened and closed (bot/store/schema_open_days.py):
after every step of random walks (cases opened in two workspaces and none, resolved,
cancelled, reopened, resolved "before" they were opened, their open time or workspace
corrected, erased, deleted, commands rolled back) the cases open at each of many times, for the
operator and for each workspace, equal a count over the cases from scratch; so do the kept
rows themselves. Both stores; and after a bulk load."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from bot.domain import CaseStatus
from bot.services.erasure import REDACTED
from bot.store import Store
from bot.store.postgres import PgStore
from tests.store.conftest import in_workspace, select_rows

WORKSPACES = ("", "TA", "TB")
# Times over three days, on and off the hour, at midnight and a second either side.
TIMES = sorted({f"2026-11-{d}T{h}Z" for d in (15, 16, 17)
                for h in ("00:00:00", "00:00:01", "09:30:00", "22:59:59", "23:00:00",
                          "23:59:59")})
PROBES = [*TIMES, "2026-11-14T12:00:00Z", "2026-11-16T12:00:00Z", "2026-11-18T00:00:00Z",
          "2026-11-16T23:30:00Z"]
MOVES = ("open", "open", "open", "resolve", "resolve", "cancel", "reopen", "early",
         "move", "workspace", "delete", "erase", "rollback")


class Boom(Exception):
    pass


def counted(store: Store, at: str, workspace: str | None) -> int:
    """Open at `at` (of `workspace`, or every case's), counted over the cases."""
    return sum(1 for opened, resolved, ws in select_rows(
        store, "SELECT opened_at, resolved_at, workspace FROM cases")
        if opened < at and (resolved is None or resolved >= at)
        and (workspace is None or ws == workspace))


def kept_days(store: Store) -> Counter[tuple[str, str, str]]:
    out: Counter[tuple[str, str, str]] = Counter()
    for day, ws, opened, closed in select_rows(store, "SELECT day, workspace, opened, closed "
                                                  "FROM case_open_days"):
        out[(day, ws, "opened")] += opened
        out[(day, ws, "closed")] += closed
    return +out  # days whose counts went back to zero stay as rows: left out


def days_from_scratch(store: Store) -> Counter[tuple[str, str, str]]:
    out: Counter[tuple[str, str, str]] = Counter()
    for opened, resolved, ws in select_rows(store, "SELECT opened_at, resolved_at, workspace "
                                               "FROM cases"):
        out[(opened[:10], ws, "opened")] += 1
        if resolved is not None:
            out[(max(opened, resolved)[:10], ws, "closed")] += 1
    return out


def check(store: Store) -> None:
    assert kept_days(store) == days_from_scratch(store)
    for at in PROBES:
        assert store.digest.open_cases_at(at) == counted(store, at, None), at
        for ws in ("TA", "TB"):
            with in_workspace(ws):
                assert store.digest.open_cases_at(at) == counted(store, at, ws), (at, ws)


def step(store: Store, rng: random.Random, move: str, cases: list[int]) -> None:
    at = rng.choice(TIMES)
    if move == "open" or not cases:
        with in_workspace(rng.choice(WORKSPACES)), store.transaction():
            cases.append(store.cases.add(f"ZD-{rng.random()}", "Acme", "cannot log in", 2, "ann",
                                         "slack", at))
        return
    case_id = rng.choice(cases)
    case = store.cases.by_id(case_id)
    assert case is not None
    with store.transaction():
        if move == "resolve" and case.is_open:
            store.cases.resolve(case_id, "fixed", max(at, case.opened_at))
        elif move == "early" and case.is_open:  # resolved at a time before it was opened
            store.cases.resolve(case_id, "fixed", TIMES[0])
        elif move == "cancel" and case.is_open:
            store.cases.close(case_id, CaseStatus.CANCELLED, "duplicate", at)
        elif move == "reopen" and not case.is_open:
            store.cases.reopen(case_id)
        elif move == "move":  # its open time corrected
            store.db.execute("UPDATE cases SET opened_at = ? WHERE id = ?", (at, case_id))
        elif move == "workspace":
            store.db.execute("UPDATE cases SET workspace = ? WHERE id = ?",
                             (rng.choice(WORKSPACES), case_id))
        elif move == "erase":  # the customer's words go; the counts hold none
            store.retention.redact(case_id, REDACTED, at)
        elif move == "delete":
            store.db.execute("DELETE FROM cases WHERE id = ?", (case_id,))
            cases.remove(case_id)


@pytest.mark.parametrize("seed", range(3))
def test_open_cases_at_any_time_are_what_a_count_from_scratch_gives(store: Store,
                                                                     seed: int) -> None:
    rng = random.Random(seed)
    store.people.ensure("ann", "slack", "Ann", None, TIMES[0])
    cases: list[int] = []
    check(store)
    seen = set()
    for _ in range(70):
        move = rng.choice(MOVES)
        if move == "rollback" and cases:
            before = kept_days(store), select_rows(store, "SELECT * FROM case_open_days "
                                                      "ORDER BY day, workspace")
            with pytest.raises(Boom), store.transaction():
                store.cases.add("ZD-x", "Acme", "x", 2, "ann", "slack", TIMES[3])
                store.cases.resolve(cases[0], "fixed", TIMES[-1])
                raise Boom
            assert (kept_days(store), select_rows(store, "SELECT * FROM case_open_days ORDER BY "
                                                     "day, workspace")) == before
        else:
            step(store, rng, move, cases)
        check(store)
        seen.add(move)
    assert {"resolve", "early", "reopen", "move", "workspace", "erase", "delete"} <= seen
    assert any(store.digest.open_cases_at(at) for at in PROBES)


def test_the_counts_keep_no_words(store: Store) -> None:
    columns = [c for c, in select_rows(
        store, "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = 'case_open_days' ORDER BY ordinal_position")] \
        if isinstance(store, PgStore) else [r[1] for r in select_rows(
            store, "PRAGMA table_info(case_open_days)")]
    assert columns == ["day", "workspace", "opened", "closed"]


def test_a_bulk_load_leaves_what_a_count_from_scratch_gives(store: Store) -> None:
    """`demo --bulk`: PostgreSQL's COPY writes with the trigger off and counts the added
    cases at the end; SQLite's trigger fires row by row."""
    from bot.digest.weeks import parse_week
    from demo.bulk import run_bulk
    from demo.plan import DemoSpec

    spec = DemoSpec(first=parse_week("2026-W36", "UTC"), weeks=2, cases_per_week=30, seed=5)
    assert run_bulk(store, spec).cases > 50
    assert kept_days(store) == days_from_scratch(store)
    probes = [f"2026-09-{d:02d}T{h:02d}:00:00Z" for d in range(1, 21) for h in (0, 13)]
    assert any(counted(store, at, None) for at in probes)
    for at in probes:
        assert store.digest.open_cases_at(at) == counted(store, at, None), at
    # The trigger is back on: a case opened later is counted as it lands.
    store.people.ensure("ann", "slack", "Ann", None, "2026-09-20T10:00:00Z")
    with store.transaction():
        store.cases.add("ZD-late", "Acme", "late", 2, "ann", "slack", "2026-09-20T10:00:00Z")
    assert kept_days(store) == days_from_scratch(store)
    assert store.digest.open_cases_at("2026-09-21T00:00:00Z") == counted(
        store, "2026-09-21T00:00:00Z", None)
