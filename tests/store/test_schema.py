"""One versioned list of migrations for both stores: every migration has its PostgreSQL form,
both schemas end with the same tables, columns, keys, unique constraints and indexes, and a
schema newer than this release is refused in one line on either store."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.store import open_store, pg_schema
from bot.store.interfaces import SchemaError
from bot.store.pg_db import PgDb
from bot.store.postgres import open_pg_store
from testkit.pg_cluster import Cluster


def _type(declared: str) -> str:
    # Same meaning, different spelling: SQLite's INTEGER is PostgreSQL's BIGINT here.
    return {"bigint": "INTEGER", "integer": "INTEGER", "text": "TEXT"}.get(
        declared.lower(), declared.upper())


def sqlite_schema(path: Path) -> dict[str, object]:
    conn = sqlite3.connect(str(path))
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name NOT LIKE '\\_%' ESCAPE '\\'")]
    schema: dict[str, object] = {}
    for t in sorted(set(tables) - pg_schema.SQLITE_ONLY_TABLES):
        info = conn.execute(f"PRAGMA table_info({t})").fetchall()
        columns = {(c[1], _type(c[2]), bool(c[3]) or c[5] > 0) for c in info}
        pk = tuple(c[1] for c in sorted(info, key=lambda c: c[5]) if c[5] > 0)
        fks = {(f[3], f[2], f[4]) for f in conn.execute(f"PRAGMA foreign_key_list({t})")}
        indexes = {r[1] for r in conn.execute(f"PRAGMA index_list({t})")
                   if not r[1].startswith("sqlite_autoindex")} - pg_schema.SQLITE_ONLY_INDEXES
        uniques = {tuple(c[2] for c in conn.execute(f"PRAGMA index_info({r[1]})"))
                   for r in conn.execute(f"PRAGMA index_list({t})") if r[2] and r[3] != "pk"}
        schema[t] = {"columns": columns, "pk": pk, "fks": fks, "indexes": indexes,
                     "uniques": uniques}
    conn.close()
    return schema


def postgres_schema(db: PgDb) -> dict[str, object]:
    tables = [r["table_name"] for r in db.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
        "AND table_name <> ?", (pg_schema.MIGRATIONS_TABLE,))]
    schema: dict[str, object] = {}
    for t in sorted(set(tables) - pg_schema.PG_ONLY_TABLES):
        only_here = pg_schema.PG_ONLY_COLUMNS.get(t, frozenset())
        columns = {(r["column_name"], _type(r["data_type"]), r["is_nullable"] == "NO")
                   for r in db.execute("SELECT column_name, data_type, is_nullable FROM "
                                       "information_schema.columns WHERE table_name = ?", (t,))
                   if r["column_name"] not in only_here}
        pk = tuple(r["a"] for r in db.execute(
            "SELECT a.attname AS a FROM pg_index i JOIN pg_attribute a ON a.attrelid = "
            "i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indrelid = ?::regclass AND "
            "i.indisprimary ORDER BY array_position(i.indkey, a.attnum)", (t,)))
        fks = {(r["col"], r["ref"], r["refcol"]) for r in db.execute(
            "SELECT kcu.column_name AS col, ccu.table_name AS ref, ccu.column_name AS refcol "
            "FROM information_schema.table_constraints tc JOIN "
            "information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name"
            " JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = "
            "tc.constraint_name WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_name = ?",
            (t,))}
        # Indexes made by hand; those behind a key or UNIQUE constraint are SQLite's
        # autoindexes (left out there) and are compared as `pk` and `uniques`.
        indexes = {r["indexname"] for r in db.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = ? AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint WHERE conrelid = ?::regclass)", (t, t))}
        uniques = set()
        for r in db.execute("SELECT i.indexrelid::regclass::text AS name, "
                            "pg_get_indexdef(i.indexrelid) AS def, i.indkey::text AS keys "
                            "FROM pg_index i WHERE i.indrelid = ?::regclass AND i.indisunique "
                            "AND NOT i.indisprimary", (t,)):
            cols = db.execute(
                "SELECT COALESCE(a.attname, '') AS a FROM unnest(string_to_array(?, ' ')::int[])"
                " WITH ORDINALITY k(n, o) LEFT JOIN pg_attribute a ON a.attrelid = "
                "?::regclass AND a.attnum = k.n ORDER BY k.o", (r["keys"], t))
            # An expression index (lower(ref)) has no column: SQLite names it None.
            uniques.add(tuple(c["a"] or None for c in cols))
        schema[t] = {"columns": columns, "pk": pk, "fks": fks, "indexes": indexes,
                     "uniques": uniques}
    return schema


def _columns(table: object) -> object:
    assert isinstance(table, dict)
    return table["columns"], table["fks"]


def test_every_migration_has_its_postgresql_form() -> None:
    names = pg_schema.migration_names()
    missing = [n for n in names if n not in pg_schema.POSTGRES]
    assert not missing, f"add the PostgreSQL form of {missing} to bot/store/pg_schema.py"
    assert set(pg_schema.POSTGRES) <= set(names), "a PostgreSQL form for no migration"


def test_both_stores_have_the_same_schema(tmp_path: Path, pg_url: str) -> None:
    open_store(tmp_path / "s.db").close()
    db = PgDb(pg_url)
    try:
        pg, lite = postgres_schema(db), sqlite_schema(tmp_path / "s.db")
        assert sorted(pg) == sorted(lite)
        for table in lite:
            if table in pg_schema.LAYOUT_DIFFERS:  # the same columns, their own keys
                assert _columns(pg[table]) == _columns(lite[table]), table
                continue
            assert pg[table] == lite[table], table
        assert pg_schema.applied(db) == pg_schema.migration_names()
    finally:
        db.close()


def test_migrating_twice_applies_nothing_the_second_time(fresh_pg_url: str) -> None:
    pg_url = fresh_pg_url
    db = PgDb(pg_url)
    try:
        assert pg_schema.apply(db) == []
    finally:
        db.close()


def test_a_newer_schema_is_refused_in_one_line_on_postgresql(fresh_pg_url: str) -> None:
    pg_url = fresh_pg_url
    db = PgDb(pg_url)
    db.execute(f"INSERT INTO {pg_schema.MIGRATIONS_TABLE} (name) VALUES ('m999_future')")
    db.close()
    for migrate in (False, True):
        with pytest.raises(SchemaError) as err:
            open_pg_store(pg_url, migrate=migrate)
        assert "newer than this swarmbot (unknown migrations: m999_future)" in str(err.value)
        assert "\n" not in str(err.value)


def test_a_newer_schema_is_refused_in_one_line_on_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    open_store(path).close()
    conn = sqlite3.connect(str(path))
    conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                 "VALUES ('swarmbot', 'm999_future', '2030-01-01')")
    conn.commit()
    conn.close()
    with pytest.raises(SchemaError, match="unknown migrations: m999_future"):
        open_store(path)


def test_a_fresh_database_is_refused_until_migrated(pg_cluster: Cluster) -> None:
    url = pg_cluster.new_database()
    with pytest.raises(SchemaError, match=r"pending migrations: m001_initial_schema.*"
                                          r"run `swarmbot migrate --config FILE` first"):
        open_pg_store(url)
    open_pg_store(url, migrate=True).close()
    open_pg_store(url).close()


def test_the_finders_kept_tables_are_vacuumed_after_one_percent_changes(pg_url: str) -> None:
    # m060: the finder's index-only reads need the visibility map a VACUUM sets, and every
    # load change rewrites a person's rows there; PostgreSQL's default waits for 20%.
    db = PgDb(pg_url)
    try:
        options = {r["relname"]: sorted(r["reloptions"] or []) for r in db.execute(
            "SELECT relname, reloptions FROM pg_class WHERE relname IN "
            "('expert_rank', 'expert_asked', 'expert_pair', 'skills')")}
    finally:
        db.close()
    soon = ["autovacuum_vacuum_insert_scale_factor=0.01", "autovacuum_vacuum_scale_factor=0.01"]
    assert options == {"expert_rank": soon, "expert_asked": soon, "expert_pair": soon,
                       "skills": []}
