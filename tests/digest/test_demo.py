"""The demo: the bulk path writes what the service path writes, so both give the same digest."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.config import Config
from bot.digest.metrics import compute_digest
from bot.digest.weeks import parse_week
from bot.export import export_cases
from bot.store import open_store
from demo.bulk import run_bulk
from demo.plan import DemoSpec
from demo.run import run_services

SPEC = DemoSpec(first=parse_week("2026-W36", "UTC"), weeks=4, cases_per_week=40, seed=7)


def _kinds(store) -> dict[str, int]:  # noqa: ANN001
    return {r[0]: r[1] for r in store.db.execute(
        "SELECT kind, COUNT(*) FROM timeline GROUP BY kind").fetchall()}


def _index(store) -> list[tuple]:  # noqa: ANN001
    """The search index's text per case, each column as its sorted words: the triggers
    append a case's notes one by one, the bulk load's backfill joins them in one go."""
    rows = store.db.execute("SELECT rowid, summary, tried, notes, decisions, resolution "
                            "FROM case_search ORDER BY rowid").fetchall()
    return [(r[0], *(tuple(sorted((c or "").split())) for c in r[1:])) for r in rows]


def _without_entry_ids(exported: dict) -> dict:
    """Timeline entry ids are the store's numbering, which depends on the order rows are
    written (the bulk writer batches by table); everything else must be the same."""
    for case in exported["cases"]:
        for entry in case["timeline"]:
            entry.pop("id")
    return exported


async def test_bulk_and_services_write_the_same_cases_and_digest(tmp_path: Path) -> None:
    slow = open_store(tmp_path / "services.db")
    fast = open_store(tmp_path / "bulk.db")
    by_services = await run_services(slow, Config(), SPEC)
    by_bulk = run_bulk(fast, SPEC)
    assert by_services.cases == by_bulk.cases > 140
    assert _kinds(slow) == _kinds(fast)
    assert _without_entry_ids(export_cases(slow)) == _without_entry_ids(export_cases(fast))
    # the bulk load indexes its cases once, at the end: the same index as row by row
    assert _index(fast) == _index(slow) and len(_index(fast)) == by_bulk.cases
    assert fast.search.ranked(["sso"]) == slow.search.ranked(["sso"]) != []
    now = SPEC.first.start + timedelta(weeks=SPEC.weeks, days=2)
    week = SPEC.first
    for _ in range(SPEC.weeks + 1):
        for tz in ("UTC", "Europe/Berlin"):
            w = parse_week(week.label, tz)
            assert compute_digest(slow, w, now) == compute_digest(fast, w, now), w
        week = week.next()
    slow.close()
    fast.close()


def test_the_demo_digest_has_something_in_every_section(tmp_path: Path) -> None:
    store = open_store(tmp_path / "demo.db")
    run_bulk(store, SPEC)
    d = compute_digest(store, parse_week("2026-W38", "UTC"), SPEC.first.start
                       + timedelta(weeks=5))
    store.close()
    assert d["opened"] > 30 and d["resolved"] > 30 and d["open_at_end"] >= 0
    assert d["time_to_connect"]["n"] > 20 and d["time_to_resolution"]["n"] > 20
    assert d["handoffs"]["offered"] > 0 and d["owners_per_resolved_case"]["passed_around"] > 0
    assert sum(d["mood_shift"].values()) > 5 and d["recognition"] and d["friction"]
    assert d["function_pairs"] and d["decisions"]["taken"] > 0
    assert sum(d["promises"].values()) > 0
