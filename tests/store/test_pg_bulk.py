"""PostgreSQL's bulk load (`demo --bulk`, the benchmarks' kept years: COPY with the triggers
off, indexes and foreign keys made after the rows, the expert figures once at the end) writes
row for row what SQLite's writes from the same spec, kept figures included, and leaves the
schema as it found it (bot/store/pg_bulk.py, PgSearch.bulk_load)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.digest.weeks import parse_week
from bot.store import open_store
from bot.store.bulk import COLUMNS
from bot.store.pg_bulk import LOADED
from bot.store.pg_search_schema import DOC_TRIGGERS
from bot.store.postgres import PgStore, open_pg_store
from bot.store.schema_digest import PG_BULK_TRIGGERS
from bot.store.sqlite import SqliteStore
from demo.bulk import run_bulk
from demo.plan import DemoSpec

SPEC = DemoSpec(first=parse_week("2026-W40", "UTC"), weeks=3, cases_per_week=45, seed=3)

# Every table the load writes, and what the triggers and the end's counts keep from them.
_KEPT = {"case_digest": "case_id", "expert_help": "skill, person_id, case_id",
         "expert_load": "person_id", "expert_rank": "person_id, skill",
         "expert_asked": "person_id, held, skill, asked",
         "expert_pair": "person_id, skill, other", "search_lexemes": "lexeme"}


def _rows(store: PgStore | SqliteStore, table: str, order: str) -> list[tuple[Any, ...]]:
    sql = f"SELECT * FROM {table} ORDER BY {order}"
    raw = (store.db.tuples(sql) if isinstance(store, PgStore)
           else store.db.conn.execute(sql).fetchall())
    # PostgreSQL's booleans are SQLite's 0/1; the rest compares as it is
    return [tuple(int(v) if isinstance(v, bool) else v for v in r) for r in raw]


def _columns(store: PgStore, table: str) -> str:
    """The columns both stores have, in PostgreSQL's order (SQLite's search_lexemes has no
    `common`: PostgreSQL's rarer words are its own)."""
    return ", ".join(r[0] for r in store.db.tuples(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
        "AND column_name <> 'common' ORDER BY ordinal_position".replace("%s", "?"), (table,)))


def test_the_bulk_load_writes_on_postgresql_what_it_writes_on_sqlite(tmp_path: Path,
                                                                      pg_url: str) -> None:
    lite, pg = open_store(tmp_path / "bulk.db"), open_pg_store(pg_url)
    assert isinstance(lite, SqliteStore)
    try:
        assert run_bulk(lite, SPEC).cases == run_bulk(pg, SPEC).cases > 100
        compared: dict[str, int] = {}
        for table, order in ({t: "1" for t in COLUMNS} | _KEPT).items():
            if table == "owners" or table == "participants":
                order = "case_id, person_id, " + ("assumed_at" if table == "owners"
                                                  else "joined_at")
            cols = _columns(pg, table)
            if table == "search_lexemes" and lite.db.conn.execute(
                    "SELECT 1 FROM sqlite_master WHERE name = 'search_lexemes'").fetchone() is None:
                continue
            ours = _rows(pg, f"(SELECT {cols} FROM {table}) t", order)
            theirs = _rows(lite, f"(SELECT {cols} FROM {table})", order)
            assert ours == theirs, table
            compared[table] = len(ours)
        # every table has rows: nothing was compared empty against empty
        assert all(compared.values()), compared
        assert compared["expert_asked"] > 20 and compared["case_digest"] == compared["cases"]
        first_joins = pg.db.tuples("SELECT count(*) FROM help_requests WHERE first_join "
                                   "IS NOT NULL")[0][0]
        assert first_joins > 10
    finally:
        lite.close()
        pg.close()


def _schema(store: PgStore) -> dict[str, list[tuple[Any, ...]]]:
    return {
        "indexes": store.db.tuples("SELECT tablename, indexname, indexdef FROM pg_indexes "
                                   "WHERE schemaname = 'public' ORDER BY 1, 2"),
        "constraints": store.db.tuples(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), "
            "convalidated FROM pg_constraint WHERE connamespace = 'public'::regnamespace "
            "ORDER BY 1, 2"),
        "triggers": store.db.tuples("SELECT tgrelid::regclass::text, tgname, tgenabled FROM "
                                    "pg_trigger WHERE NOT tgisinternal ORDER BY 1, 2")}


def test_a_bulk_load_into_an_empty_store_leaves_the_schema_it_found(fresh_pg_url: str) -> None:
    pg = open_pg_store(fresh_pg_url)
    try:
        before = _schema(pg)
        assert len(before["indexes"]) > 50 and len(before["constraints"]) > 20
        with pg.search.bulk_load():
            during = _schema(pg)
            run_bulk_rows = {t for t, *_ in during["indexes"]}
            assert "timeline" in run_bulk_rows  # its primary key stays
            assert len(during["indexes"]) < len(before["indexes"]) - 20
            assert len(during["constraints"]) < len(before["constraints"]) - 10
        assert _schema(pg) == before
    finally:
        pg.close()


def test_every_trigger_a_load_would_fire_is_off_during_it_and_counted_after(
        fresh_pg_url: str) -> None:
    """A trigger added later on a loaded table must join the bulk load's list (and its
    count at the end), or the load would leave its figures unkept: this fails then."""
    pg = open_pg_store(fresh_pg_url)
    try:
        fired = {(t, name) for t, name in pg.db.tuples(
            "SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal "
            "AND tgrelid = ANY (?::regclass[]) AND (tgtype & 4) <> 0",  # 4: ON INSERT
            ([*LOADED, "case_docs"],))}
        assert fired == set(DOC_TRIGGERS) | set(PG_BULK_TRIGGERS)
        with pg.search.bulk_load():
            enabled = pg.db.tuples("SELECT tgrelid::regclass::text, tgname FROM pg_trigger "
                                   "WHERE NOT tgisinternal AND tgenabled <> 'D' AND tgrelid = "
                                   "ANY (?::regclass[]) AND (tgtype & 4) <> 0",
                                   ([*LOADED, "case_docs"],))
            assert enabled == []
    finally:
        pg.close()
