"""The digest over the same demo data gives the same JSON on both stores: PostgreSQL's window
reads (bot/store/postgres.py) answer what SQLite's do, week by week, in two time zones; and
the demo's bulk load (COPY on PostgreSQL) writes the same cases as SQLite's."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.digest.metrics import compute_digest
from bot.digest.text import to_json
from bot.digest.weeks import parse_week
from bot.export import export_cases
from bot.store import open_store
from bot.store.postgres import open_pg_store
from demo.bulk import run_bulk
from demo.plan import DemoSpec

SPEC = DemoSpec(first=parse_week("2026-W36", "UTC"), weeks=3, cases_per_week=40, seed=11)


def test_the_digest_json_is_the_same_on_both_stores(tmp_path: Path, pg_url: str) -> None:
    lite, pg = open_store(tmp_path / "demo.db"), open_pg_store(pg_url)
    try:
        assert run_bulk(lite, SPEC).cases == run_bulk(pg, SPEC).cases > 100
        assert export_cases(pg) == export_cases(lite)
        now = SPEC.first.start + timedelta(weeks=SPEC.weeks, days=2)
        week, compared = SPEC.first, 0
        for _ in range(SPEC.weeks + 1):
            for tz in ("UTC", "America/New_York"):
                w = parse_week(week.label, tz)
                on_pg = compute_digest(pg, w, now)
                assert to_json(on_pg) == to_json(compute_digest(lite, w, now)), w
                compared += on_pg["resolved"] > 0
            week = week.next()
        assert compared >= 4  # weeks with something in them, not only empty digests
        # After a bulk load with explicit ids, the database still gives new ids itself.
        pg.people.ensure("ann", "shell", "Ann", None, "2026-10-01T00:00:00Z")
        new_id = pg.cases.add("ZD-NEW", "", "after the load", 2, "ann", "shell",
                              "2026-10-01T00:00:00Z")
        assert new_id == max(c.id for c in lite.cases.all()) + 1
    finally:
        lite.close()
        pg.close()
