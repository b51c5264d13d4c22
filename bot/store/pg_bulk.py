"""PostgreSQL's bulk load into an empty store (`demo --bulk`, the benchmarks' kept years): the
indexes and foreign keys of the tables it COPYs into are set aside while it writes and made
again once at the end (PgSearch.bulk_load).

Kept row by row, each COPYed row also went into up to six b-trees (timeline, cases) and had
its foreign keys checked (a lookup of its case or person): in a profile of the fill at 20k
cases, COPY was 17 s of 68. Made after the load, an index is one sort and a foreign key one
join. Unique indexes (and primary keys, which the ids' sequences read) stay: the load must
not write what they refuse.

What is set aside is read from the catalog (every index and foreign key there is, whichever
migration made it) and made again from its own definition, so the schema after the load is
the schema before it. If the process dies in the middle, the store is half-loaded anyway
(start again from an empty store).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.store.bulk import COLUMNS
from bot.store.pg_db import PgDb
from bot.store.schema_digest_seconds import INDEXES as DIGEST_SECONDS_INDEXES

# The tables the load writes: COPY's (bot/store/bulk.py) and the digest's kept figures,
# filled at the end (schema_digest.PG_BULK_RECOUNT).
LOADED = (*COLUMNS, "case_digest")
# Indexes on columns the end's recounts write: made after them, not updated by them.
LATE = ("help_requests_by_at_join", "case_digest_by_resolved", *DIGEST_SECONDS_INDEXES)


@dataclass
class SetAside:
    indexes: list[tuple[str, str]] = field(default_factory=list)  # (name, CREATE INDEX ...)
    keys: list[tuple[str, str, str]] = field(default_factory=list)  # (table, name, def)


def set_aside(db: PgDb) -> SetAside:
    """Drop the loaded tables' non-unique indexes and foreign keys; what to make again."""
    aside = SetAside()
    for r in db.execute(
            "SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def "
            "FROM pg_index i WHERE i.indrelid = ANY (?::regclass[]) AND NOT i.indisunique "
            "ORDER BY 1", (list(LOADED),)):
        aside.indexes.append((r["name"], r["def"]))
    for r in db.execute(
            "SELECT conrelid::regclass::text AS tbl, conname, pg_get_constraintdef(oid) AS def "
            "FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY (?::regclass[]) "
            "ORDER BY 1, 2", (list(LOADED),)):
        aside.keys.append((r["tbl"], r["conname"], r["def"]))
    for table, name, _ in aside.keys:
        db.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
    for name, _ in aside.indexes:
        db.execute(f"DROP INDEX {name}")
    return aside


def make_indexes(db: PgDb, aside: SetAside, late: bool) -> None:
    """The indexes set aside (those of LATE, or every other one), made again."""
    db.execute("SET LOCAL maintenance_work_mem = '256MB'")
    for name, definition in aside.indexes:
        if (name in LATE) == late:
            db.execute(definition)


def make_keys(db: PgDb, aside: SetAside) -> None:
    """The foreign keys set aside, added again (each checked by one join)."""
    for table, name, definition in aside.keys:
        db.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
